import { describe, expect, it } from 'vitest';
import { NO_HOLD, orderHeld, SCROLL_HOLD_MS, tickOrder } from '../../src/renderer/src/model/held-order';
import { createConsoleStore } from '../../src/renderer/src/store/console-store';
import { memoryPrefs, PREF_DENSITY } from '../../src/renderer/src/store/prefs';
import { row, snapshot } from './fixtures';

describe('orderHeld', () => {
  it('holds while the pointer is on the rows and for a while after a scroll', () => {
    expect(orderHeld(NO_HOLD, 10_000)).toBe(false);
    expect(orderHeld({ hovering: true, scrolledAt: 0 }, 10_000)).toBe(true);
    expect(orderHeld({ hovering: false, scrolledAt: 10_000 }, 10_000 + SCROLL_HOLD_MS - 1)).toBe(true);
    expect(orderHeld({ hovering: false, scrolledAt: 10_000 }, 10_000 + SCROLL_HOLD_MS)).toBe(false);
  });
});

describe('tickOrder', () => {
  it('applies the live order when not held, keeps the shown one and counts the changes when held', () => {
    const shown = ['a', 'b', 'c'];
    expect(tickOrder(shown, ['c', 'a', 'b'], false)).toEqual({ order: ['c', 'a', 'b'], changed: 0, applied: true });
    const held = tickOrder(shown, ['c', 'a', 'b'], true);
    expect(held.order).toBe(shown);
    expect(held).toMatchObject({ changed: 3, applied: false });
    expect(tickOrder(shown, ['a', 'c', 'b'], true).changed).toBe(2);
  });

  it('returns the shown array itself when nothing moved', () => {
    const shown = ['a', 'b'];
    expect(tickOrder(shown, ['a', 'b'], false).order).toBe(shown);
    expect(tickOrder(shown, ['a', 'b'], false).applied).toBe(false);
  });
});

describe('the store live order', () => {
  function storeWith() {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [row('okx:A', { status: 'normal' }), row('okx:B', { status: 'normal' })] }), 1000);
    return store;
  }

  it('floats a new critical row to the top on the next tick, unless the operator holds the order', () => {
    const store = storeWith();
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    const critical = row('okx:B', { status: 'critical', openAlerts: 1, time: 2_000_000 });
    const batch = { rows: [critical], alerts: [], feeds: null, book: null, replay: null, mode: null };
    store.getState().setOrderHover(true);
    store.getState().ingest(batch);
    store.getState().tickLiveOrder(5000);
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    expect(store.getState().orderChanged).toBe(2);
    // the hint's click
    store.getState().resort();
    expect(store.getState().order).toEqual(['okx:B', 'okx:A']);
    expect(store.getState().orderChanged).toBe(0);
  });

  it('re-applies on the tick once the pointer leaves and the scroll hold ran out', () => {
    const store = storeWith();
    store.getState().noteOrderScroll(4000);
    store.getState().ingest({ rows: [row('okx:B', { status: 'warning', openAlerts: 1, time: 2_000_000 })], alerts: [], feeds: null, book: null, replay: null, mode: null });
    store.getState().tickLiveOrder(4000 + SCROLL_HOLD_MS - 10);
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    store.getState().tickLiveOrder(4000 + SCROLL_HOLD_MS);
    expect(store.getState().order).toEqual(['okx:B', 'okx:A']);
    expect(store.getState().orderedAt).toBe(4000 + SCROLL_HOLD_MS);
  });

  it('keeps the density in prefs', () => {
    const prefs = memoryPrefs();
    const store = createConsoleStore(prefs);
    expect(store.getState().density).toBe('comfortable');
    store.getState().setDensity('compact');
    expect(prefs.get(PREF_DENSITY)).toBe('compact');
    expect(createConsoleStore(prefs).getState().density).toBe('compact');
  });
});
