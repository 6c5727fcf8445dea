import { describe, expect, it, vi } from 'vitest';
import { createEventPump } from '../../src/renderer/src/live/event-pump';
import { createConsoleStore } from '../../src/renderer/src/store/console-store';
import { memoryPrefs } from '../../src/renderer/src/store/prefs';
import { alert, event, feed, row } from './fixtures';

function setup() {
  const store = createConsoleStore(memoryPrefs());
  const flushes: (() => void)[] = [];
  const onMode = vi.fn();
  const onNotify = vi.fn();
  const pump = createEventPump({ store, schedule: (f) => flushes.push(f), onMode, onNotify });
  return { store, flushes, onMode, onNotify, pump };
}

describe('event pump', () => {
  it('coalesces a frame of events into one store update, latest row per key', () => {
    const { store, flushes, pump } = setup();
    const updates = vi.fn();
    store.subscribe(updates);
    pump.push({ type: 'overview', rows: [row('okx:A', { time: 1, values: { spread_bps: 1 } })] });
    pump.push({ type: 'overview', rows: [row('okx:A', { time: 3, values: { spread_bps: 3 } }), row('okx:B', { time: 1 })] });
    pump.push({ type: 'overview', rows: [row('okx:A', { time: 2, values: { spread_bps: 2 } })] });
    pump.push({ type: 'feeds', feeds: [feed('okx')] });
    expect(flushes).toHaveLength(1);
    expect(updates).not.toHaveBeenCalled();
    flushes[0]!();
    expect(updates).toHaveBeenCalledTimes(1);
    expect(store.getState().rows['okx:A']!.values.spread_bps).toBe(3);
    expect(store.getState().keys).toEqual(['okx:A', 'okx:B']);
    expect(store.getState().feeds).toHaveLength(1);
  });

  it('keeps every alert event of a frame, in order', () => {
    const { store, pump } = setup();
    pump.push({ type: 'alerts', events: [event('a', 'firing')], alerts: [alert('a')] });
    pump.push({ type: 'alerts', events: [event('a', 'resolved')], alerts: [alert('a', { state: 'resolved' })] });
    pump.push({ type: 'alerts', events: [event('b', 'firing')], alerts: [alert('b')] });
    pump.flush();
    expect(Object.keys(store.getState().active)).toEqual(['b']);
    expect(store.getState().seenOrder).toEqual(['a', 'b']);
  });

  it('asks for a snapshot reload on a mode switch and passes notifications straight on', () => {
    const { store, flushes, pump, onMode, onNotify } = setup();
    pump.push({ type: 'mode', mode: { kind: 'demo', scenario: 'wide' }, simulated: true });
    expect(onMode).toHaveBeenCalledTimes(1);
    pump.flush();
    expect(store.getState().simulated).toBe(true);
    pump.push({ type: 'notify', alert: alert('a'), event: event('a', 'firing') });
    expect(onNotify).toHaveBeenCalledTimes(1);
    expect(flushes).toHaveLength(1); // notify needs no store update
    // A notification a silence held back says which silence's end let it go.
    pump.push({ type: 'notify', alert: alert('b'), event: event('b', 'firing'), afterSilence: 'S2' });
    expect(onNotify).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'b' }), expect.objectContaining({ alertId: 'b' }), 'S2');
  });

  it('keeps the latest book and replay state', () => {
    const { store, pump } = setup();
    const ladder = (time: number) => ({ key: 'okx:A', time, bids: [], asks: [], bidLevels: 0, askLevels: 0, valid: true });
    pump.push({ type: 'book', ladder: ladder(1) });
    pump.push({ type: 'book', ladder: ladder(2) });
    pump.push({ type: 'replay', state: { capture: 'c', state: 'playing', speed: 'max', progress: 0.2, frameTime: 5, frames: 10, error: null } });
    pump.flush();
    expect(store.getState().book!.time).toBe(2);
    expect(store.getState().replay!.progress).toBe(0.2);
  });
});
