import { describe, expect, it } from 'vitest';
import { rowSummary } from '../../src/engine/console/row-summary';
import { scrollToRow, virtualWindow } from '../../src/renderer/src/components/overview/virtual-window';
import { createEventPump } from '../../src/renderer/src/live/event-pump';
import { interestKeys } from '../../src/renderer/src/model/interest-keys';
import { overviewMatcher, problemRank, rowsOutOfOrder, sortOverviewKeys, EMPTY_OVERVIEW_FILTER } from '../../src/renderer/src/model/overview-columns';
import { DEFAULT_LAYOUT } from '../../src/renderer/src/model/panel-layout';
import { replacesRow, rowFromSummary } from '../../src/renderer/src/model/summary-rows';
import { createConsoleStore } from '../../src/renderer/src/store/console-store';
import { memoryPrefs } from '../../src/renderer/src/store/prefs';
import { visibleOverviewKeys } from '../../src/renderer/src/store/selectors';
import { MAX_INTEREST_KEYS } from '../../src/shared/contract';
import { alert, row, snapshot } from './fixtures';

describe('virtual window', () => {
  it('renders the rows in view plus overscan, blank heights for the rest', () => {
    // 2,500 rows of 23 px, a 920 px viewport scrolled to row 1,000.
    const w = virtualWindow(2500, 23, 1000 * 23, 920, 8);
    expect(w.start).toBe(992);
    expect(w.end).toBe(1000 + 41 + 8);
    expect(w.padTop).toBe(992 * 23);
    expect(w.padBottom).toBe((2500 - w.end) * 23);
    expect(w.end - w.start).toBeLessThan(60);
  });

  it('clamps at both ends and on an empty list', () => {
    expect(virtualWindow(2500, 23, 0, 920, 8)).toMatchObject({ start: 0, padTop: 0 });
    const last = virtualWindow(2500, 23, 2500 * 23, 920, 8);
    expect(last.end).toBe(2500);
    expect(last.padBottom).toBe(0);
    expect(virtualWindow(0, 23, 500, 920)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('scrolls the least to bring a row into view below the header', () => {
    expect(scrollToRow(10, 20, 0, 425, 25)).toBeNull();
    expect(scrollToRow(30, 20, 0, 425, 25)).toBe(31 * 20 - 400);
    expect(scrollToRow(2, 20, 200, 425, 25)).toBe(40);
  });
});

describe('problems first and the stale order', () => {
  const rows = {
    'okx:N': row('okx:N', { values: { spread_bps: 9 } }),
    'okx:P': row('okx:P', { openAlerts: 1, values: { spread_bps: 1 } }),
    'okx:C': row('okx:C', { status: 'critical', openAlerts: 1, values: { spread_bps: 2 } }),
    'okx:I': row('okx:I', { status: 'invalid', values: {} }),
    'okx:W': row('okx:W', { status: 'warming_up', values: { spread_bps: 5 } }),
  };
  const keys = Object.keys(rows);

  it('ranks firing, then pending, invalid, stale, warming, normal', () => {
    expect(keys.map((k) => problemRank(rows[k as keyof typeof rows]))).toEqual([6, 2, 0, 3, 5]);
    expect(problemRank(row('x:S', { status: 'stale' }))).toBe(4);
    expect(problemRank(row('x:S', { status: 'warning' }))).toBe(1);
  });

  it('groups problems before the sorted column, and only then', () => {
    const bySpreadDesc = { column: 'spread', direction: 'desc' } as const;
    expect(sortOverviewKeys(rows, keys, bySpreadDesc, true)).toEqual(['okx:C', 'okx:P', 'okx:I', 'okx:W', 'okx:N']);
    expect(sortOverviewKeys(rows, keys, bySpreadDesc, false)).toEqual(['okx:N', 'okx:W', 'okx:C', 'okx:P', 'okx:I']);
  });

  it('counts rows out of place against a live sort', () => {
    expect(rowsOutOfOrder(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(rowsOutOfOrder(['a', 'b', 'c'], ['b', 'a', 'c'])).toBe(2);
    expect(rowsOutOfOrder(['a', 'b'], ['a', 'b', 'c'])).toBe(1);
  });

  it('the store freezes the order until re-sorted, and problems-first can be switched off', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [row('okx:A'), row('okx:B')] }), 1000);
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    store.getState().ingest({ rows: [row('okx:B', { time: 2_000_000, status: 'critical', openAlerts: 1 })], alerts: [], feeds: null, book: null, replay: null, mode: null });
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
    store.getState().resort();
    expect(store.getState().order).toEqual(['okx:B', 'okx:A']);
    store.getState().sortBy('venue');
    store.getState().setProblemsFirst(false);
    expect(store.getState().order).toEqual(['okx:A', 'okx:B']);
  });
});

describe('filter', () => {
  it('matches instrument, venue and tier words; problems include a pending alert', () => {
    const tiered = { ...row('binance-spot:SOLUSDT', { instrumentId: 'SOL-USDT', type: 'spot' }), tier: 'long_tail' };
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, text: 'sol binance' })(tiered)).toBe(true);
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, text: 'long_tail' })(tiered)).toBe(true);
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, text: 'okx' })(tiered)).toBe(false);
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, status: 'problems' })(row('okx:P', { openAlerts: 1 }))).toBe(true);
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, status: 'problems' })(row('okx:N'))).toBe(false);
  });

  it('the visible keys follow the filter over 2,500 rows', () => {
    const store = createConsoleStore(memoryPrefs());
    const many = Array.from({ length: 2500 }, (_, i) => row(`okx:S${i}-USDT-SWAP`, { instrumentId: `S${i}-USDT-PERP` }));
    store.getState().loadSnapshot(snapshot({ overview: many }), 1000);
    expect(visibleOverviewKeys(store.getState()).length).toBe(2500);
    store.getState().setOverviewFilter({ text: 's12' });
    // S12, S120-S129, S1200-S1299
    expect(visibleOverviewKeys(store.getState()).length).toBe(1 + 10 + 100);
  });
});

