/**
 * The analytics worker's history thread, real: a worker thread writing a
 * SQLite file in a temp folder. A thread stuck in a write takes nothing from
 * its port; past the rows allowed in flight the samples are dropped and
 * counted (its alerts still go), and what it was sent before is committed.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { alertTrail } from '../../src/engine/storage/history-queries';
import { HistoryThread } from '../../src/engine/workers/history-thread';
import { workerErrorText } from '../../src/engine/threads/worker-error';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { repoRoot } from '../support/shared-data';
import { waitFor } from '../support/loopback-exchange';
import { PERP, syntheticSamples } from '../storage/fixtures/synthetic';
import { alertOf, eventOf, tempDbPath } from '../storage/helpers';

const config = loadConfig(join(repoRoot, 'config'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SPOT = { ...PERP, symbol: 'BTCUSDT', venue: 'binance-spot', type: 'spot', id: 'BTC-USDT' } as const;
const threads: HistoryThread[] = [];
afterEach(async () => {
  for (const t of threads.splice(0)) await t.stop();
});

describe('HistoryThread', () => {
  it('drops samples past the rows allowed in flight while the thread is stuck, counts a silent thread as failing, still stores the dropped boundary\'s alerts, and commits the rest', async () => {
    const dbPath = tempDbPath();
    const restarts: string[] = [];
    const thread = new HistoryThread({ config, dbPath, statusIntervalMs: 100 }, (reason) => restarts.push(reason), { maxRowsInFlight: 5, unresponsiveMs: 500 });
    threads.push(thread);
    await waitFor(() => thread.heapUsedBytes > 0, 'the thread reporting', 10_000);
    const perp = syntheticSamples(PERP);
    const spot = syntheticSamples(SPOT);
    const boundary = (extra: Partial<SampleEvaluation> = {}) => {
      const pair = [{ ...perp.next(), ...extra }, spot.next()];
      thread.boundary(pair[0]!.sample.time, pair, (i) => (i === 0 ? PERP : SPOT));
      return pair[0]!.sample.time;
    };
    thread.test({ type: 'stall', ms: 3_000 });
    thread.checkResponsive(Date.now());
    boundary();
    boundary();
    expect(thread.failures).toBe(0);
    // Six rows would be in flight: this boundary's samples go, its alert and event still reach the thread.
    const alert = alertOf({ id: 'binance-usdm:BTCUSDT/spread_bps/9', openedAt: 9, firedAt: 9 });
    const droppedAt = boundary({ alerts: [alert], events: [eventOf({ alertId: alert.id, time: 9 })] });
    expect(thread.failures).toBe(1);
    expect(thread.lastError).toBe('the history thread is 4 rows behind (a stuck disk?): 2 samples lost unwritten');
    // Stuck with rows waiting and silent past its limit: a failure, once a second while it stays so.
    await sleep(800);
    thread.checkResponsive(Date.now());
    expect(thread.failures).toBe(2);
    expect(thread.lastError).toMatch(/^the history thread has not answered for [01] s with 4 rows waiting for it \(a stuck disk\?\)$/);
    thread.checkResponsive(Date.now());
    expect(thread.failures).toBe(2);
    // Freed, it takes what queued; rows are accepted again, and a thread that answers is not counted.
    await waitFor(() => thread.behind === 0 && thread.pending === 0, 'the thread caught up', 10_000);
    await sleep(1_100);
    thread.checkResponsive(Date.now());
    expect(thread.failures).toBe(2);
    // Checks further apart than 2 s mean the caller was held up itself (the thread's reports wait unread): that gap is not the thread's.
    thread.test({ type: 'stall', ms: 5_000 });
    const heldUp = boundary();
    await sleep(2_200);
    thread.checkResponsive(Date.now());
    expect(thread.failures).toBe(2);
    await sleep(600);
    thread.checkResponsive(Date.now());
    expect(thread.failures).toBe(3);
    await waitFor(() => thread.behind === 0 && thread.pending === 0, 'the thread caught up again', 10_000);
    const last = boundary();
    expect(thread.failures).toBe(3);
    await thread.stop();
    const db = openHistoryDb(dbPath);
    try {
      const times = db.prepare('SELECT s.time FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? ORDER BY s.time').pluck().all('binance-usdm:BTCUSDT') as number[];
      expect(times).toHaveLength(4);
      expect(times).not.toContain(droppedAt);
      expect(times).toContain(heldUp);
      expect(times.at(-1)).toBe(last);
      expect(db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(8);
      expect(alertTrail(db, alert.id).map((e) => e.kind)).toEqual(['firing']);
    } finally {
      db.close();
    }
    expect(restarts).toEqual([]);
  }, 30_000);
  it('a thread that cannot start says why in its restart, with the file, and is shown restarting with the count', async () => {
    const dbPath = tempDbPath();
    openHistoryDb(dbPath).close();
    // A table gone from the file: better-sqlite3's SqliteError would cross to this side without its message.
    const damage = new Database(dbPath);
    damage.exec('DROP TABLE samples');
    damage.close();
    const restarts: string[] = [];
    const thread = new HistoryThread({ config, dbPath, statusIntervalMs: 100 }, (reason) => restarts.push(reason));
    threads.push(thread);
    await waitFor(() => restarts.length >= 1, 'the failed start counted as a restart', 15_000);
    expect(restarts[0]).toBe(`history thread: error: history thread could not prepare its writes to ${dbPath}: no such table: samples`);
    const status = thread.status();
    expect(status).toMatchObject({ running: false, restarts: 1, lastRestart: { reason: `error: history thread could not prepare its writes to ${dbPath}: no such table: samples` } });
    expect(status.lastError).toMatch(/^history thread stopped \(error: history thread could not prepare its writes to .*: no such table: samples\): restarted/);
  }, 30_000);
});

describe('workerErrorText', () => {
  it('keeps an error\'s words, and says what there is of a clone that lost them', () => {
    expect(workerErrorText(new Error('boom'))).toBe('boom');
    expect(workerErrorText({ code: 'SQLITE_ERROR' })).toBe('SQLITE_ERROR (no message came with it)');
    expect(workerErrorText({ name: 'SqliteError', code: 'SQLITE_BUSY', message: 'database is locked' })).toBe('SqliteError: SQLITE_BUSY: database is locked');
    expect(workerErrorText('a string')).toBe('a string');
    expect(workerErrorText(undefined)).toBe('undefined');
  });
});
