import { describe, expect, it } from 'vitest';
import { OVERVIEW_COLUMNS, rowMatches, sortOverviewKeys, zTone, EMPTY_OVERVIEW_FILTER } from '../../src/renderer/src/model/overview-columns';
import { row } from './fixtures';

const rows = {
  'okx:A': row('okx:A', { values: { spread_bps: 2 }, status: 'warning' }),
  'okx:B': row('okx:B', { values: { spread_bps: 1 }, status: 'critical' }),
  'binance-spot:C': row('binance-spot:C', { values: {}, status: 'normal', type: 'spot', instrumentId: 'ETH-USDT' }),
  'okx:D': row('okx:D', { values: { spread_bps: 2 }, status: 'normal' }),
};
const keys = Object.keys(rows);

describe('sortOverviewKeys', () => {
  it('sorts by status worst first', () => {
    expect(sortOverviewKeys(rows, keys, { column: 'status', direction: 'asc' })).toEqual(['okx:B', 'okx:A', 'binance-spot:C', 'okx:D']);
  });

  it('is stable on ties (key order) and puts missing values last both ways', () => {
    expect(sortOverviewKeys(rows, keys, { column: 'spread', direction: 'asc' })).toEqual(['okx:B', 'okx:A', 'okx:D', 'binance-spot:C']);
    expect(sortOverviewKeys(rows, keys, { column: 'spread', direction: 'desc' })).toEqual(['okx:A', 'okx:D', 'okx:B', 'binance-spot:C']);
  });

  it('sorts z columns by how unusual, either sign', () => {
    const z = {
      'okx:A': row('okx:A', { zscores: { spread_bps: { z: -4, samples: 30, needed: 30 } } }),
      'okx:B': row('okx:B', { zscores: { spread_bps: { z: 1, samples: 30, needed: 30 } } }),
      'okx:C': row('okx:C', { zscores: { spread_bps: { z: null, samples: 3, needed: 30 } } }),
    };
    expect(sortOverviewKeys(z, Object.keys(z), { column: 'zSpread', direction: 'desc' })).toEqual(['okx:A', 'okx:B', 'okx:C']);
  });
});

describe('columns', () => {
  it('shows warmup progress in z cells and tones them', () => {
    const zSpread = OVERVIEW_COLUMNS.find((c) => c.id === 'zSpread')!;
    const warming = row('okx:A', { zscores: { spread_bps: { z: null, samples: 15, needed: 30 } } });
    expect(zSpread.text(warming)).toBe('15/30');
    expect(zSpread.tone?.(warming)).toBe('z-warm');
    expect(zTone({ z: -3.2 })).toBe('z-3');
    expect(zTone({ z: 2.1 })).toBe('z-2');
    expect(zTone({ z: 1 })).toBe('');
  });
});

describe('cross-venue and funding columns', () => {
  const column = (id: string) => OVERVIEW_COLUMNS.find((c) => c.id === id)!;

  it('shows cross-venue divergence signed in bps and sorts by it', () => {
    const x = {
      'okx:A': row('okx:A', { values: { cross_venue_bps: -4.2 } }),
      'binance-usdm:A': row('binance-usdm:A', { values: { cross_venue_bps: 4.25 } }),
      'okx:B': row('okx:B', { values: {} }),
    };
    expect(column('crossVenue').text(x['okx:A'])).toBe('-4.20');
    expect(column('crossVenue').text(x['binance-usdm:A'])).toBe('+4.25');
    expect(column('crossVenue').text(x['okx:B'])).toBe('–');
    expect(sortOverviewKeys(x, Object.keys(x), { column: 'crossVenue', direction: 'desc' })).toEqual(['binance-usdm:A', 'okx:A', 'okx:B']);
  });

  it('shows funding normalized to bps per 8 h, not the raw per-interval rate', () => {
    // 0.01 % per 4 h is 2 bp per 8 h: the column reads the normalized metric.
    const r = row('okx:A', { values: { funding_rate: 0.0001, funding_bps_8h: 2 } });
    expect(column('funding').text(r)).toBe('+2.00');
    expect(column('funding').label).toContain('8h');
  });
});

describe('rowMatches', () => {
  it('matches every word against key, instrument and type', () => {
    expect(rowMatches(rows['binance-spot:C'], { ...EMPTY_OVERVIEW_FILTER, text: 'eth spot' })).toBe(true);
    expect(rowMatches(rows['binance-spot:C'], { ...EMPTY_OVERVIEW_FILTER, text: 'eth perp' })).toBe(false);
  });

  it('filters by venue and status; problems means anything but normal', () => {
    expect(rowMatches(rows['okx:A'], { ...EMPTY_OVERVIEW_FILTER, venue: 'binance-spot' })).toBe(false);
    expect(rowMatches(rows['okx:A'], { ...EMPTY_OVERVIEW_FILTER, status: 'problems' })).toBe(true);
    expect(rowMatches(rows['okx:D'], { ...EMPTY_OVERVIEW_FILTER, status: 'problems' })).toBe(false);
    expect(rowMatches(rows['okx:B'], { ...EMPTY_OVERVIEW_FILTER, status: 'critical' })).toBe(true);
    expect(rowMatches(rows['okx:A'], { ...EMPTY_OVERVIEW_FILTER, status: 'critical' })).toBe(false);
  });
});