describe('brief rows from engine summaries', () => {
  const full = row('okx:A', {
    time: 5000,
    values: { spread_bps: 1.234567, depth_bid_10bps: 123_456.7, funding_bps_8h: -0.5 },
    zscores: { spread_bps: { z: 2.3456, samples: 30, needed: 30 }, depth_10bps: { z: null, samples: 12, needed: 30 } },
    status: 'warming_up',
    openAlerts: 2,
    health: { stale: true, bookValid: false },
    rules: [],
  });

  it('carries what the overview shows, rounded, and no rules', () => {
    const brief = rowFromSummary(rowSummary(full));
    expect(brief.brief).toBe(true);
    expect(brief).toMatchObject({ key: 'okx:A', venue: 'okx', symbol: 'A', instrumentId: full.instrumentId, time: 5000, status: 'warming_up', openAlerts: 2 });
    expect(brief.values).toEqual({ spread_bps: 1.235, depth_bid_10bps: 123_500, funding_bps_8h: -0.5 });
    expect(brief.zscores.spread_bps?.z).toBe(2.35);
    expect(brief.zscores.depth_10bps).toEqual({ z: null, samples: 12, needed: 30 });
    expect(brief.health).toEqual({ stale: true, bookValid: false });
    expect(brief.rules).toEqual([]);
  });

  it('carries the liquidity tier, which the filter finds', () => {
    const brief = rowFromSummary(rowSummary({ ...full, tier: 'long_tail' }));
    expect(brief.tier).toBe('long_tail');
    expect(overviewMatcher({ ...EMPTY_OVERVIEW_FILTER, text: 'long_tail' })(brief)).toBe(true);
    expect(rowFromSummary(rowSummary(full)).tier).toBeUndefined();
  });

  it('never replaces a full row of the same sample, always an older one', () => {
    const brief = rowFromSummary(rowSummary(full));
    expect(replacesRow(full, brief)).toBe(false);
    expect(replacesRow(brief, full)).toBe(true);
    expect(replacesRow(full, { ...brief, time: 6000 })).toBe(true);
    expect(replacesRow({ ...full, time: 7000 }, brief)).toBe(false);
  });

  it('a snapshot and summary events fill the store with brief rows beside the full ones', () => {
    const store = createConsoleStore(memoryPrefs());
    store.getState().loadSnapshot(snapshot({ overview: [full], summary: [rowSummary(row('okx:B', { time: 5000 }))] }), 1000);
    expect(store.getState().keys).toEqual(['okx:B', 'okx:A']);
    expect(store.getState().rows['okx:B']?.brief).toBe(true);
    const pump = createEventPump({ store, schedule: () => undefined, onMode: () => undefined, onNotify: () => undefined });
    pump.push({ type: 'summary', rows: [rowSummary(full), rowSummary(row('okx:C', { time: 5000 }))] });
    pump.flush();
    expect(store.getState().rows['okx:A']).toBe(full);
    expect(store.getState().rows['okx:C']?.brief).toBe(true);
    expect(store.getState().order).toContain('okx:C');
  });
});

describe('interest', () => {
  const base = { view: 'overview', selectedKey: 'okx:SEL', shownKeys: ['okx:1', 'okx:2'], layout: DEFAULT_LAYOUT, active: {} };

  it('asks for the selection and instruments with open alerts in full (not feed subjects), the visible rows in brief', () => {
    const active = { a: alert('a', { key: 'okx:ALERT' }), f: alert('f', { key: 'okx', metric: 'feed_down_seconds' }) };
    expect(interestKeys({ ...base, shownKeys: ['okx:1', 'okx:ALERT', 'okx:2'], active })).toEqual({ keys: ['okx:SEL', 'okx:ALERT'], shown: ['okx:1', 'okx:2'] });
  });

  it('asks for the panels in the instrument view instead of the overview rows', () => {
    const layout = { columns: 2, panels: [{ id: 'p1', kind: 'spread' as const, key: 'okx:P1' }, { id: 'p2', kind: 'book' as const, key: null }] };
    expect(interestKeys({ ...base, view: 'instrument', layout })).toEqual({ keys: ['okx:SEL', 'okx:P1'], shown: [] });
  });

  it('stays within what the engine accepts', () => {
    const many = Array.from({ length: 400 }, (_, i) => `okx:K${i}`);
    expect(interestKeys({ ...base, shownKeys: many }).shown.length).toBe(MAX_INTEREST_KEYS);
    const active = Object.fromEntries(many.map((k, i) => [`a${i}`, alert(`a${i}`, { key: k })]));
    expect(interestKeys({ ...base, active }).keys.length).toBe(MAX_INTEREST_KEYS);
  });
});
