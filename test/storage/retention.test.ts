import { describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { applyRetention, applyRetentionSync, retentionCutoff, scheduleRetention, type RetentionResult } from '../../src/engine/storage/retention';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { alertOf, eventOf, tempDbPath } from './helpers';

const DAY = 86_400_000;
/** A pass's counts: the given ones, zero elsewhere. */
const counts = (c: Partial<RetentionResult>): RetentionResult => ({ samples: 0, alerts: 0, alertEvents: 0, feedEvents: 0, rollups: 0, hourlyRollups: 0, hoursRolledUp: 0, duplicates: 0, rolledUp: 0, ...c });
const NOW = Date.UTC(2024, 5, 1);

/** 10 days of samples, one per minute, plus alerts and feed events at both ends. */
function seeded() {
  const db = openHistoryDb(tempDbPath());
  const writer = new HistoryWriter(db, { maxBatchRows: 100_000 });
  const samples = syntheticSamples(PERP, NOW - 10 * DAY, 60_000);
  for (let i = 0; i < 10 * 1440; i++) writer.onEvaluation(samples.next(), PERP);
  const old = NOW - 9 * DAY;
  writer.onEvaluation(samples.next(), PERP);
  const sample = syntheticSamples(PERP, NOW).next();
  writer.onEvaluation(
    {
      ...sample,
      alerts: [
        alertOf({ id: 'old-resolved', openedAt: old, firedAt: old, state: 'resolved', resolvedAt: old + 60_000 }),
        alertOf({ id: 'old-open', openedAt: old, firedAt: old }),
        alertOf({ id: 'recent', openedAt: NOW - DAY, state: 'resolved', resolvedAt: NOW - DAY + 1 }),
      ],
      events: [
        eventOf({ alertId: 'old-resolved', time: old }),
        eventOf({ alertId: 'old-resolved', kind: 'resolved', time: old + 60_000 }),
        eventOf({ alertId: 'old-open', time: old }),
        eventOf({ alertId: 'recent', time: NOW - DAY }),
      ],
    },
    PERP,
  );
  writer.recordFeedEvent({ time: old, venue: 'okx', kind: 'disconnect' });
  writer.recordFeedEvent({ time: NOW - DAY, venue: 'okx', kind: 'connect' });
  writer.close();
  return db;
}

describe('retention', () => {
  it('deletes samples, resolved alerts with their trail, and feed events older than the retention days', () => {
    const db = seeded();
    const result = applyRetentionSync(db, { retentionDays: 7, now: () => NOW, chunkRows: 500 });
    const cutoff = retentionCutoff(7, NOW);
    // One sample a minute: each sample closed its own minute, and the minutes go with them.
    expect(result).toEqual(counts({ samples: 3 * 1440, alerts: 1, alertEvents: 2, feedEvents: 1, rollups: 3 * 1440, hourlyRollups: 3 * 24 }));
    expect(db.prepare('SELECT min(time) FROM samples').pluck().get()).toBeGreaterThanOrEqual(cutoff);
    expect(db.prepare('SELECT alert_id FROM alerts ORDER BY alert_id').pluck().all()).toEqual(['old-open', 'recent']);
    expect(db.prepare('SELECT DISTINCT alert_id FROM alert_events ORDER BY alert_id').pluck().all()).toEqual(['old-open', 'recent']);
    expect(db.prepare('SELECT kind FROM feed_events').pluck().all()).toEqual(['connect']);
    // A second pass finds nothing.
    expect(applyRetentionSync(db, { retentionDays: 7, now: () => NOW })).toEqual(counts({}));
    db.close();
  });

  it('holds back what the central sync has not sent yet', () => {
    const db = seeded();
    // Never synced: nothing may go.
    // Hourly rollups are not sent (the central database aggregates its own): they go with the retention.
    expect(applyRetentionSync(db, { retentionDays: 7, now: () => NOW, holdUnsynced: true })).toEqual(counts({ hourlyRollups: 3 * 24 }));
    // The sync's cursors (its own table, as src/engine/sync/outbox.ts keeps it): samples sent up to id 1000,
    // the old alert's revision but not its last event, and every feed event.
    db.exec(`CREATE TABLE sync_cursors (target TEXT NOT NULL, table_name TEXT NOT NULL, position INTEGER NOT NULL,
      last_key TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (target, table_name))`);
    const put = db.prepare('INSERT INTO sync_cursors VALUES (?, ?, ?, NULL, 0)');
    const lastEvent = db.prepare("SELECT max(id) FROM alert_events WHERE alert_id = 'old-resolved'").pluck().get() as number;
    put.run('desk', 'samples', 1000);
    put.run('desk', 'alerts', 1_000_000);
    put.run('desk', 'alert_events', lastEvent - 1);
    put.run('desk', 'feed_events', 1_000_000);
    const held = applyRetentionSync(db, { retentionDays: 7, now: () => NOW, holdUnsynced: true });
    // Rollups have no cursor yet: none goes.
    expect(held).toEqual(counts({ samples: 1000, feedEvents: 1 }));
    // A second target that is further behind holds samples back for everyone.
    put.run('other-server', 'samples', 1500);
    db.prepare("UPDATE sync_cursors SET position = 2000 WHERE target = 'desk' AND table_name = 'samples'").run();
    db.prepare("UPDATE sync_cursors SET position = ? WHERE table_name = 'alert_events'").run(lastEvent);
    expect(applyRetentionSync(db, { retentionDays: 7, now: () => NOW, holdUnsynced: true })).toEqual(counts({ samples: 500, alerts: 1, alertEvents: 2 }));
    db.close();
  });

  it('yields between chunks so a writer in the same process commits while a long purge runs', async () => {
    const db = seeded();
    const writer = new HistoryWriter(db);
    const more = syntheticSamples(PERP, NOW + 1000, 1000, 9);
    let interleaved = 0;
    let running = true;
    // A writer flushing as often as the event loop lets it: each time it gets in, the purge was between chunks.
    const tick = (): void => {
      if (!running) return;
      writer.onEvaluation(more.next(), PERP);
      writer.flush();
      interleaved++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const result = await applyRetention(db, { retentionDays: 7, now: () => NOW, chunkRows: 100 });
    running = false;
    writer.close();
    expect(result.samples).toBe(3 * 1440);
    // 43 sample chunks and a few more steps: the writer got in between them.
    expect(interleaved).toBeGreaterThan(40);
    expect(db.prepare('SELECT count(*) FROM samples WHERE time > ?').pluck().get(NOW)).toBe(interleaved);
    db.close();
  });

  it('runs on a schedule and stops cleanly', async () => {
    const db = seeded();
    const schedule = scheduleRetention(db, { retentionDays: 7, now: () => NOW, intervalMs: 60_000 });
    const result = await schedule.runNow();
    schedule.stop();
    // The first pass starts at once; runNow joins it rather than racing it.
    expect(result.samples).toBe(3 * 1440);
    expect(db.prepare('SELECT count(*) FROM samples WHERE time < ?').pluck().get(retentionCutoff(7, NOW))).toBe(0);
    db.close();
  });
});
