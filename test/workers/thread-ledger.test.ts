import { describe, expect, it } from 'vitest';
import type { HistoryThreadStatus } from '../../src/engine/workers/history-thread';
import { ThreadLedger, type AnalyticsStatus } from '../../src/engine/workers/thread-ledger';

const T = 1_700_000_000_000;
const VENUES = ['okx', 'binance-usdm'];

function history(patch: Partial<HistoryThreadStatus> = {}): HistoryThreadStatus {
  return { running: true, startedAt: T, reportedAt: T + 900, heapUsedBytes: 30e6, loopDelayMs: 4, pendingRows: 10, behindRows: 0, failures: 0, lastError: null, lastErrorAt: null, restarts: 0, lastRestart: null, ...patch };
}

function status(patch: Partial<HistoryThreadStatus> = {}): AnalyticsStatus {
  return { heapUsedBytes: 20e6, loopDelayMs: 2, lastBoundary: { time: T, lagMs: 5 }, boundaries: { evaluated: 1, shed: 0, waiting: 0 }, history: history(patch) };
}

function started(): ThreadLedger {
  const ledger = new ThreadLedger({ history: true, intervalMs: 1_000 });
  ledger.started('analytics', T);
  for (const v of VENUES) ledger.started(`feed:${v}`, T);
  return ledger;
}

const MAIN = { heapUsedBytes: 90e6, startedAt: T, loopDelayMs: 1 };
const row = (ledger: ThreadLedger, thread: string, now = T + 1_000) => ledger.view(now, MAIN, VENUES).threads.find((t) => t.thread === thread)!;

describe('the engine table ledger', () => {
  it('lists main, analytics, history and the feeds in order; a new instance has no report until it sends one', () => {
    const ledger = started();
    const view = ledger.view(T + 500, MAIN, VENUES);
    expect(view.threads.map((t) => [t.thread, t.state, t.reportedAt])).toEqual([
      ['main', 'running', T + 500],
      ['analytics', 'running', null],
      ['history', 'running', null],
      ['feed:binance-usdm', 'running', null],
      ['feed:okx', 'running', null],
    ]);
    expect(view.analytics).toBeNull();
    ledger.analyticsStatus(status(), T + 1_000);
    ledger.reported('feed:okx', 15e6, T + 1_000, 7);
    expect(row(ledger, 'main')).toMatchObject({ heapUsedBytes: 90e6, loopDelayMs: 1, startedAt: T });
    expect(row(ledger, 'analytics')).toMatchObject({ reportedAt: T + 1_000, heapUsedBytes: 20e6, loopDelayMs: 2 });
    expect(row(ledger, 'history')).toMatchObject({ reportedAt: T + 900, heapUsedBytes: 30e6, startedAt: T, loopDelayMs: 4 });
    expect(row(ledger, 'feed:okx')).toMatchObject({ reportedAt: T + 1_000, heapUsedBytes: 15e6, loopDelayMs: 7 });
    expect(ledger.view(T + 1_000, MAIN, VENUES).history).toMatchObject({ pendingRows: 10, failures: 0 });
  });

  it('a crashed feed: restarting with its restart counted; its new instance starts without the old one’s report or age', () => {
    const ledger = started();
    ledger.reported('feed:okx', 15e6, T + 1_000);
    ledger.died({ worker: 'feed:okx', reason: 'exit code 1', time: T + 2_000 });
    expect(row(ledger, 'feed:okx')).toMatchObject({ state: 'restarting', planned: null, restarts: 1, lastRestart: { time: T + 2_000, reason: 'exit code 1' }, reportedAt: null });
    // A late report of the dead instance does not bring it back.
    ledger.reported('feed:okx', 15e6, T + 2_100);
    expect(row(ledger, 'feed:okx').reportedAt).toBeNull();
    ledger.started('feed:okx', T + 12_000);
    expect(row(ledger, 'feed:okx', T + 12_500)).toMatchObject({ state: 'running', startedAt: T + 12_000, reportedAt: null, heapUsedBytes: null, restarts: 1 });
    expect(row(ledger, 'feed:binance-usdm').restarts).toBe(0);
  });

  it('a feed replaced on purpose says why and counts no restart', () => {
    const ledger = started();
    ledger.replacing('feed:okx', 'recording to /tmp/okx.jsonl');
    expect(row(ledger, 'feed:okx')).toMatchObject({ state: 'restarting', planned: 'recording to /tmp/okx.jsonl', restarts: 0 });
    ledger.started('feed:okx', T + 3_000);
    expect(row(ledger, 'feed:okx')).toMatchObject({ state: 'running', planned: null, restarts: 0 });
  });

  it('counts history restarts from the analytics status, several between two reports as several, and anew under a new analytics worker', () => {
    const ledger = started();
    ledger.analyticsStatus(status(), T + 1_000);
    ledger.analyticsStatus(status({ running: false, reportedAt: null, restarts: 1, lastRestart: { time: T + 1_500, reason: 'exit code 1' } }), T + 2_000);
    expect(row(ledger, 'history')).toMatchObject({ state: 'restarting', restarts: 1, lastRestart: { reason: 'exit code 1' } });
    ledger.analyticsStatus(status({ restarts: 3, startedAt: T + 5_000, reportedAt: null, heapUsedBytes: 0, lastRestart: { time: T + 4_000, reason: 'error: disk' } }), T + 6_000);
    // Running again, not yet reported: starting, not the old thread's age.
    expect(row(ledger, 'history')).toMatchObject({ state: 'running', restarts: 3, startedAt: T + 5_000, reportedAt: null, heapUsedBytes: null, lastRestart: { reason: 'error: disk' } });
    // The same count again adds nothing.
    ledger.analyticsStatus(status({ restarts: 3, lastRestart: { time: T + 4_000, reason: 'error: disk' } }), T + 7_000);
    expect(row(ledger, 'history').restarts).toBe(3);

    ledger.died({ worker: 'analytics', reason: 'exit code 1', time: T + 8_000 });
    // Its history thread went with it: restarting, nothing relayed; a status arriving late from it is dropped.
    expect(row(ledger, 'history')).toMatchObject({ state: 'restarting', reportedAt: null, heapUsedBytes: null });
    ledger.analyticsStatus(status({ restarts: 3, lastRestart: { time: T + 4_000, reason: 'error: disk' } }), T + 8_100);
    expect(ledger.view(T + 8_200, MAIN, VENUES).analytics).toBeNull();
    expect(row(ledger, 'history').restarts).toBe(3);
    ledger.started('analytics', T + 9_000);
    // Until the new worker's first status its history thread is a new one starting, not the dead one's age.
    expect(row(ledger, 'history', T + 9_500)).toMatchObject({ state: 'running', startedAt: T + 9_000, reportedAt: null, heapUsedBytes: null, loopDelayMs: null });
    // The new worker's history thread counts from 0: its first restart is the fourth.
    ledger.analyticsStatus(status({ restarts: 1, lastRestart: { time: T + 9_500, reason: 'exit code 7' } }), T + 10_000);
    expect(row(ledger, 'history')).toMatchObject({ restarts: 4, lastRestart: { reason: 'exit code 7' } });
    expect(row(ledger, 'analytics').restarts).toBe(1);
  });

  it('keeps no history row without a history file', () => {
    const ledger = new ThreadLedger({ history: false, intervalMs: 1_000 });
    ledger.started('analytics', T);
    expect(ledger.view(T, MAIN, ['okx']).threads.map((t) => t.thread)).toEqual(['main', 'analytics', 'feed:okx']);
  });
});
