import { afterEach, describe, expect, it } from 'vitest';
import { AlertCaseStore, alertOpenings } from '../../src/engine/storage/alert-case-store';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/engine/storage/migrations';
import { silenceState } from '../../src/shared/silences';
import { tempDbPath } from './helpers';

const open: HistoryDatabase[] = [];
const reopen = (path: string): HistoryDatabase => {
  const db = openHistoryDb(path);
  open.push(db);
  return db;
};
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

const ALERT = 'binance-usdm:BTCUSDT/spread_bps/1000';
const H = 3600_000;

describe('alert cases and silences in the history database (schema v6)', () => {
  it('keeps notes, assignments and silences across a reopen of the file', () => {
    const path = tempDbPath();
    const first = new AlertCaseStore(reopen(path));
    first.add({ alertId: ALERT, kind: 'note', time: 2000, by: 'alice', text: 'spread wide on the book, venue status page quiet' });
    first.add({ alertId: ALERT, kind: 'assigned', time: 2100, by: 'alice', text: 'bob' });
    first.add({ alertId: ALERT, kind: 'note', time: 2200, by: 'bob', text: 'looking' });
    const s1 = first.createSilence({
      matcher: { kind: 'venue', value: 'okx' },
      rule: null,
      createdBy: 'alice',
      comment: 'okx maintenance',
      createdAt: 1000,
      startsAt: 5 * H,
      endsAt: 7 * H,
    });
    const s2 = first.createSilence({
      matcher: { kind: 'key', value: 'binance-usdm:BTCUSDT' },
      rule: 'spread_warning',
      createdBy: 'carol',
      comment: 'known wide spread',
      createdAt: 1000,
      startsAt: 1000,
      endsAt: 2 * H,
    });
    expect(first.expireSilence(s2.id, 'dave', 1 * H)?.expiredBy).toBe('dave');
    open.pop()!.close();

    const again = new AlertCaseStore(reopen(path));
    expect(again.entries(ALERT).map((e) => [e.kind, e.by, e.text])).toEqual([
      ['note', 'alice', 'spread wide on the book, venue status page quiet'],
      ['assigned', 'alice', 'bob'],
      ['note', 'bob', 'looking'],
    ]);
    expect(again.summaries([ALERT, 'other'])).toEqual(new Map([[ALERT, { assignee: 'bob', notes: 2 }]]));
    const [okx, btc] = again.silences(0);
    expect(okx).toEqual({ ...s1, id: s1.id });
    expect(okx!.matcher).toEqual({ kind: 'venue', value: 'okx' });
    expect(silenceState(okx!, 4 * H)).toBe('pending');
    expect(silenceState(okx!, 6 * H)).toBe('active');
    expect(btc).toMatchObject({ id: s2.id, rule: 'spread_warning', createdBy: 'carol', expiredBy: 'dave', expiredAt: 1 * H });
    // Expired early: it no longer silences, though its planned end is later.
    expect(silenceState(btc!, 1 * H + 1)).toBe('expired');
    // Listing since a time leaves out what ended before it.
    expect(again.silences(1 * H + 1).map((s) => s.id)).toEqual([s1.id]);
    expect(again.silence('S999')).toBeNull();
    expect(again.expireSilence('S999', 'x', 0)).toBeNull();
  });

  it('an unassignment is the latest assignment, and the store refuses a silence that ends before it starts', () => {
    const store = new AlertCaseStore(reopen(tempDbPath()));
    store.add({ alertId: ALERT, kind: 'assigned', time: 1, by: 'a', text: 'bob' });
    store.add({ alertId: ALERT, kind: 'assigned', time: 2, by: 'a', text: '' });
    expect(store.summaries([ALERT]).get(ALERT)).toEqual({ assignee: null, notes: 0 });
    expect(() =>
      store.createSilence({ matcher: { kind: 'venue', value: 'okx' }, rule: null, createdBy: 'a', comment: 'c', createdAt: 0, startsAt: 10, endsAt: 5 }),
    ).toThrow(/CHECK constraint/);
  });

  it('migrates a v5 file forward and keeps the audit events already written (the onset is read from them)', () => {
    const path = tempDbPath();
    const old = openHistoryDb(path, { integrityCheck: 'off', readonly: false });
    // Roll a fresh file back to what a v5 build wrote: no v6 tables, user_version 5.
    old.exec('DROP TABLE alert_case; DROP TABLE silences;');
    old.pragma('user_version = 5');
    old
      .prepare('INSERT INTO alert_events (alert_id, kind, time, severity, rule, metric, value, zscore, threshold, z_threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ALERT, 'pending', 1000, 'critical', 'spread_critical', 'spread_bps', 41.5, 597.9, 20, 3);
    old
      .prepare('INSERT INTO alert_events (alert_id, kind, time, severity, rule, metric, value, zscore, threshold, z_threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ALERT, 'firing', 61_000, 'critical', 'spread_critical', 'spread_bps', 39.0, -1.6, 20, 3);
    old.close();
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(6);

    const db = reopen(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT count(*) FROM alert_events').pluck().get()).toBe(2);
    expect(alertOpenings(db, [ALERT, 'none'])).toEqual(new Map([[ALERT, { value: 41.5, zscore: 597.9 }]]));
    // Running the migrations again is a no-op.
    expect(migrate(db)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
  });
});
