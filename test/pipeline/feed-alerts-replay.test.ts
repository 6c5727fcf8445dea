import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { simulateToCapture } from '../../src/engine/simulator';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { alertTrail, queryAlerts, type AlertRecord } from '../../src/engine/storage/history-queries';
import { CONFIG, cleanupSimDirs, simDir } from '../simulator/helpers';
import { cleanupFeedFaults, replayFeedFaults } from '../support/feed-fault-capture';

let db: HistoryDatabase;
let alerts: AlertRecord[];

beforeAll(async () => {
  const { dbPath } = await replayFeedFaults();
  db = openHistoryDb(dbPath, { readonly: true });
  alerts = queryAlerts(db).filter((a) => a.detail !== null);
}, 60_000);

afterAll(() => {
  db?.close();
  cleanupFeedFaults();
  cleanupSimDirs();
});

function only(metric: string, key: string): AlertRecord {
  const found = alerts.filter((a) => a.metric === metric && a.key === key);
  expect(found, `${metric} on ${key}: ${JSON.stringify(alerts.map((a) => [a.key, a.metric, a.detail]))}`).toHaveLength(1);
  return found[0]!;
}

describe('feed-integrity alerts on a replayed simulator capture (engine pipeline, SQLite history)', () => {
  it('raises a sequence-gap alert on the venue, with its count in words, and resolves it once the gap leaves the window', () => {
    const gap = only('gaps_in_window', 'binance-spot');
    expect(gap).toMatchObject({ rule: 'sequence_gaps', venue: 'binance-spot', instrumentId: 'binance-spot', state: 'resolved', severity: 'warning' });
    expect(gap.detail).toBe('1 sequence gap in 20 s');
    expect(gap.firedAt).not.toBeNull();
    const trail = alertTrail(db, gap.id);
    expect(trail.map((e) => e.kind)).toEqual(['firing', 'resolved']);
    expect(trail[0]!.detail).toBe('1 sequence gap in 20 s');
    expect(trail[1]!.detail).toBe('0 sequence gaps in 20 s');
    // 20 s window, then 10 s clear time.
    expect(gap.resolvedAt! - gap.firedAt!).toBeGreaterThanOrEqual(20_000);
  });

  it('raises checksum-failure and resync alerts on OKX', () => {
    expect(only('checksum_failures_in_window', 'okx').detail).toBe('1 checksum failure in 20 s');
    expect(only('resyncs_in_window', 'okx').state).toBe('resolved');
    expect(only('resyncs_in_window', 'binance-spot').state).toBe('resolved');
  });

  it('raises a stale-feed alert after 10 s of silence, saying how long, and resolves it when frames return', () => {
    const stale = only('feed_stale_seconds', 'okx');
    expect(stale).toMatchObject({ rule: 'feed_stale', state: 'resolved', severity: 'warning' });
    expect(stale.detail).toMatch(/^stale: no frame for 1\d s$/);
    const trail = alertTrail(db, stale.id);
    expect(trail.map((e) => e.kind)).toEqual(['firing', 'resolved']);
    expect(trail[1]!.detail).toBe('receiving');
  });

  it('raises a rejected-frames alert when a venue sends frames the mapper refuses, and resolves it after the window', () => {
    const rejected = only('rejected_frames_in_window', 'okx');
    expect(rejected).toMatchObject({ rule: 'rejected_frames', state: 'resolved', severity: 'warning' });
    expect(rejected.detail).toBe('25 rejected frames in 60 s');
  });

  it('raises nothing a capture cannot show: no connection, worker, lag or history-write alerts', () => {
    const metrics = new Set<string>(alerts.map((a) => a.metric));
    for (const m of ['feed_down_seconds', 'worker_restarts_in_window', 'analytics_lag_seconds', 'history_write_failures_in_window']) expect(metrics.has(m)).toBe(false);
  });
});

describe('book-top drift in a replayed capture (OKX 2026: no checksum to catch it)', () => {
  it('raises a book_drift alert on the venue when its book drifted from its own tickers, and resolves it after the window', async () => {
    const path = join(simDir(), 'drift.jsonl');
    // 300 s window plus 10 s clear time after the drift.
    await simulateToCapture({ scenario: 'silent_book_corruption', seed: 2, okxProtocol: '2026', injectAtMs: 40_000, durationMs: 380_000, out: path });
    const { report } = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
    const drift = report.feedAlerts.filter((a) => a.metric === 'book_drift_in_window');
    expect(drift, JSON.stringify(report.venues)).toHaveLength(1);
    expect(drift[0]).toMatchObject({ key: 'okx', rule: 'book_drift', state: 'resolved' });
    expect(drift[0]!.detail).toBe('1 book-top drift in 300 s');
  }, 60_000);
});
