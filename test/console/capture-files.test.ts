import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureProblem } from '../../src/engine/console/capture-files';
import { simulateToCapture } from '../../src/engine/simulator';
import { CONFIG, cleanupSimDirs, simDir } from '../simulator/helpers';

afterAll(cleanupSimDirs);

describe('a capture path typed on a console that opens any path (issue 13)', () => {
  it('opens a capture anywhere, plain or gzip, and names what is wrong with anything else', async () => {
    const dir = simDir();
    for (const name of ['calm.jsonl', 'calm.jsonl.gz']) {
      await simulateToCapture({ scenario: 'calm', seed: 1, durationMs: 5_000, alerts: CONFIG.alerts, out: join(dir, name) });
      expect(await captureProblem(join(dir, name))).toBeNull();
    }
    expect(await captureProblem('/etc/passwd')).toMatch(/name ends in \.jsonl/);
    expect(await captureProblem(join(dir, 'missing.jsonl'))).toMatch(/cannot open: ENOENT/);
    writeFileSync(join(dir, 'notes.jsonl'), 'hello\n');
    expect(await captureProblem(join(dir, 'notes.jsonl'))).toMatch(/not a capture/);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(await captureProblem(join(dir, 'empty.jsonl'))).not.toBeNull();
  }, 30_000);
});
