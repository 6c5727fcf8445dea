/**
 * The analytics worker's history thread, real: a worker thread writing a
 * SQLite file in a temp folder. A thread stuck in a write takes nothing from
 * its port; past the rows allowed in flight the samples are dropped and
 * counted (its alerts still go), and what it was sent before is committed.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { alertTrail } from '../../src/engine/storage/history-queries';
import { HistoryThread } from '../../src/engine/workers/history-thread';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { repoRoot } from '../support/shared-data';
import { waitFor } from '../support/loopback-exchange';
import { PERP, syntheticSamples } from '../storage/fixtures/synthetic';
import { alertOf, eventOf, tempDbPath } from '../storage/helpers';

const config = loadConfig(join(repoRoot, 'config'));
const SPOT = { ...PERP, symbol: 'BTCUSDT', venue: 'binance-spot', type: 'spot', id: 'BTC-USDT' } as const;
const threads: HistoryThread[] = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.stop();
});

describe('HistoryThread', () => {
  it('drops samples past the rows allowed in flight while the thread is stuck, says so, still stores their alerts, and commits the rest', async () => {
    const dbPath = tempDbPath();
    const restarts: string[] = [];
    const thread = new HistoryThread({ config, dbPath, statusIntervalMs: 100 }, (reason) => restarts.push(reason), 5);
    threads.push(thread);
    await waitFor(() => thread.heapUsedBytes > 0, 'the thread reporting', 10_000);
    const perp = syntheticSamples(PERP);
    const spot = syntheticSamples(SPOT);
    const boundary = (extra: Partial<SampleEvaluation> = {}) => {
      const pair = [{ ...perp.next(), ...extra }, spot.next()];
      thread.boundary(pair[0]!.sample.time, pair, (i) => (i === 0 ? PERP : SPOT));
      return pair[0]!.sample.time;
    };
    thread.test({ type: 'stall', ms: 1_500 });
    boundary();
    boundary();
    expect(thread.failures).toBe(0);
    // Six rows would be in flight: this boundary's samples go, its alert and event still reach the thread.
    const alert = alertOf({ id: 'binance-usdm:BTCUSDT/spread_bps/9', openedAt: 9, firedAt: 9 });
    const droppedAt = boundary({ alerts: [alert], events: [eventOf({ alertId: alert.id, time: 9 })] });
    expect(thread.failures).toBe(1);
    expect(thread.lastError).toBe('the history thread is 4 rows behind (a stuck disk?): 2 samples lost unwritten');
    // Freed, it takes what queued; rows are accepted again.
    await waitFor(() => thread.behind === 0 && thread.pending === 0, 'the thread caught up', 10_000);
    expect(thread.failures).toBe(1);
    const last = boundary();
    expect(thread.failures).toBe(1);
    await thread.stop();
    const db = openHistoryDb(dbPath);
    try {
      const times = db.prepare('SELECT s.time FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? ORDER BY s.time').pluck().all('binance-usdm:BTCUSDT') as number[];
      expect(times).toHaveLength(3);
      expect(times).not.toContain(droppedAt);
      expect(times.at(-1)).toBe(last);
      expect(db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(6);
      expect(alertTrail(db, alert.id).map((e) => e.kind)).toEqual(['firing']);
    } finally {
      db.close();
    }
    expect(restarts).toEqual([]);
  }, 30_000);
});
