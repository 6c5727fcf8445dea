import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/engine/storage/migrations';
import { simulateToCapture } from '../../src/engine/simulator';
import { loadConfig } from '../../src/engine/config/load-config';
import { surveil } from '../support/cli';
import { repoRoot } from '../support/shared-data';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { alertOf, eventOf, tempDbPath, tempDir } from './helpers';

const count = (db: Database.Database, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** A database as a version 2 build left it, with the duplicates its plain INSERTs wrote. */
function versionTwoWithDuplicates(path: string): void {
  const raw = new Database(path);
  migrate(raw, MIGRATIONS.slice(0, 2));
  raw.exec(`INSERT INTO instruments (id, key, venue, symbol, canonical_id) VALUES (1, 'okx:BTC-USDT', 'okx', 'BTC-USDT', 'BTC-USDT')`);
  const event = raw.prepare(`INSERT INTO alert_events (alert_id, kind, time, severity, rule, metric, value, threshold, by, note)
    VALUES (?, ?, ?, 'warning', 'spread_warning', 'spread_bps', ?, 10, ?, ?)`);
  event.run('a/1', 'firing', 1000, 12, null, null);
  event.run('a/1', 'firing', 1000, 12, null, null); // replayed again
  event.run('a/1', 'firing', 1000, 13, null, null); // replayed under other settings: same event, another value
  event.run('a/1', 'acknowledged', 2000, 12, 'ann', 'looked');
  event.run('a/1', 'acknowledged', 2000, 12, 'bob', 'me too'); // another operator, same millisecond: a real event
  event.run('a/1', 'resolved', 3000, 2, null, null);
  const feed = raw.prepare('INSERT INTO feed_events (time, venue, instrument_id, kind, detail) VALUES (?, ?, ?, ?, ?)');
  feed.run(1000, 'okx', 1, 'gap', null);
  feed.run(1000, 'okx', 1, 'gap', null);
  feed.run(1500, 'okx', null, 'connect', 'connection 1');
  feed.run(1500, 'okx', null, 'connect', 'connection 2'); // two connections at one instant: two events
  feed.run(1500, 'okx', null, 'connect', 'connection 2');
  raw.close();
}

describe('history written idempotently', () => {
  it('the forward migration moves duplicates to history_duplicates (nothing lost) and keys every event', () => {
    const path = tempDbPath();
    versionTwoWithDuplicates(path);
    const db = openHistoryDb(path);
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT id, kind, by, value FROM alert_events ORDER BY id').all()).toEqual([
        { id: 1, kind: 'firing', by: null, value: 12 },
        { id: 4, kind: 'acknowledged', by: 'ann', value: 12 },
        { id: 5, kind: 'acknowledged', by: 'bob', value: 12 },
        { id: 6, kind: 'resolved', by: null, value: 2 },
      ]);
      expect(db.prepare('SELECT id, kind, detail FROM feed_events ORDER BY id').all()).toEqual([
        { id: 1, kind: 'gap', detail: null },
        { id: 3, kind: 'connect', detail: 'connection 1' },
        { id: 4, kind: 'connect', detail: 'connection 2' },
      ]);
      const moved = db.prepare('SELECT table_name, local_id, kept_id, row FROM history_duplicates ORDER BY table_name, local_id').all() as {
        table_name: string;
        local_id: number;
        kept_id: number;
        row: string;
      }[];
      expect(moved.map(({ table_name, local_id, kept_id }) => [table_name, local_id, kept_id])).toEqual([
        ['alert_events', 2, 1],
        ['alert_events', 3, 1],
        ['feed_events', 2, 1],
        ['feed_events', 5, 4],
      ]);
      // The copy that differed keeps its own values.
      expect(JSON.parse(moved[1]!.row)).toMatchObject({ alert_id: 'a/1', kind: 'firing', time: 1000, value: 13 });
      // Written again, a known event is skipped and a new one is not.
      const writer = new HistoryWriter(db, { flushIntervalMs: 60_000 });
      writer.recordFeedEvent({ time: 1000, venue: 'okx', key: 'okx:BTC-USDT', kind: 'gap' });
      writer.recordFeedEvent({ time: 1500, venue: 'okx', kind: 'connect', detail: 'connection 1' });
      writer.recordFeedEvent({ time: 1600, venue: 'okx', kind: 'connect', detail: 'connection 1' });
      writer.close();
      expect(count(db, 'feed_events')).toBe(4);
      expect(writer.stats.alreadyStored).toBe(2);
    } finally {
      db.close();
    }
  });

  it('the writer stores each sample, alert event and feed event once when the same history is written twice', () => {
    const db = openHistoryDb(tempDbPath());
    try {
      for (let pass = 0; pass < 2; pass++) {
        const writer = new HistoryWriter(db, { flushIntervalMs: 60_000 });
        const samples = syntheticSamples(PERP, Date.UTC(2024, 0, 1), 1000, 7);
        for (let i = 0; i < 200; i++) {
          const evaluation = samples.next();
          const time = evaluation.sample.time;
          const id = `${PERP.venue}:${PERP.symbol}/spread_bps/${time}`;
          const alerts = i % 50 === 0 ? [alertOf({ id, openedAt: time, firedAt: time })] : [];
          const events = i % 50 === 0 ? [eventOf({ alertId: id, time })] : [];
          writer.onEvaluation({ ...evaluation, alerts, events }, PERP);
          if (i % 20 === 0) writer.onSyncEvent(`${PERP.venue}:${PERP.symbol}`, 'gap', time);
          if (i % 40 === 0) writer.onSyncEvent(PERP.venue, 'stale', time);
        }
        writer.close();
        const ack = { by: 'ann', time: Date.UTC(2024, 0, 2), note: 'seen' };
        expect(new HistoryWriter(db).acknowledge(`${PERP.venue}:${PERP.symbol}/spread_bps/${Date.UTC(2024, 0, 1)}`, ack)).toBe(true);
      }
      expect(count(db, 'samples')).toBe(200);
      expect(count(db, 'alerts')).toBe(4);
      expect(count(db, 'alert_events')).toBe(4 + 1);
      expect(count(db, 'feed_events')).toBe(10 + 5);
    } finally {
      db.close();
    }
  });

  it('surveil replay of the same capture twice into one database: no duplicate rows', async () => {
    const dir = tempDir();
    const capture = join(dir, 'stale.jsonl.gz');
    const config = loadConfig(join(repoRoot, 'config'));
    await simulateToCapture({ scenario: 'stale_feed', seed: 3, alerts: config.alerts, staleTimeoutMs: config.features.staleTimeoutSeconds * 1000, out: capture });
    const once = join(dir, 'once.sqlite');
    const twice = join(dir, 'twice.sqlite');
    for (const [db, runs] of [[once, 1], [twice, 2]] as const) {
      for (let i = 0; i < runs; i++) {
        const run = surveil(['replay', capture, '--db', db]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        // The second run says its rows were there already (each kept once); the first has nothing to say.
        if (i === 0) expect(run.stdout).not.toMatch(/already there/);
        else expect(run.stdout).toMatch(/history written to .*: \d+ samples \(\d+ rows already there, kept once\)/);
      }
    }
    const a = new Database(once, { readonly: true });
    const b = new Database(twice, { readonly: true });
    try {
      for (const table of ['samples', 'alerts', 'alert_events', 'feed_events']) {
        expect(count(a, table), table).toBeGreaterThan(0);
        expect(count(b, table), table).toBe(count(a, table));
      }
    } finally {
      a.close();
      b.close();
    }
    // A simulated capture of all five simulated venues and three CLI replays of it: past the default 30 s on a loaded machine.
  }, 90_000);
});
