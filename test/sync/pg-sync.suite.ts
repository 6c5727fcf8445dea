import { afterEach, describe, expect, it } from 'vitest';
import { PgSync, SyncError } from '../../src/engine/sync/pg-sync';
import pg from 'pg';
import { CENTRAL_SCHEMA_VERSION, detectTimescale, timescaleSql } from '../../src/engine/sync/pg-schema';
import { PERP } from '../storage/fixtures/synthetic';
import { alertOf } from '../storage/helpers';
import { centralCount, dropSchema, duplicates, freshSchema, localCount, localHistory, PG_URL, query } from './helpers';

const TABLES = ['samples', 'alerts', 'alert_events', 'feed_events'] as const;

const cleanups: (() => Promise<void> | void)[] = [];

/** A fresh schema and a local history, both removed after the test. */
function setup(seed = 1) {
  const schema = freshSchema();
  const history = localHistory(seed);
  const syncs: PgSync[] = [];
  cleanups.push(async () => {
    for (const s of syncs) await s.close();
    history.close();
    await dropSchema(schema);
  });
  const logs: string[] = [];
  const syncer = (deskId = 'desk-a', db = history.db, batchSize = 250): PgSync => {
    const s = new PgSync(db, { url: PG_URL, deskId, schema, batchSize, log: (_l, m) => logs.push(m) });
    syncs.push(s);
    return s;
  };
  return { schema, history, syncer, logs };
}

