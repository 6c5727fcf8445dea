import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { simulateToCapture } from '../../src/engine/simulator';
import { CENTRAL_SCHEMA_VERSION } from '../../src/engine/sync/pg-schema';
import { PgSync } from '../../src/engine/sync/pg-sync';
import { expandRollupRow } from '../../src/engine/sync/rollup-rows';
import { RollupSeriesCatalogue } from '../../src/engine/storage/rollup-series';
import { surveil, surveilCommand } from '../support/cli';
import { repoRoot } from '../support/shared-data';
import { tempDir } from '../storage/helpers';
import { centralCount, dropSchema, freshSchema, localCount, localHistory, PG_URL, query, surveilSync, waitFor } from './helpers';

const TABLES = ['samples', 'alerts', 'alert_events', 'feed_events'] as const;

/** Central rows per table whose natural key (as the local one) is there more than once. */
async function naturalDuplicates(schema: string, desk: string): Promise<Record<string, number>> {
  const keys: Record<string, string> = {
    samples: 'instrument_id, time',
    alerts: 'alert_id',
    alert_events: `alert_id, kind, time, coalesce("by", '')`,
    feed_events: `time, venue, coalesce(instrument_id, 0), kind, coalesce(detail, '')`,
    rollups: 'instrument_id, time, series',
  };
  const out: Record<string, number> = {};
  for (const [table, key] of Object.entries(keys)) {
    const rows = await query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM "${schema}"."${table}" WHERE desk_id = $1 GROUP BY ${key} HAVING count(*) > 1) d`,
      [desk],
    );
    out[table] = Number(rows[0]!.n);
  }
  return out;
}

function localCounts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, localCount(db, t)]));
  } finally {
    db.close();
  }
}

/** Central rows the local rollups become: one per series of each closed minute. */
function rollupSeriesRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const catalogue = new RollupSeriesCatalogue(db, { readonly: true });
    const rows = db.prepare('SELECT seq, instrument_id, minute, samples, flags, book_ms, stats FROM rollups').raw().all() as unknown[][];
    return rows.reduce((n: number, r) => n + expandRollupRow(r, catalogue).length, 0);
  } finally {
    db.close();
  }
}

/** Rows so far in a database another process is writing (0 before it has the table). */
function rowsNow(path: string, table: string): number {
  if (!existsSync(path)) return 0;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return localCount(db, table);
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Replays, resumes and re-sends: one central row per event. */
export function idempotentSyncSuite(): void {
  describe('one central row per event', () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });

    it('a replay killed with SIGKILL, resumed into the same database and synced twice leaves one row per event', async () => {
      const dir = tempDir();
      const schema = freshSchema();
      cleanups.push(async () => {
        await dropSchema(schema);
        rmSync(dir, { recursive: true, force: true });
      });
      const capture = join(dir, 'long.jsonl.gz');
      const config = loadConfig(join(repoRoot, 'config'));
      // Long enough that the replay is still running when its first alert is on disk.
      await simulateToCapture({
        scenario: 'stale_feed',
        injectAtMs: 60_000,
        durationMs: 1_800_000,
        also: [{ scenario: 'sequence_gap', injectAtMs: 120_000 }],
        seed: 5,
        alerts: config.alerts,
        staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
        out: capture,
      });
      const reference = join(dir, 'reference.sqlite');
      expect(surveil(['replay', capture, '--db', reference]).code).toBe(0);
      const expected = localCounts(reference);
      for (const t of TABLES) expect(expected[t], t).toBeGreaterThan(0);

      const db = join(dir, 'desk.sqlite');
      const child = spawn(...surveilCommand(['replay', capture, '--db', db]), {
        cwd: repoRoot,
        stdio: 'ignore',
        env: { ...process.env, SURVEIL_DEBUG: '' },
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await waitFor(() => rowsNow(db, 'alert_events') > 0 && rowsNow(db, 'feed_events') > 0, 60_000, 'the first events on disk');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const killed = localCounts(db);
      // Killed part-way: what the resume writes again overlaps what is there.
      expect(killed.samples).toBeLessThan(expected.samples!);

      const sync = (): ReturnType<typeof surveilSync> => surveilSync(['--db', db, '--once', '--samples', '--desk', 'kill-desk', '--schema', schema], PG_URL);
      const first = sync();
      expect(first.code, first.stderr).toBe(0);
      const resumed = surveil(['replay', capture, '--db', db]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(localCounts(db)).toEqual(expected);
      for (let i = 0; i < 2; i++) {
        const run = sync();
        expect(run.code, run.stderr).toBe(0);
      }
      for (const t of TABLES) expect(await centralCount(schema, t, 'kill-desk'), t).toBe(expected[t]);
      expect(await naturalDuplicates(schema, 'kill-desk')).toEqual({ samples: 0, alerts: 0, alert_events: 0, feed_events: 0, rollups: 0 });
      // Every closed minute of the resumed file is there once per series, as in the clean run.
      expect(await centralCount(schema, 'rollups', 'kill-desk')).toBe(rollupSeriesRows(reference));

      // Replayed yet again and re-sent whole: still one row per event, locally and centrally.
      expect(surveil(['replay', capture, '--db', db]).code).toBe(0);
      expect(localCounts(db)).toEqual(expected);
      expect(surveilSync(['--db', db, '--once', '--full', '--samples', '--desk', 'kill-desk', '--schema', schema], PG_URL).code).toBe(0);
      for (const t of TABLES) expect(await centralCount(schema, t, 'kill-desk'), t).toBe(expected[t]);
    }, 240_000);

    it('upgrades a version 2 central schema in place: events duplicated under other local ids are removed, then keyed', async () => {
      const schema = freshSchema();
      const history = localHistory(4);
      const syncs: PgSync[] = [];
      const logs: string[] = [];
      cleanups.push(async () => {
        for (const s of syncs) await s.close();
        history.close();
        await dropSchema(schema);
      });
      const syncer = (): PgSync => {
        const s = new PgSync(history.db, { url: PG_URL, deskId: 'desk-up', schema, log: (_level, message) => logs.push(message) });
        syncs.push(s);
        return s;
      };
      history.write(600);
      await syncer().syncUntilCaughtUp();
      await syncs.pop()!.close();
      // What a version 2 schema holds after a desk synced its plain-INSERT duplicates: no natural keys, and copies under new local ids.
      const s = `"${schema}"`;
      await query(`DROP INDEX ${s}.alert_events_event, ${s}.feed_events_event, ${s}.samples_event`);
      await query(`UPDATE ${s}.schema_meta SET value = '2' WHERE key = 'version'`);
      await query(`INSERT INTO ${s}.alert_events SELECT desk_id, local_id + 100000, alert_id, kind, time, severity, rule, metric, value, zscore, threshold, z_threshold, "by", note, detail FROM ${s}.alert_events`);
      await query(`INSERT INTO ${s}.feed_events SELECT desk_id, local_id + 100000, time, venue, instrument_id, kind, detail FROM ${s}.feed_events`);
      expect(await centralCount(schema, 'alert_events', 'desk-up')).toBe(2 * localCount(history.db, 'alert_events'));

      const events = localCount(history.db, 'alert_events');
      const feed = localCount(history.db, 'feed_events');
      logs.length = 0;
      const upgraded = syncer();
      upgraded.resendAll();
      await upgraded.syncUntilCaughtUp();
      // The operator is told what the upgrade removed.
      expect(logs).toContain(`sync: central alert_events: ${events} rows duplicating an event under another local id removed (schema 3 natural key)`);
      expect(logs).toContain(`sync: central feed_events: ${feed} rows duplicating an event under another local id removed (schema 3 natural key)`);
      const meta = await query<{ value: string }>(`SELECT value FROM ${s}.schema_meta WHERE key = 'version'`);
      expect(meta[0]!.value).toBe(String(CENTRAL_SCHEMA_VERSION));
      for (const t of TABLES) expect(await centralCount(schema, t, 'desk-up'), t).toBe(localCount(history.db, t));
      // The first copy is the one kept: the local ids are the desk's own.
      const ids = await query<{ max: string }>(`SELECT max(local_id) AS max FROM ${s}.alert_events`);
      expect(Number(ids[0]!.max)).toBeLessThan(100000);
      expect(await naturalDuplicates(schema, 'desk-up')).toEqual({ samples: 0, alerts: 0, alert_events: 0, feed_events: 0, rollups: 0 });
    });
  });
}
