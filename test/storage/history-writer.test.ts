import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { listCaptures, openCaptureId, recordCaptureProgress, recordCaptureStart } from '../../src/engine/storage/capture-log';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { alertTrail, getAlert, queryAlerts, queryFeedEvents } from '../../src/engine/storage/history-queries';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { SAMPLE_FLAGS } from '../../src/engine/storage/sample-row';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { alertOf, eventOf, tempDbPath } from './helpers';
import { waitFor } from '../support/loopback-exchange';

const count = (db: ReturnType<typeof openHistoryDb>, table: string): number =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('HistoryWriter', () => {
  it('keeps samples queued until a flush, then commits them in one transaction', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db, { flushIntervalMs: 60_000 });
    const samples = syntheticSamples();
    for (let i = 0; i < 100; i++) writer.onEvaluation(samples.next(), PERP);
    expect(count(db, 'samples')).toBe(0);
    expect(writer.flush()).toMatchObject({ samples: 100, totalSamples: 100 });
    expect(count(db, 'samples')).toBe(100);
    expect(db.prepare('SELECT count(*) FROM instruments').pluck().get()).toBe(1);
    writer.close();
    // Shutdown order is not the writer's to choose: a late sample is counted, not thrown.
    writer.onEvaluation(samples.next(), PERP);
    // 100 samples at 1 s: the first minute closed, the second still open.
    expect(writer.stats).toEqual({ pending: 0, committedSamples: 100, droppedSamples: 1, alreadyStored: 0, rollups: { closed: 1, alreadyClosed: 0, lateSamples: 0, droppedSeries: 0 } });
    db.close();
  });

  it('commits on its own within the flush interval, and early once a batch is full', async () => {
    const db = openHistoryDb(tempDbPath());
    const flushes: number[] = [];
    const writer = new HistoryWriter(db, { flushIntervalMs: 50, maxBatchRows: 1000, onFlush: (s) => flushes.push(s.samples) });
    const samples = syntheticSamples();
    for (let i = 0; i < 1500; i++) writer.onEvaluation(samples.next(), PERP);
    expect(flushes).toEqual([1000]);
    await sleep(150);
    expect(flushes).toEqual([1000, 500]);
    expect(count(db, 'samples')).toBe(1500);
    writer.close();
    db.close();
  });

  it('live (sliceMs): never commits inside onEvaluation, commits in slices that let the event loop in, in queue order', async () => {
    const db = openHistoryDb(tempDbPath());
    const flushes: number[] = [];
    const writer = new HistoryWriter(db, { flushIntervalMs: 60_000, maxBatchRows: 1000, sliceMs: 0, onFlush: (s) => flushes.push(s.samples) });
    const samples = syntheticSamples();
    const times: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const evaluation = samples.next();
      times.push(evaluation.sample.time);
      writer.onEvaluation(evaluation, PERP);
    }
    // Past maxBatchRows, but nothing was written on the caller's stack.
    expect(flushes).toEqual([]);
    expect(count(db, 'samples')).toBe(0);
    // A zero budget still writes at least a few rows per slice: what arrives meanwhile runs between slices.
    let between = 0;
    const ticker = setInterval(() => (between += 1), 0);
    await waitFor(() => count(db, 'samples') === 1500, 'every row committed', 10_000);
    clearInterval(ticker);
    expect(flushes.length).toBeGreaterThan(10);
    expect(flushes.reduce((a, b) => a + b, 0)).toBe(1500);
    expect(between).toBeGreaterThan(0);
    const stored = db.prepare('SELECT time FROM samples ORDER BY rowid').pluck().all();
    expect(stored).toEqual(times);
    writer.close();
    db.close();
  });

  it('stores values, health flags, coverage, scaled z-scores, and unknown bands as JSON', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    const base = syntheticSamples().next();
    writer.onEvaluation(
      {
        ...base,
        sample: {
          ...base.sample,
          values: { ...base.sample.values, depth_bid_200bps: 1234.5, spread_abs: Number.NaN },
          covered: { ...base.sample.covered, depth_bid_100bps: false, depth_bid_200bps: false },
          health: { stale: true, bookValid: false },
        },
        zscores: { ...base.zscores, spread_bps: { ready: true, z: 3.14159, mean: 0, std: 1 }, depth_bid_25bps: { ready: true, z: -2.5, mean: 0, std: 1 }, imbalance: { ready: false, samples: 3, needed: 30 } },
        reset: true,
      },
      PERP,
    );
    writer.close();
    const row = db.prepare('SELECT * FROM samples').get() as Record<string, unknown>;
    expect(row.mid).toBe(base.sample.values.mid);
    expect(row.spread_abs).toBeNull();
    expect(row.flags).toBe(SAMPLE_FLAGS.stale | SAMPLE_FLAGS.bookInvalid | SAMPLE_FLAGS.zscoreReset);
    // 9 depth columns, all covered but depth_bid_100bps (bit 7).
    expect(row.covered).toBe(0b111111111 & ~(1 << 7));
    expect(row.z_spread_bps).toBe(3142);
    expect(row.z_imbalance).toBeNull();
    expect(JSON.parse(row.extra as string)).toEqual({ v: { depth_bid_200bps: 1234.5 }, c: { depth_bid_200bps: false }, z: { depth_bid_25bps: -2.5 } });
    db.close();
  });

  it('keeps the first sample of an (instrument, time): history is append-only', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    const first = syntheticSamples().next();
    writer.onEvaluation(first, PERP);
    writer.onEvaluation({ ...first, sample: { ...first.sample, values: { mid: 1 } } }, PERP);
    writer.close();
    expect(db.prepare('SELECT mid FROM samples').pluck().all()).toEqual([first.sample.values.mid]);
    db.close();
  });

  it('upserts alerts by id, appends every event, keeps the peak severity and bumps the revision', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    const sample = syntheticSamples().next();
    const opened = alertOf();
    writer.onEvaluation({ ...sample, alerts: [opened], events: [eventOf()] }, PERP);
    writer.flush();
    const rev1 = db.prepare('SELECT revision FROM alerts').pluck().get() as number;
    const escalated = alertOf({ severity: 'critical', rule: 'spread_critical', threshold: 20, value: 25 });
    const resolved = alertOf({ state: 'resolved', resolvedAt: 9000, rule: 'spread_critical', threshold: 20 });
    writer.onEvaluation(
      { ...sample, alerts: [escalated, resolved], events: [eventOf({ kind: 'escalated', time: 5000, severity: 'critical' }), eventOf({ kind: 'resolved', time: 9000 })] },
      PERP,
    );
    writer.close();
    expect(count(db, 'alerts')).toBe(1);
    const alert = getAlert(db, opened.id)!;
    expect(alert).toMatchObject({ state: 'resolved', severity: 'warning', peakSeverity: 'critical', resolvedAt: 9000, cancelled: false, key: opened.key, instrumentId: 'BTC-USDT-PERP' });
    expect(db.prepare('SELECT revision FROM alerts').pluck().get()).toBeGreaterThan(rev1);
    expect(alertTrail(db, opened.id).map((e) => [e.kind, e.time])).toEqual([
      ['firing', 1000],
      ['escalated', 5000],
      ['resolved', 9000],
    ]);
    db.close();
  });

  it('persists an acknowledgement as an audit event and on the alert row, and an escalation drops it', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    const sample = syntheticSamples().next();
    writer.onEvaluation({ ...sample, alerts: [alertOf()], events: [eventOf()] }, PERP);
    // The alert is still queued: acknowledge commits it first.
    expect(writer.acknowledge(alertOf().id, { by: 'ana', time: 2000, note: 'venue maintenance' })).toBe(true);
    expect(writer.acknowledge('nope', { by: 'ana', time: 2000, note: '' })).toBe(false);
    expect(getAlert(db, alertOf().id)!.acknowledged).toEqual({ by: 'ana', time: 2000, note: 'venue maintenance' });
    const trail = alertTrail(db, alertOf().id);
    expect(trail.at(-1)).toMatchObject({ kind: 'acknowledged', by: 'ana', note: 'venue maintenance', time: 2000, value: 12.5, threshold: 10 });

    // A later snapshot without the ack (the evaluator was not told) keeps it ...
    writer.onEvaluation({ ...sample, alerts: [alertOf({ value: 13 })] }, PERP);
    writer.flush();
    expect(getAlert(db, alertOf().id)!.acknowledged?.by).toBe('ana');
    // ... an escalation drops it, as the alert tracker does.
    writer.onEvaluation({ ...sample, alerts: [alertOf({ severity: 'critical' })] }, PERP);
    writer.close();
    expect(getAlert(db, alertOf().id)!.acknowledged).toBeNull();
    expect(queryAlerts(db)).toHaveLength(1);
    db.close();
  });

  it('records sync events, connections and worker restarts in the feed log', () => {
    const db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    writer.onSyncEvent('binance-usdm:BTCUSDT', 'gap', 100);
    writer.onSyncEvent('binance-usdm', 'stale', 200);
    writer.recordFeedEvent({ time: 300, venue: 'okx', kind: 'disconnect', detail: 'code 1006' });
    writer.recordWorkerRestart('okx', 400, 'no heartbeat for 30 s');
    writer.close();
    const events = queryFeedEvents(db);
    expect(events.map((e) => [e.time, e.venue, e.key, e.kind, e.detail])).toEqual([
      [400, 'okx', null, 'worker_restart', 'no heartbeat for 30 s'],
      [300, 'okx', null, 'disconnect', 'code 1006'],
      [200, 'binance-usdm', null, 'stale', null],
      [100, 'binance-usdm', 'binance-usdm:BTCUSDT', 'gap', null],
    ]);
    // The instrument named by the gap gets its canonical id once a sample arrives.
    const writer2 = new HistoryWriter(db);
    writer2.onEvaluation(syntheticSamples().next(), PERP);
    writer2.close();
    expect(db.prepare('SELECT key, canonical_id FROM instruments').all()).toEqual([{ key: 'binance-usdm:BTCUSDT', canonical_id: 'BTC-USDT-PERP' }]);
    db.close();
  });

  it('drops a batch the database can never take instead of retrying it forever', () => {
    const db = openHistoryDb(tempDbPath());
    const errors: unknown[] = [];
    const writer = new HistoryWriter(db, { maxBatchRows: 1, onError: (e) => errors.push(e) });
    // `kind` is checked by the schema: a kind it does not know is a bug, not a busy disk.
    writer.recordFeedEvent({ time: 1, venue: 'okx', kind: 'exploded' as never });
    expect(errors).toHaveLength(1);
    expect(writer.stats.pending).toBe(0);
    writer.recordFeedEvent({ time: 2, venue: 'okx', kind: 'connect' });
    writer.close();
    expect(count(db, 'feed_events')).toBe(1);
    db.close();
  });
});

