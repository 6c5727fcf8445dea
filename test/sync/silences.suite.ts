import { afterAll, describe, expect, it } from 'vitest';
import { AlertCaseStore } from '../../src/engine/storage/alert-case-store';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { PgSync } from '../../src/engine/sync/pg-sync';
import { tempDbPath } from '../storage/helpers';
import { dropSchema, freshSchema, PG_URL, query } from './helpers';

const H = 3600_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

interface CentralSilence {
  local_id: string;
  matcher_kind: string;
  matcher: string;
  rule: string | null;
  created_by: string;
  comment: string;
  created_ms: number;
  starts_ms: number;
  ends_ms: number;
  expired_by: string | null;
  expired_ms: number | null;
}

const silencesOf = (schema: string, desk: string) =>
  query<CentralSilence>(
    `SELECT local_id, matcher_kind, matcher, rule, created_by, comment, extract(epoch FROM created_at) * 1000 AS created_ms,
       extract(epoch FROM starts_at) * 1000 AS starts_ms, extract(epoch FROM ends_at) * 1000 AS ends_ms, expired_by,
       extract(epoch FROM expired_at) * 1000 AS expired_ms FROM "${schema}".silences WHERE desk_id = $1 ORDER BY local_id`,
    [desk],
  ).then((rows) => rows.map((r) => ({ ...r, created_ms: Number(r.created_ms), starts_ms: Number(r.starts_ms), ends_ms: Number(r.ends_ms), expired_ms: r.expired_ms === null ? null : Number(r.expired_ms) })));

const eventsOf = (schema: string, desk: string) =>
  query<{ local_id: string; kind: string; ms: string; by: string; comment: string | null }>(
    `SELECT local_id, kind, extract(epoch FROM time) * 1000 AS ms, by, comment FROM "${schema}".silence_events WHERE desk_id = $1 ORDER BY local_id, time, kind`,
    [desk],
  ).then((rows) => rows.map((r) => [Number(r.local_id), r.kind, Number(r.ms), r.by, r.comment]));

/** Silences, maintenance windows and case threads reach the central database as acks do: idempotent, with their audit events. */
export function silencesSyncSuite(): void {
  describe('silences, maintenance windows and case threads in the central sync', () => {
    const schemas: string[] = [];
    const dbs: HistoryDatabase[] = [];
    afterAll(async () => {
      for (const db of dbs) db.close();
      for (const s of schemas) await dropSchema(s);
    });

    it('sends each silence once with its created event, the early expiry as an update and an expired event, the case thread append-only', async () => {
      const schema = freshSchema();
      schemas.push(schema);
      const db = openHistoryDb(tempDbPath());
      dbs.push(db);
      const store = new AlertCaseStore(db);
      const silence = store.createSilence({
        matcher: { kind: 'venue', value: 'okx' },
        rule: null,
        createdBy: 'ana',
        comment: 'okx incident',
        createdAt: T0,
        startsAt: T0,
        endsAt: T0 + 2 * H,
      });
      // A maintenance window: a silence that starts later, on one rule of one instrument.
      const window = store.createSilence({
        matcher: { kind: 'instrument', value: 'BTC-USDT-PERP' },
        rule: 'spread_wide',
        createdBy: 'ben',
        comment: 'venue upgrade',
        createdAt: T0 + 1000,
        startsAt: T0 + 24 * H,
        endsAt: T0 + 26 * H,
      });
      const alertId = 'okx:BTC-USDT-SWAP/spread_bps/1764579600000';
      store.add({ alertId, kind: 'note', time: T0 + 5000, by: 'ana', text: 'looking' });
      store.add({ alertId, kind: 'assigned', time: T0 + 6000, by: 'ana', text: 'ben' });

      const sync = new PgSync(db, { url: PG_URL, deskId: 'desk-s', schema, log: () => undefined });
      try {
        const first = await sync.syncUntilCaughtUp();
        expect(first.sent.silences).toBe(2);
        expect(first.sent.alert_case).toBe(2);
        expect(first.silenceEvents).toBe(2);
        expect(await silencesOf(schema, 'desk-s')).toEqual([
          { local_id: '1', matcher_kind: 'venue', matcher: 'okx', rule: null, created_by: 'ana', comment: 'okx incident', created_ms: T0, starts_ms: T0, ends_ms: T0 + 2 * H, expired_by: null, expired_ms: null },
          { local_id: '2', matcher_kind: 'instrument', matcher: 'BTC-USDT-PERP', rule: 'spread_wide', created_by: 'ben', comment: 'venue upgrade', created_ms: T0 + 1000, starts_ms: T0 + 24 * H, ends_ms: T0 + 26 * H, expired_by: null, expired_ms: null },
        ]);
        expect(await eventsOf(schema, 'desk-s')).toEqual([
          [1, 'created', T0, 'ana', 'okx incident'],
          [2, 'created', T0 + 1000, 'ben', 'venue upgrade'],
        ]);
        const thread = await query<{ kind: string; by: string; text: string }>(`SELECT kind, by, text FROM "${schema}".alert_case WHERE desk_id = 'desk-s' AND alert_id = $1 ORDER BY time`, [alertId]);
        expect(thread).toEqual([
          { kind: 'note', by: 'ana', text: 'looking' },
          { kind: 'assigned', by: 'ana', text: 'ben' },
        ]);

        // Nothing new: the mirror writes nothing and no event repeats.
        const again = await sync.syncUntilCaughtUp();
        expect([again.sent.silences, again.sent.alert_case, again.silenceEvents]).toEqual([0, 0, 0]);

        // Expired early: the central row is updated and the expiry is an event.
        expect(store.expireSilence(silence.id, 'carl', T0 + H)?.expiredAt).toBe(T0 + H);
        const expired = await sync.syncUntilCaughtUp();
        expect([expired.sent.silences, expired.silenceEvents]).toEqual([1, 1]);
        const rows = await silencesOf(schema, 'desk-s');
        expect(rows[0]).toMatchObject({ expired_by: 'carl', expired_ms: T0 + H });
        expect(rows[1]).toMatchObject({ local_id: '2', expired_by: null });
        expect(window.id).toBe('S2');

        // Everything sent again (cursors forgotten): the central side already has it all.
        sync.resendAll();
        const resent = await sync.syncUntilCaughtUp();
        expect(resent.sent.alert_case).toBe(2);
        expect([resent.inserted.alert_case, resent.silenceEvents, resent.inserted.silences]).toEqual([0, 0, 0]);
      } finally {
        await sync.close();
      }
      expect(await eventsOf(schema, 'desk-s')).toEqual([
        [1, 'created', T0, 'ana', 'okx incident'],
        [1, 'expired', T0 + H, 'carl', null],
        [2, 'created', T0 + 1000, 'ben', 'venue upgrade'],
      ]);
      const counts = await query<{ s: string; c: string }>(
        `SELECT (SELECT count(*) FROM "${schema}".silences) AS s, (SELECT count(*) FROM "${schema}".alert_case) AS c`,
      );
      expect(counts[0]).toEqual({ s: '2', c: '2' });
    }, 60_000);
  });
}
