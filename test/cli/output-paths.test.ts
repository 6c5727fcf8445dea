import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { surveil } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'surveil-output-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = join(dir, 'no-such-folder');

describe('commands that write files check where before the work, naming the path', () => {
  it('record --out into a missing folder fails before connecting to any venue', () => {
    const out = join(missing, 'rec.jsonl.gz');
    const run = surveil(['record', '--venue', 'okx', '--out', out, '--duration', '5']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil record: --out ${out}: the folder ${missing} does not exist`);
    expect(run.stdout).toBe('');
  });

  it('simulate --out or --labels into a missing folder fails before simulating', () => {
    const out = join(missing, 'sim.jsonl');
    const run = surveil(['simulate', '--scenario', 'calm', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil simulate: --out ${out}: the folder ${missing} does not exist`);
    const labels = join(missing, 'labels.json');
    const capture = join(dir, 'sim.jsonl');
    const second = surveil(['simulate', '--scenario', 'calm', '--out', capture, '--labels', labels]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`surveil simulate: --labels ${labels}: the folder ${missing} does not exist`);
    // Nothing simulated, so no capture left without its labels.
    expect(existsSync(capture)).toBe(false);
  });
});