/** Sync against the machine's PostgreSQL: full, incremental, alert revisions, two desks, desk conflict, schema reuse. */
export function pgSyncSuite(): void {
  describe('PgSync against the machine PostgreSQL', () => {
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });

    it('full sync: every local row lands once, values and times intact, mode logged', async () => {
      const { schema, history, syncer, logs } = setup();
      history.write(3000);
      const sync = syncer();
      const result = await sync.syncUntilCaughtUp();

      expect(result.mode).toBe('postgres');
      expect(result.caughtUp).toBe(true);
      expect(logs.join('\n')).toMatch(/plain PostgreSQL tables with time indexes \(timescaledb extension not available/);
      // 3,000 s: 49 closed minutes (the 50th is open), each 18 metrics and 8 z-scores: one central row per series.
      expect(result.sent).toEqual({ instruments: 1, silences: 0, alerts: 60, alert_events: 60, alert_case: 0, feed_events: 30, rollups: 49 * 26, samples: 3000 });
      expect(result.inserted).toEqual(result.sent);
      for (const table of TABLES) {
        expect(await centralCount(schema, table, 'desk-a')).toBe(localCount(history.db, table));
        expect(await duplicates(schema, table)).toBe(0);
      }

      // Times stay exact to the millisecond; z-scores are scaled back; ids line up.
      const local = history.db.prepare('SELECT id, time, mid, z_spread_bps FROM samples ORDER BY id LIMIT 3').all() as {
        id: number;
        time: number;
        mid: number;
        z_spread_bps: number;
      }[];
      const central = await query<{ local_id: string; ms: string; mid: number; z_spread_bps: number }>(
        `SELECT local_id, (extract(epoch FROM time) * 1000)::bigint AS ms, mid, z_spread_bps FROM "${schema}".samples ORDER BY local_id LIMIT 3`,
      );
      expect(central.map((r) => [Number(r.local_id), Number(r.ms), r.mid, r.z_spread_bps])).toEqual(
        local.map((r) => [r.id, r.time, r.mid, r.z_spread_bps / 1000]),
      );
      const instruments = await query(`SELECT local_id::int AS id, key, canonical_id, type FROM "${schema}".instruments`);
      expect(instruments).toEqual([{ id: 1, key: `${PERP.venue}:${PERP.symbol}`, canonical_id: PERP.id, type: 'perpetual' }]);
      // A time index exists in plain mode.
      const indexes = await query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [schema]);
      expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(['samples_time', 'alert_events_time', 'feed_events_time', 'rollups_time', 'rollups_event']));

      // A minute's rollup centrally: plain columns per series, the same figures as the minute's raw samples (float32).
      const minute = await query<{ n: number; valid_ms: number; min: number; max: number; mean: number; last: number; samples: number }>(
        `SELECT n, valid_ms, min, max, mean, last, samples FROM "${schema}".rollups WHERE series = 'mid' AND time = to_timestamp($1::float8 / 1000)`,
        [Date.UTC(2024, 0, 1, 0, 1)],
      );
      const mids = history.db.prepare('SELECT mid FROM samples WHERE time >= ? AND time < ? ORDER BY time').pluck().all(Date.UTC(2024, 0, 1, 0, 1), Date.UTC(2024, 0, 1, 0, 2)) as number[];
      expect(minute).toEqual([
        {
          n: 60,
          valid_ms: 60_000,
          min: Math.fround(Math.min(...mids)),
          max: Math.fround(Math.max(...mids)),
          mean: Math.fround(mids.reduce((a, b) => a + b, 0) / 60),
          last: Math.fround(mids[59]!),
          samples: 60,
        },
      ]);
      const z = await query<{ mean: number | null }>(`SELECT DISTINCT mean FROM "${schema}".rollups WHERE starts_with(series, 'z_')`);
      expect(z).toEqual([{ mean: null }]);
    });

    it('detects whether TimescaleDB is there from the server catalogue, and says why not', async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const available = (await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`)).rowCount! > 0;
        const found = await detectTimescale(client);
        // This machine's PostgreSQL has no TimescaleDB package: the plain branch, with the reason the sync logs.
        if (!available) expect(found).toEqual({ version: null, reason: 'timescaledb extension not available on the server' });
        else expect(found.version === null ? found.reason : 'created').toMatch(/created|could not be created/);
      } finally {
        await client.end();
      }
    });

    it('leaves raw samples out when told to (sync.send_samples false), rollups still sent', async () => {
      const { schema, history } = setup();
      history.write(600);
      const sync = new PgSync(history.db, { url: PG_URL, deskId: 'desk-a', schema, sendSamples: false, log: () => undefined });
      cleanups.push(() => sync.close());
      const result = await sync.syncUntilCaughtUp();
      expect(sync.sendsSamples).toBe(false);
      expect(result.sent).toMatchObject({ samples: 0, rollups: 9 * 26, alerts: 12 });
      expect(await centralCount(schema, 'samples', 'desk-a')).toBe(0);
      expect(await centralCount(schema, 'rollups', 'desk-a')).toBe(9 * 26);
    });

    it('incremental sync sends only what is new, and a cursor reset re-sends without duplicating', async () => {
      const { schema, history, syncer } = setup();
      history.write(1000);
      const sync = syncer();
      await sync.syncUntilCaughtUp();
      history.write(500);
      const second = await sync.syncUntilCaughtUp();
      // Minutes 16-23 closed by the new samples (1,000 s left minute 16 open, 1,500 s leaves minute 24 open).
      expect(second.sent).toEqual({ instruments: 0, silences: 0, alerts: 10, alert_events: 10, alert_case: 0, feed_events: 5, rollups: 8 * 26, samples: 500 });
      expect((await sync.syncUntilCaughtUp()).sent.samples).toBe(0);
      expect(sync.outbox.cursor('samples')).toBe(1500);

      // A new process (same file) resumes from the stored cursors.
      const again = syncer();
      history.write(100);
      expect((await again.syncUntilCaughtUp()).sent.samples).toBe(100);

      again.resendAll();
      const full = await again.syncUntilCaughtUp();
      expect(full.sent.samples).toBe(1600);
      expect(full.inserted.samples).toBe(0);
      expect(full.inserted.alert_events).toBe(0);
      for (const table of TABLES) {
        expect(await centralCount(schema, table, 'desk-a')).toBe(localCount(history.db, table));
        expect(await duplicates(schema, table)).toBe(0);
      }
    });

    it('an alert changed locally after its first sync (ack, resolve) is updated centrally by revision', async () => {
      const { schema, history, syncer } = setup();
      history.write(10);
      const sync = syncer();
      await sync.syncUntilCaughtUp();
      const id = `${PERP.venue}:${PERP.symbol}/spread_bps/${Date.UTC(2024, 0, 1)}`;
      const central = async () =>
        (
          await query<{ state: string; ack_by: string | null; ack_note: string | null; revision: string; resolved: boolean }>(
            `SELECT state, ack_by, ack_note, revision, resolved_at IS NOT NULL AS resolved FROM "${schema}".alerts WHERE desk_id = 'desk-a' AND alert_id = $1`,
            [id],
          )
        )[0]!;
      expect(await central()).toMatchObject({ state: 'firing', ack_by: null, revision: '1' });

      expect(history.writer.acknowledge(id, { by: 'ops', time: Date.UTC(2024, 0, 1, 0, 1), note: 'looking' })).toBe(true);
      const acked = await sync.syncUntilCaughtUp();
      expect(acked.sent.alerts).toBe(1);
      expect(acked.sent.alert_events).toBe(1);
      expect(await central()).toMatchObject({ state: 'firing', ack_by: 'ops', ack_note: 'looking', revision: '2' });

      const resolvedAt = Date.UTC(2024, 0, 1, 0, 5);
      const opened = Date.UTC(2024, 0, 1);
      history.writeAlert(alertOf({ id, openedAt: opened, firedAt: opened, state: 'resolved', resolvedAt }));
      await sync.syncUntilCaughtUp();
      expect(await central()).toMatchObject({ state: 'resolved', ack_by: 'ops', resolved: true, revision: '3' });

      // An older version arriving late (another process with a stale cursor) does not win.
      sync.resendAll();
      await sync.syncUntilCaughtUp();
      expect(await central()).toMatchObject({ state: 'resolved', revision: '3' });
      expect(await centralCount(schema, 'alerts', 'desk-a')).toBe(1);
    });

    it('still sends alert changes after retention deleted the alert with the highest revision', async () => {
      const { schema, history, syncer } = setup();
      history.write(100);
      const sync = syncer();
      await sync.syncUntilCaughtUp();
      expect(sync.outbox.cursor('alerts')).toBe(2);
      // Retention drops the newest-revision alert; the next change re-uses revision 2.
      history.db.prepare('DELETE FROM alerts WHERE revision = 2').run();
      history.writeAlert(alertOf({ id: 'late/1', openedAt: 5, firedAt: 5 }));
      expect(history.db.prepare(`SELECT revision FROM alerts WHERE alert_id = 'late/1'`).pluck().get()).toBe(2);
      await sync.syncUntilCaughtUp();
      expect(await query(`SELECT revision::int FROM "${schema}".alerts WHERE alert_id = 'late/1'`)).toEqual([{ revision: 2 }]);
    });

    it('two desks with the same local ids land side by side in one database, syncing at once', async () => {
      const { schema, history, syncer } = setup(1);
      const other = localHistory(2);
      cleanups.push(() => other.close());
      history.write(2000);
      other.write(1200);
      const [a, b] = await Promise.all([syncer('desk-a').syncUntilCaughtUp(), syncer('desk-b', other.db).syncUntilCaughtUp()]);
      expect(a.sent.samples).toBe(2000);
      expect(b.sent.samples).toBe(1200);
      for (const table of TABLES) {
        expect(await centralCount(schema, table, 'desk-a')).toBe(localCount(history.db, table));
        expect(await centralCount(schema, table, 'desk-b')).toBe(localCount(other.db, table));
        expect(await duplicates(schema, table)).toBe(0);
      }
      // Same local ids, different rows: the desk id keeps them apart.
      const both = await query<{ desk_id: string; mid: number }>(`SELECT desk_id, mid FROM "${schema}".samples WHERE local_id = 7 ORDER BY desk_id`);
      expect(both.map((r) => r.desk_id)).toEqual(['desk-a', 'desk-b']);
      expect(both[0]!.mid).not.toBe(both[1]!.mid);
      const desks = await query(`SELECT desk_id FROM "${schema}".desks ORDER BY desk_id`);
      expect(desks).toEqual([{ desk_id: 'desk-a' }, { desk_id: 'desk-b' }]);
    });

    it('refuses a second local database under a desk id another one owns', async () => {
      const { history, syncer } = setup();
      history.write(10);
      await syncer('desk-a').syncUntilCaughtUp();
      const intruder = localHistory(3);
      cleanups.push(() => intruder.close());
      intruder.write(10);
      const error = await syncer('desk-a', intruder.db)
        .syncUntilCaughtUp()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).message).toMatch(/desk id "desk-a" already belongs to another history database/);
      expect((error as SyncError).transient).toBe(false);
    });

    it('re-uses an existing schema without DDL, and plans hypertables, compression and retention for TimescaleDB', async () => {
      const { schema, history, syncer } = setup();
      history.write(5);
      await syncer().syncUntilCaughtUp();
      const meta = await query(`SELECT key, value FROM "${schema}".schema_meta ORDER BY key`);
      expect(meta).toEqual([{ key: 'mode', value: 'postgres' }, { key: 'version', value: String(CENTRAL_SCHEMA_VERSION) }]);
      history.write(5);
      expect((await syncer().syncUntilCaughtUp()).sent.samples).toBe(5);

      const plan = timescaleSql('surveil', { compressAfterDays: 3, retentionDays: 90 });
      // Case threads are append-only events like the alert audit trail: a hypertable with the same policies.
      expect(plan.map((p) => p.table)).toEqual(['alert_events', 'alert_case', 'feed_events', 'rollups', 'samples']);
      // Rollups: a hypertable whose compressed chunks still enforce its keys, and the hourly continuous aggregate.
      const rollups = plan.find((p) => p.table === 'rollups')!;
      expect(rollups.compression).toMatch(/compress_segmentby = 'desk_id, instrument_id, series'/);
      expect(rollups.aggregates[0]).toMatch(/CREATE MATERIALIZED VIEW IF NOT EXISTS "surveil"\."rollups_hourly" WITH \(timescaledb\.continuous\)[\s\S]*time_bucket\(INTERVAL '1 hour', time\)[\s\S]*WITH NO DATA/);
      expect(rollups.aggregates[1]).toMatch(/add_continuous_aggregate_policy\('"surveil"\."rollups_hourly"'::regclass/);
      expect(plan.find((p) => p.table === 'samples')!.aggregates).toEqual([]);
      const samples = plan.find((p) => p.table === 'samples')!;
      expect(samples.hypertable).toMatch(/create_hypertable\('"surveil"\."samples"'::regclass, 'time'/);
      expect(samples.compression).toMatch(/compress_segmentby = 'desk_id, instrument_id'/);
      expect(samples.policies.join('\n')).toMatch(/add_compression_policy.*3 days[\s\S]*add_retention_policy.*90 days/);
      expect(timescaleSql('surveil', { retentionDays: null })[0]!.policies).toHaveLength(1);
    });
  });
}
