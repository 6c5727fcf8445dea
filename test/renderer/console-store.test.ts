import { describe, expect, it } from 'vitest';
import { createConsoleStore, type EventBatch } from '../../src/renderer/src/store/console-store';
import { memoryPrefs, PREF_LAYOUT, PREF_OPERATOR } from '../../src/renderer/src/store/prefs';
import { consoleNow, stepSelection, visibleAlertIds, visibleOverviewKeys } from '../../src/renderer/src/store/selectors';
import { alert, event, feed, row, snapshot } from './fixtures';
import { LIVE_RANGE } from '../../src/renderer/src/model/time-range';

const batch = (patch: Partial<EventBatch>): EventBatch => ({ rows: [], alerts: [], feeds: null, book: null, replay: null, mode: null, ...patch });

describe('console store', () => {
  it('loads a snapshot: rows, sorted order, alerts, clock offset, selection, epoch', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(
      snapshot({
        overview: [row('okx:A'), row('okx:B', { status: 'critical' })],
        alerts: [alert('a1'), alert('a2', { state: 'resolved' })],
        serverTime: 10_000,
        simulated: true,
      }),
      9_000,
    );
    const s = store.getState();
    expect(s.order).toEqual(['okx:B', 'okx:A']);
    expect(Object.keys(s.active)).toEqual(['a1']);
    expect(s.simulated).toBe(true);
    expect(s.clockOffsetMs).toBe(1_000);
    expect(s.selectedKey).toBe('okx:A');
    expect(s.dataEpoch).toBe(1);
  });

  it('keeps row order under live updates until the user re-sorts', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [row('okx:A', { values: { spread_bps: 1 } }), row('okx:B', { values: { spread_bps: 2 } })] }), 0);
    store.getState().sortBy('spread');
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    store.getState().ingest(batch({ rows: [row('okx:A', { time: 2_000_000, values: { spread_bps: 9 } }), row('okx:C', { values: { spread_bps: 0 } })] }));
    expect(store.getState().order).toEqual(['okx:A', 'okx:B', 'okx:C']);
    store.getState().resort();
    expect(store.getState().order).toEqual(['okx:C', 'okx:B', 'okx:A']);
    store.getState().sortBy('spread');
    expect(store.getState().sort.direction).toBe('desc');
    expect(store.getState().order).toEqual(['okx:A', 'okx:B', 'okx:C']);
  });

  it('changes only the row objects of instruments that updated, and ignores older rows', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [row('okx:A'), row('okx:B')] }), 0);
    const before = store.getState().rows;
    store.getState().ingest(batch({ rows: [row('okx:A', { time: 2_000_000 })] }));
    const after = store.getState().rows;
    expect(after['okx:A']).not.toBe(before['okx:A']);
    expect(after['okx:B']).toBe(before['okx:B']);
    store.getState().ingest(batch({ rows: [row('okx:A', { time: 1_500_000 })] }));
    expect(store.getState().rows['okx:A']!.time).toBe(2_000_000);
  });

  it('applies alert events in order: open, update, resolve', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().ingest(
      batch({
        alerts: [
          { events: [event('a1', 'firing')], alerts: [alert('a1')] },
          { events: [event('a1', 'escalated')], alerts: [alert('a1', { severity: 'critical' })] },
          { events: [event('a2', 'pending')], alerts: [alert('a2', { state: 'pending' })] },
          { events: [event('a2', 'cancelled')], alerts: [] },
        ],
      }),
    );
    const s = store.getState();
    expect(Object.keys(s.active)).toEqual(['a1']);
    expect(s.active.a1!.severity).toBe('critical');
    expect(s.seenOrder).toEqual(['a1', 'a2']);
    store.getState().ingest(batch({ alerts: [{ events: [event('a1', 'resolved')], alerts: [alert('a1', { state: 'resolved' })] }] }));
    expect(store.getState().active).toEqual({});
    expect(store.getState().seen.a1!.state).toBe('resolved');
  });

  it('lists active alerts critical first, firing before pending, oldest first, filtered', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(
      snapshot({
        alerts: [
          alert('w-old', { firedAt: 1 }),
          alert('w-new', { firedAt: 5 }),
          alert('c', { severity: 'critical', firedAt: 9 }),
          alert('p', { state: 'pending', firedAt: null, openedAt: 0 }),
          alert('acked', { firedAt: 2, acknowledged: { by: 'x', time: 3, note: '' } }),
        ],
      }),
      0,
    );
    expect(visibleAlertIds(store.getState())).toEqual(['c', 'w-old', 'acked', 'w-new', 'p']);
    store.getState().setAlertFilter({ unackedOnly: true, state: 'firing' });
    expect(visibleAlertIds(store.getState())).toEqual(['c', 'w-old', 'w-new']);
  });

  it('forgets the previous mode alerts when the mode changes', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ alerts: [alert('live')] }), 0);
    store.getState().ingest(batch({ mode: { mode: { kind: 'replay', capture: '/c.jsonl' }, simulated: false } }));
    expect(store.getState().seenOrder).toEqual([]);
    store.getState().loadSnapshot(snapshot({ mode: { kind: 'replay', capture: '/c.jsonl' }, alerts: [alert('r1')] }), 0);
    expect(store.getState().seenOrder).toEqual(['r1']);
  });

  it('starts each capture on its own time range and selection, not the previous capture alert (issue 13)', () => {
    const store = createConsoleStore(memoryPrefs());
    const first = { kind: 'replay', capture: '/first.jsonl' } as const;
    store.getState().loadSnapshot(snapshot({ mode: first, overview: [row('okx:A'), row('okx:B')] }), 0);
    store.getState().jumpToAlert(alert('a', { key: 'okx:B', firedAt: 123_456 }));
    expect(store.getState().timeRange.kind).toBe('centred');
    // The mode event comes first, the snapshot of the second capture after it.
    store.getState().ingest(batch({ mode: { mode: { kind: 'replay', capture: '/second.jsonl' }, simulated: true } }));
    expect(store.getState().timeRange).toEqual(LIVE_RANGE);
    expect(store.getState().alertSel).toBeNull();
    store.getState().loadSnapshot(snapshot({ mode: { kind: 'replay', capture: '/second.jsonl' }, overview: [row('okx:A'), row('okx:B')] }), 0);
    expect(store.getState().timeRange).toEqual(LIVE_RANGE);
    expect(store.getState().selectedKey).toBe('okx:A');
    // A snapshot of another capture straight away (a reconnect after the switch) resets too.
    store.getState().jumpToAlert(alert('b', { key: 'okx:B', firedAt: 9_000 }));
    store.getState().loadSnapshot(snapshot({ mode: first, overview: [row('okx:A'), row('okx:B')] }), 0);
    expect(store.getState().timeRange).toEqual(LIVE_RANGE);
    // The same capture again (a reconnect) keeps what the analyst chose.
    store.getState().jumpToAlert(alert('c', { key: 'okx:B', firedAt: 9_000 }));
    store.getState().loadSnapshot(snapshot({ mode: first, overview: [row('okx:A'), row('okx:B')] }), 0);
    expect(store.getState().timeRange.kind).toBe('centred');
    expect(store.getState().selectedKey).toBe('okx:B');
  });

  it('merges feeds by venue and keeps the latest book and replay', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().ingest(batch({ feeds: [feed('okx'), feed('binance-spot')] }));
    store.getState().ingest(batch({ feeds: [feed('okx', { resyncs: 2 })] }));
    expect(store.getState().feeds.map((f) => [f.venue, f.resyncs])).toEqual([
      ['okx', 2],
      ['binance-spot', 0],
    ]);
  });

  it('filters the overview and steps the selection through visible rows', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [row('okx:A'), row('okx:B', { status: 'stale' }), row('okx:C')] }), 0);
    store.getState().setOverviewFilter({ status: 'problems' });
    expect(visibleOverviewKeys(store.getState())).toEqual(['okx:B']);
    store.getState().setOverviewFilter({ status: 'all' });
    const visible = visibleOverviewKeys(store.getState());
    expect(stepSelection(visible, null, 1)).toBe(visible[0]);
    expect(stepSelection(visible, visible[0]!, 1)).toBe(visible[1]);
    expect(stepSelection(visible, visible[2]!, 1)).toBe(visible[2]);
    expect(stepSelection(visible, visible[0]!, -1)).toBe(visible[0]);
    expect(stepSelection([], null, 1)).toBeNull();
  });

  it('jumps to an alert: instrument, centred range, instrument view', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().jumpToAlert(alert('a', { key: 'okx:X', firedAt: 123_456 }));
    const s = store.getState();
    expect(s.view).toBe('instrument');
    expect(s.selectedKey).toBe('okx:X');
    expect(s.timeRange).toEqual({ kind: 'centred', centre: 123_456, spanMs: 30 * 60_000 });
  });

  it('remembers the operator and the panel layout in prefs', () => {
    const prefs = memoryPrefs();
    const store = createConsoleStore(prefs);
    store.getState().setOperator('  alice  ');
    store.getState().addPanel('book');
    store.getState().setColumns(9);
    expect(prefs.get(PREF_OPERATOR)).toBe('alice');
    const again = createConsoleStore(prefs).getState();
    expect(again.operator).toBe('alice');
    expect(again.layout.columns).toBe(4);
    expect(again.layout.panels.at(-1)!.kind).toBe('book');
    expect(JSON.parse(prefs.get(PREF_LAYOUT)!).panels).toHaveLength(again.layout.panels.length);
  });

  it('takes "now" from the replay frame during a replay, else the engine clock', () => {
    expect(consoleNow({ mode: { kind: 'live' }, replay: null, clockOffsetMs: 500 }, 1_000)).toBe(1_500);
    const replay = { capture: 'c', state: 'playing' as const, speed: 1, progress: 0.5, frameTime: 42, frames: 1, error: null };
    expect(consoleNow({ mode: { kind: 'replay', capture: 'c' }, replay, clockOffsetMs: 500 }, 1_000)).toBe(42);
  });
});