describe('captures', () => {
  it('registers a recording, updates its counters and closes it', () => {
    const db = openHistoryDb(tempDbPath());
    const id = recordCaptureStart(db, { path: '/rec/okx-1.jsonl.gz', venue: 'okx', started: 1000 });
    recordCaptureProgress(db, id, { frames: 10, bytes: 2048 });
    expect(listCaptures(db)).toEqual([{ id, path: '/rec/okx-1.jsonl.gz', venue: 'okx', started: 1000, ended: null, frames: 10, bytes: 2048 }]);
    recordCaptureProgress(db, id, { frames: 25, bytes: 4096, ended: 5000 });
    recordCaptureStart(db, { path: '/rec/b.jsonl.gz', started: 6000 });
    expect(listCaptures(db).map((c) => [c.path, c.ended, c.frames])).toEqual([
      ['/rec/b.jsonl.gz', null, 0],
      ['/rec/okx-1.jsonl.gz', 5000, 25],
    ]);
    db.close();
  });

  it('finds a recording still open by its path (a restarted history thread closes the row it had, not a new one)', () => {
    const db = openHistoryDb(tempDbPath());
    const first = recordCaptureStart(db, { path: '/rec/okx.jsonl', venue: 'okx', started: 1000 });
    recordCaptureProgress(db, first, { frames: 5, bytes: 500, ended: 2000 });
    expect(openCaptureId(db, '/rec/okx.jsonl')).toBeNull();
    const again = recordCaptureStart(db, { path: '/rec/okx.jsonl', venue: 'okx', started: 3000 });
    expect(openCaptureId(db, '/rec/okx.jsonl')).toBe(again);
    expect(openCaptureId(db, '/rec/other.jsonl')).toBeNull();
    db.close();
  });
});

describe('HistoryWriter that cannot keep up', () => {
  it('drops the oldest samples past its queue cap and says so each time, never silently', () => {
    const db = openHistoryDb(tempDbPath());
    const drops: [number, number][] = [];
    // Live mode: nothing is committed on the caller's stack, so 25 samples in a row pile up.
    const writer = new HistoryWriter(db, { flushIntervalMs: 60_000, maxBatchRows: 1000, maxPendingRows: 10, sliceMs: 4, onDrop: (n, pending) => drops.push([n, pending]) });
    const samples = syntheticSamples();
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const evaluation = samples.next();
      times.push(evaluation.sample.time);
      writer.onEvaluation(evaluation, PERP);
    }
    expect(drops.reduce((n, [d]) => n + d, 0)).toBe(15);
    expect(drops.every(([, pending]) => pending === 10)).toBe(true);
    expect(writer.stats.droppedSamples).toBe(15);
    // The newest ten are what is kept and written.
    writer.flush();
    expect(db.prepare('SELECT time FROM samples ORDER BY time').pluck().all()).toEqual(times.slice(15));
    writer.close();
    db.close();
  });
});
