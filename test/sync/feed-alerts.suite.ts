import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { PgSync } from '../../src/engine/sync/pg-sync';
import { CENTRAL_SCHEMA_VERSION, plainSchemaSql } from '../../src/engine/sync/pg-schema';
import { replayFeedFaults } from '../support/feed-fault-capture';
import { dropSchema, freshSchema, PG_URL, query } from './helpers';

/** Feed-integrity alerts reach the central database with their detail, and an older central schema is brought up to date. */
export function feedAlertsSyncSuite(): void {
  describe('feed-integrity alerts in the central sync', () => {
    let db: HistoryDatabase;
    const schemas: string[] = [];
    beforeAll(async () => {
      db = openHistoryDb((await replayFeedFaults()).dbPath);
    }, 60_000);
    afterAll(async () => {
      db?.close();
      for (const s of schemas) await dropSchema(s);
    });

    it('syncs feed alerts with detail and peak, and their audit events with detail', async () => {
      const schema = freshSchema();
      schemas.push(schema);
      const sync = new PgSync(db, { url: PG_URL, deskId: 'desk-feed', schema, log: () => undefined });
      try {
        await sync.syncUntilCaughtUp();
      } finally {
        await sync.close();
      }
      const rows = await query<{ key: string; metric: string; detail: string; peak_value: number; state: string }>(
        `SELECT i.key, a.metric, a.detail, a.peak_value, a.state FROM "${schema}".alerts a
           JOIN "${schema}".instruments i ON i.desk_id = a.desk_id AND i.local_id = a.instrument_id
          WHERE a.detail IS NOT NULL ORDER BY a.opened_at`,
      );
      expect(rows.find((r) => r.metric === 'gaps_in_window')).toMatchObject({ key: 'binance-spot', detail: '1 sequence gap in 20 s', state: 'resolved' });
      const stale = rows.find((r) => r.metric === 'feed_stale_seconds')!;
      expect(stale.detail).toMatch(/^stale: no frame for \d+ s$/);
      const events = await query<{ kind: string; detail: string }>(
        `SELECT kind, detail FROM "${schema}".alert_events WHERE metric = 'feed_stale_seconds' ORDER BY time`,
      );
      expect(events.map((e) => e.kind)).toEqual(['firing', 'resolved']);
      expect(events[1]!.detail).toBe('receiving');
    });

    it('brings a central schema made by the previous build (version 1, no detail columns) up to this version', async () => {
      const schema = freshSchema();
      schemas.push(schema);
      for (const sql of plainSchemaSql(schema)) await query(sql);
      for (const [table, column] of [['alerts', 'detail'], ['alerts', 'peak_value'], ['alerts', 'peak_zscore'], ['alert_events', 'detail']]) {
        await query(`ALTER TABLE "${schema}"."${table}" DROP COLUMN "${column}"`);
      }
      await query(`INSERT INTO "${schema}".schema_meta (key, value) VALUES ('version', '1'), ('mode', 'postgres')`);
      const sync = new PgSync(db, { url: PG_URL, deskId: 'desk-old', schema, log: () => undefined });
      try {
        await sync.syncUntilCaughtUp();
      } finally {
        await sync.close();
      }
      const meta = await query<{ value: string }>(`SELECT value FROM "${schema}".schema_meta WHERE key = 'version'`);
      expect(meta[0]!.value).toBe(String(CENTRAL_SCHEMA_VERSION));
      const detailed = await query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".alerts WHERE detail IS NOT NULL`);
      expect(Number(detailed[0]!.n)).toBeGreaterThan(0);
    });
  });
}
