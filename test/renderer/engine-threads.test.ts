import { describe, expect, it } from 'vitest';
import type { EngineThreadView, EngineView } from '../../src/shared/contract';
import { createEventPump } from '../../src/renderer/src/live/event-pump';
import { engineThreadRows } from '../../src/renderer/src/model/engine-threads';
import { createConsoleStore } from '../../src/renderer/src/store/console-store';
import { memoryPrefs } from '../../src/renderer/src/store/prefs';

const NOW = 1_700_000_000_000;

function thread(name: string, patch: Partial<EngineThreadView> = {}): EngineThreadView {
  return { thread: name, state: 'running', planned: null, startedAt: NOW - 60_000, heapUsedBytes: 40 * 1024 ** 2, reportedAt: NOW - 500, loopDelayMs: 3, restarts: 0, lastRestart: null, ...patch };
}

function view(patch: Partial<EngineView> = {}): EngineView {
  return {
    time: NOW,
    intervalMs: 1_000,
    threads: [thread('main', { reportedAt: NOW }), thread('analytics'), thread('history'), thread('feed:okx')],
    analytics: { lastBoundary: { time: NOW - 1_000, lagMs: 12 }, evaluated: 100, shed: 0, waiting: 0 },
    history: { pendingRows: 2_500, behindRows: 0, failures: 0, lastError: null, lastErrorAt: null },
    ...patch,
  };
}

const rowOf = (v: EngineView, name: string, now = NOW) => engineThreadRows(v, now).find((r) => r.thread === name)!;

