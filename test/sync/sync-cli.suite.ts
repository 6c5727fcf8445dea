import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, localHistory, PG_URL, query, surveilSync } from './helpers';

/** `surveil sync --once` against the machine's PostgreSQL, in a child process as operators run it. */
export function syncCliSuite(): void {
  describe('surveil sync --once', () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });

    it('syncs until caught up, prints rows per table and the mode, then a second run sends nothing', async () => {
      const schema = freshSchema();
      const history = localHistory();
      cleanups.push(async () => {
        history.close();
        await dropSchema(schema);
      });
      history.write(700);
      const first = surveilSync(['--db', history.path, '--once', '--desk', 'cli-desk', '--schema', schema], PG_URL);
      expect(first.stderr).toMatch(/plain PostgreSQL tables with time indexes/);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^mode: plain postgres/m);
      // features.yaml sends rollups, not raw samples: 700 s is 11 closed minutes of 26 series.
      expect(first.stdout).toMatch(/^samples\s+0\s+0$/m);
      expect(first.stdout).toMatch(/^rollups\s+286\s+286$/m);
      expect(first.stdout).toMatch(/^raw samples: not sent/m);
      expect(first.stdout).toMatch(/^alerts\s+14\s+14$/m);
      expect(first.stdout).toMatch(/^caught up: \d+ rows/m);
      const second = surveilSync(['--db', history.path, '--once', '--samples', '--desk', 'cli-desk', '--schema', schema], PG_URL);
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/^samples\s+700\s+700$/m);
      expect(second.stdout).toMatch(/^rollups\s+0\s+0$/m);
      const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".samples WHERE desk_id = 'cli-desk'`);
      expect(Number(rows[0]!.n)).toBe(700);

      const third = surveilSync(['--db', history.path, '--once', '--samples', '--desk', 'cli-desk', '--schema', schema], PG_URL);
      expect(third.code).toBe(0);
      expect(third.stdout).toMatch(/^samples\s+0\s+0$/m);
    });
  });
}
