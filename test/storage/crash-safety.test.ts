import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { repoRoot } from '../support/shared-data';
import { tempDbPath } from './helpers';

const RATE = 2000;

describe('crash safety', () => {
  it('a writer killed with SIGKILL loses at most the last second, and the file opens clean', async () => {
    const path = tempDbPath();
    const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'test/storage/fixtures/write-forever.ts'), path, String(RATE)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let start = 0;
    let committed = 0;
    let commits = 0;
    let killedAt = 0;
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        const [word, n] = line.split(' ');
        if (word === 'start') start = Number(n);
        if (word === 'committed' && killedAt === 0) {
          committed = Number(n);
          if (++commits === 2) resolve();
        }
      });
    });
    await ready;
    // Kill mid-batch: well after the second commit, before the third.
    await new Promise((r) => setTimeout(r, 600));
    killedAt = Date.now();
    child.kill('SIGKILL');
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');

    const db = openHistoryDb(path);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const { rows, maxId, span } = db.prepare('SELECT count(*) AS rows, max(id) AS maxId, max(time) - min(time) AS span FROM samples').get() as {
      rows: number;
      maxId: number;
      span: number;
    };
    db.close();
    // Everything the child said was committed is there, with no hole in it.
    expect(rows).toBeGreaterThanOrEqual(committed);
    expect(maxId).toBe(rows);
    expect(span).toBe((rows - 1) * 1000);
    // What was queued but not committed is at most ~1 s of rows (plus timer slack).
    const generated = Math.floor(((killedAt - start) / 1000) * RATE);
    const context = `generated ${generated}, on disk ${rows}, last reported commit ${committed}`;
    if (process.env.SURVEIL_DEBUG_CRASH) process.stdout.write(`${context}\n`);
    expect(generated - rows, context).toBeLessThanOrEqual(RATE * 1.2);
    expect(rows).toBeLessThanOrEqual(generated);
  });
});