describe('engine table rows', () => {
  it('a healthy engine: every thread running, its heap, analytics on time, history rows pending and nothing in red', () => {
    const rows = engineThreadRows(view(), NOW);
    expect(rows.map((r) => [r.thread, r.state, r.stateText, r.heap])).toEqual([
      ['main', 'running', 'running', '40.0 MB'],
      ['analytics', 'running', 'running', '40.0 MB'],
      ['history', 'running', 'running', '40.0 MB'],
      ['feed:okx', 'running', 'running', '40.0 MB'],
    ]);
    expect(rowOf(view(), 'analytics')).toMatchObject({ backlog: 'lag 12 ms · 0 waiting', backlogWarn: false, detail: '', detailWarn: false });
    expect(rowOf(view(), 'history')).toMatchObject({ backlog: '2,500 pending', backlogWarn: false, detail: '' });
    expect(rowOf(view(), 'feed:okx').backlog).toBe('');
    expect(rowOf(view(), 'feed:okx')).toMatchObject({ loopDelay: '3 ms', loopDelayWarn: false });
  });

  it('a thread whose event loop was held shows how long, in warning colours from 100 ms', () => {
    expect(rowOf(view({ threads: [thread('feed:okx', { loopDelayMs: 99 })] }), 'feed:okx')).toMatchObject({ loopDelay: '99 ms', loopDelayWarn: false });
    expect(rowOf(view({ threads: [thread('feed:okx', { loopDelayMs: 4_012.5 })] }), 'feed:okx')).toMatchObject({ loopDelay: '4.0 s', loopDelayWarn: true });
    expect(rowOf(view({ threads: [thread('feed:okx', { loopDelayMs: null, reportedAt: null })] }), 'feed:okx').loopDelay).toBe('–');
  });

  it('a thread whose reports stopped reads as silent for as long, whatever it last said; a new instance is starting until its first report, for 10 s at most', () => {
    const v = view({ threads: [thread('analytics'), thread('history', { reportedAt: NOW - 7_400 }), thread('feed:okx', { reportedAt: null, heapUsedBytes: null, startedAt: NOW - 2_000 })] });
    expect(rowOf(v, 'history')).toMatchObject({ state: 'silent', stateText: 'no report for 7 s' });
    // At the edge: 3.9 s is a late report, 4 s is silence; for history, relayed by analytics, 5 s.
    expect(rowOf(view({ threads: [thread('feed:okx', { reportedAt: NOW - 3_900 })] }), 'feed:okx').state).toBe('running');
    expect(rowOf(view({ threads: [thread('feed:okx', { reportedAt: NOW - 4_000 })] }), 'feed:okx').state).toBe('silent');
    expect(rowOf(view({ threads: [thread('analytics'), thread('history', { reportedAt: NOW - 4_900 })] }), 'history').state).toBe('running');
    expect(rowOf(view({ threads: [thread('analytics'), thread('history', { reportedAt: NOW - 5_000 })] }), 'history').state).toBe('silent');
    expect(rowOf(v, 'feed:okx')).toMatchObject({ state: 'starting', stateText: 'starting', heap: '–' });
    // A new instance that never reports is stuck at its start, not starting for ever.
    const hung = view({ threads: [thread('feed:okx', { reportedAt: null, heapUsedBytes: null, startedAt: NOW - 12_000 })] });
    expect(rowOf(hung, 'feed:okx')).toMatchObject({ state: 'silent', stateText: 'no report in 12 s since its start' });
  });

  it('with analytics silent or restarting, the history row it relays is unknown, not stuck; the other threads keep their own state', () => {
    const stalled = view({ threads: [thread('main', { reportedAt: NOW }), thread('analytics', { reportedAt: NOW - 4_000 }), thread('history', { reportedAt: NOW - 4_500 }), thread('feed:okx')] });
    expect(engineThreadRows(stalled, NOW).map((r) => [r.thread, r.state, r.stateText])).toEqual([
      ['main', 'running', 'running'],
      ['analytics', 'silent', 'no report for 4 s'],
      ['history', 'unknown', 'unknown: analytics not reporting'],
      ['feed:okx', 'running', 'running'],
    ]);
    const restarting = view({ threads: [thread('analytics', { state: 'restarting', reportedAt: null }), thread('history', { state: 'restarting', reportedAt: null })] });
    expect(rowOf(restarting, 'history').state).toBe('restarting');
  });

  it('a thread replaced on purpose says why, not a crash', () => {
    const v = view({ threads: [thread('feed:okx', { state: 'restarting', planned: 'recording to /tmp/okx.jsonl', reportedAt: null })] });
    expect(rowOf(v, 'feed:okx')).toMatchObject({ state: 'replacing', stateText: 'replacing: recording to /tmp/okx.jsonl', restarts: 0 });
  });

  it('a restarting thread says so (not silent), with its restarts, when and why', () => {
    const v = view({ threads: [thread('analytics', { state: 'restarting', reportedAt: NOW - 60_000, restarts: 2, lastRestart: { time: Date.UTC(2026, 11, 6, 21, 3, 4), reason: 'exit code 1' } })] });
    expect(rowOf(v, 'analytics')).toMatchObject({ state: 'restarting', stateText: 'restarting', restarts: 2, lastRestart: '21:03:04Z exit code 1' });
    expect(rowOf(view(), 'analytics').lastRestart).toBe('');
  });

  it('analytics behind the market, or shedding, is in warning colours; a recent history failure in red, with its time, an old one muted', () => {
    const late = view({ analytics: { lastBoundary: { time: NOW - 4_000, lagMs: 3_200 }, evaluated: 100, shed: 0, waiting: 3 } });
    expect(rowOf(late, 'analytics')).toMatchObject({ backlog: 'lag 3.2 s · 3 waiting', backlogWarn: true });
    const shedding = view({ analytics: { lastBoundary: { time: NOW - 1_000, lagMs: 300 }, evaluated: 100, shed: 12, waiting: 0 } });
    expect(rowOf(shedding, 'analytics')).toMatchObject({ backlog: 'lag 300 ms · 0 waiting · 12 shed', backlogWarn: true, detail: '12 boundaries shed unevaluated to catch up', detailWarn: true });
    // Reporting, but judging nothing: its last boundary's age, not its old lag, and in warning colours.
    const idle = view({ analytics: { lastBoundary: { time: NOW - 6_000, lagMs: 12 }, evaluated: 100, shed: 0, waiting: 0 } });
    expect(rowOf(idle, 'analytics')).toMatchObject({ backlog: 'last boundary 6 s ago · 0 waiting', backlogWarn: true });
    expect(rowOf(view({ intervalMs: 5_000, analytics: { lastBoundary: { time: NOW - 6_000, lagMs: 12 }, evaluated: 100, shed: 0, waiting: 0 } }), 'analytics').backlogWarn).toBe(false);
    expect(rowOf(view({ analytics: { lastBoundary: null, evaluated: 0, shed: 0, waiting: 0 } }), 'analytics').backlog).toBe('no boundary yet · 0 waiting');
    const at = Date.UTC(2026, 11, 6, 21, 3, 4);
    const failing = view({ history: { pendingRows: 0, behindRows: 7_500, failures: 4, lastError: 'the history thread has not answered for 4 s', lastErrorAt: at } });
    expect(rowOf(failing, 'history', at + 2_000)).toMatchObject({ backlog: '0 pending · 7,500 behind · 4 failures', backlogWarn: true, detail: '21:03:04Z the history thread has not answered for 4 s', detailWarn: true });
    // A minute on, the count and the words stay, no longer in red.
    expect(rowOf(failing, 'history', at + 60_000)).toMatchObject({ backlog: '0 pending · 7,500 behind · 4 failures', backlogWarn: false, detail: '21:03:04Z the history thread has not answered for 4 s', detailWarn: false });
  });

  it('reaches the store from the snapshot and from events, the latest of a frame winning', () => {
    const store = createConsoleStore(memoryPrefs());
    const flushes: (() => void)[] = [];
    const pump = createEventPump({ store, schedule: (f) => flushes.push(f), onMode: () => {}, onNotify: () => {} });
    expect(store.getState().engine).toBeNull();
    pump.push({ type: 'engine', engine: view({ time: NOW }) });
    pump.push({ type: 'engine', engine: view({ time: NOW + 1_000 }) });
    expect(flushes).toHaveLength(1);
    flushes[0]!();
    expect(store.getState().engine!.time).toBe(NOW + 1_000);
    // A frame without an engine event keeps the last one.
    pump.push({ type: 'feeds', feeds: [] });
    pump.flush();
    expect(store.getState().engine!.time).toBe(NOW + 1_000);
  });
});
