import { describe, expect, it } from 'vitest';
import type { Instrument, RawLevel } from '../../src/shared/core/model';
import { OrderBook } from '../../src/shared/core/order-book';
import { basisBps, basisMetrics, crossVenueBps } from '../../src/shared/core/basis';
import { depthWithinBps, levelNotional, normalizeBands } from '../../src/shared/core/depth';
import { bookMetrics, bookMid, bookSpread, topImbalance } from '../../src/shared/core/metrics';

const instrument = (over: Partial<Instrument>): Instrument => ({
  venue: 'binance-spot',
  symbol: 'BTCUSDT',
  id: 'BTC-USDT',
  type: 'spot',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.01,
  contractKind: 'spot',
  contractValue: 1,
  ...over,
});

const spot = instrument({});
/** Binance USD-M: linear, sizes in base units, so contractValue 1. */
const binanceUsdm = instrument({ venue: 'binance-usdm', type: 'perpetual', id: 'BTC-USDT-PERP', contractKind: 'linear' });
/** OKX BTC-USDT-SWAP: linear, 0.01 BTC a contract. */
const okxLinear = instrument({
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  id: 'BTC-USDT-PERP',
  type: 'perpetual',
  contractKind: 'linear',
  contractValue: 0.01,
});
/** OKX ETH-USD-SWAP: inverse, 10 USD a contract whatever the price. */
const okxInverse = instrument({
  venue: 'okx',
  symbol: 'ETH-USD-SWAP',
  id: 'ETH-USD-PERP',
  type: 'perpetual',
  base: 'ETH',
  quote: 'USD',
  contractKind: 'inverse',
  contractValue: 10,
});

/*
 * The reference book, mid = (99.99 + 100.01) / 2 = 100.
 * Band boundaries from mid 100:
 *   bid: 10 bps -> 99.90, 25 -> 99.75, 50 -> 99.50, 100 -> 99.00
 *   ask: 10 bps -> 100.10, 25 -> 100.25, 50 -> 100.50, 100 -> 101.00
 * 99.00 and 100.10 sit exactly on a boundary and must count.
 */
const BIDS: RawLevel[] = [
  ['99.99', '2'], // in 10
  ['99.95', '3'], // in 10
  ['99.80', '4'], // in 25
  ['99.60', '5'], // in 50
  ['99.00', '1'], // in 100 (on the boundary)
  ['98.50', '7'], // outside every band: proves all bands are covered
];
const ASKS: RawLevel[] = [
  ['100.01', '1'], // in 10
  ['100.10', '2'], // in 10 (on the boundary)
  ['100.20', '3'], // in 25
  ['100.40', '4'], // in 50
  ['100.90', '5'], // in 100
  ['101.50', '6'], // outside every band
];

const bookOf = (bids: RawLevel[], asks: RawLevel[]): OrderBook => {
  const book = new OrderBook();
  book.applySnapshot(bids, asks);
  return book;
};

describe('top-of-book metrics', () => {
  const book = bookOf(BIDS, ASKS);

  it('mid, spread and imbalance', () => {
    // mid = (99.99 + 100.01) / 2 = 100
    expect(bookMid(book)).toBeCloseTo(100, 12);
    // spread = 100.01 - 99.99 = 0.02; bps = 0.02 / 100 * 1e4 = 2
    const spread = bookSpread(book)!;
    expect(spread.abs).toBeCloseTo(0.02, 12);
    expect(spread.bps).toBeCloseTo(2, 9);
    // (2 - 1) / (2 + 1) = 1/3
    expect(topImbalance(book)).toBeCloseTo(1 / 3, 12);
  });

  it('a locked book has mid = the shared price and zero spread', () => {
    const locked = bookOf([['100', '3']], [['100', '1']]);
    expect(locked.state()).toBe('locked');
    expect(bookMid(locked)).toBe(100);
    expect(bookSpread(locked)).toEqual({ abs: 0, bps: 0 });
    // (3 - 1) / (3 + 1) = 0.5
    expect(topImbalance(locked)).toBe(0.5);
  });

  it('a crossed, empty or one-sided book has no mid, spread or imbalance', () => {
    const crossed = bookOf([['101', '1']], [['100', '1']]);
    const oneSided = bookOf([['100', '1']], []);
    for (const b of [crossed, oneSided, new OrderBook()]) {
      expect(bookMid(b)).toBeUndefined();
      expect(bookSpread(b)).toBeUndefined();
      expect(topImbalance(b)).toBeUndefined();
      expect(depthWithinBps(b, spot)).toBeUndefined();
    }
  });
});

describe('levelNotional', () => {
  it('converts each contract kind to quote notional', () => {
    // spot: 2 BTC x 30,000 = 60,000 USDT
    expect(levelNotional(spot, 30_000, 2)).toBe(60_000);
    // Binance USD-M linear, 1 BTC a unit: 2 x 1 x 30,000 = 60,000
    expect(levelNotional(binanceUsdm, 30_000, 2)).toBe(60_000);
    // OKX linear, 0.01 BTC a contract: 200 x 0.01 x 30,000 = 60,000
    expect(levelNotional(okxLinear, 30_000, 200)).toBeCloseTo(60_000, 6);
    // OKX inverse, 10 USD a contract: 6,000 x 10 = 60,000 whatever the price
    expect(levelNotional(okxInverse, 2_000, 6_000)).toBe(60_000);
    expect(levelNotional(okxInverse, 3_000, 6_000)).toBe(60_000);
  });
});

describe('depthWithinBps', () => {
  const book = bookOf(BIDS, ASKS);

  it('sums spot quote notional per band, boundaries included', () => {
    const depth = depthWithinBps(book, spot)!;
    expect(depth.bandsBps).toEqual([10, 25, 50, 100]);
    // bid 10:  2 x 99.99 + 3 x 99.95 = 199.98 + 299.85 = 499.83
    // bid 25:  499.83 + 4 x 99.80 (399.20) = 899.03
    // bid 50:  899.03 + 5 x 99.60 (498.00) = 1397.03
    // bid 100: 1397.03 + 1 x 99.00 = 1496.03 (98.50 is beyond 99.00)
    expectClose(depth.bid.notional, [499.83, 899.03, 1397.03, 1496.03]);
    // ask 10:  1 x 100.01 + 2 x 100.10 = 100.01 + 200.20 = 300.21
    // ask 25:  300.21 + 3 x 100.20 (300.60) = 600.81
    // ask 50:  600.81 + 4 x 100.40 (401.60) = 1002.41
    // ask 100: 1002.41 + 5 x 100.90 (504.50) = 1506.91
    expectClose(depth.ask.notional, [300.21, 600.81, 1002.41, 1506.91]);
    // 98.50 and 101.50 lie beyond the widest band: every band is reached.
    expect(depth.bid.covered).toEqual([true, true, true, true]);
    expect(depth.ask.covered).toEqual([true, true, true, true]);
  });

  it('scales linear contracts by contractValue x price (OKX ctVal 0.01, Binance USD-M 1)', () => {
    const okx = depthWithinBps(book, okxLinear)!;
    // The spot figures x 0.01.
    expectClose(okx.bid.notional, [4.9983, 8.9903, 13.9703, 14.9603]);
    expectClose(okx.ask.notional, [3.0021, 6.0081, 10.0241, 15.0691]);
    const usdm = depthWithinBps(book, binanceUsdm)!;
    // contractValue 1: same as spot.
    expectClose(usdm.bid.notional, [499.83, 899.03, 1397.03, 1496.03]);
    expectClose(usdm.ask.notional, [300.21, 600.81, 1002.41, 1506.91]);
  });

  it('counts inverse contracts at 10 USD each, price-independent (OKX inverse)', () => {
    const depth = depthWithinBps(book, okxInverse)!;
    // bid contracts: 10 -> 2+3 = 5; 25 -> +4 = 9; 50 -> +5 = 14; 100 -> +1 = 15; x 10 USD
    expectClose(depth.bid.notional, [50, 90, 140, 150]);
    // ask contracts: 10 -> 1+2 = 3; 25 -> +3 = 6; 50 -> +4 = 10; 100 -> +5 = 15; x 10 USD
    expectClose(depth.ask.notional, [30, 60, 100, 150]);
  });

  it('flags bands a partial book does not reach, keeping the lower bound', () => {
    // A top-3 book: the farthest bid 99.80 is inside 25 bps (99.75), the farthest ask 100.20 inside 25 bps (100.25).
    const partial = bookOf(BIDS.slice(0, 3), ASKS.slice(0, 3));
    const depth = depthWithinBps(partial, spot)!;
    expect(depth.bid.covered).toEqual([true, false, false, false]);
    expect(depth.ask.covered).toEqual([true, false, false, false]);
    // bid: 499.83 within 10; everything there is (899.03) for the rest
    expectClose(depth.bid.notional, [499.83, 899.03, 899.03, 899.03]);
    // ask: 300.21 within 10; 300.21 + 300.60 = 600.81 for the rest
    expectClose(depth.ask.notional, [300.21, 600.81, 600.81, 600.81]);
  });

  it('a book ending exactly on a boundary reaches that band', () => {
    // mid 100; farthest bid 99.00 = the 100 bps boundary, farthest ask 100.50 = the 50 bps boundary.
    const edge = bookOf([['99.99', '1'], ['99.00', '1']], [['100.01', '1'], ['100.50', '1']]);
    const depth = depthWithinBps(edge, spot)!;
    expect(depth.bid.covered).toEqual([true, true, true, true]);
    expect(depth.ask.covered).toEqual([true, true, true, false]);
    // bid 10..50: 99.99; 100: 99.99 + 99.00 = 198.99
    expectClose(depth.bid.notional, [99.99, 99.99, 99.99, 198.99]);
    // ask 10, 25: 100.01; 50, 100: 100.01 + 100.50 = 200.51
    expectClose(depth.ask.notional, [100.01, 100.01, 200.51, 200.51]);
  });

  it('accepts configurable bands in any order and an explicit mid', () => {
    expect(normalizeBands([100, 10, 25, 10, -5, NaN])).toEqual([10, 25, 100]);
    const bands = [10, 25];
    expect(normalizeBands(bands)).toBe(bands);
    // Measured from mid 99.90 instead of 100: bid 10 bps -> 99.9 x 0.999 = 99.8001, holding 99.99, 99.95.
    // (99.80 is below 99.8001.) ask 10 bps -> 99.9 x 1.001 = 99.9999: no ask inside, 100.01 is beyond.
    const depth = depthWithinBps(book, spot, [10], 99.9)!;
    expectClose(depth.bid.notional, [499.83]);
    expectClose(depth.ask.notional, [0]);
    expect(depth.ask.covered).toEqual([true]);
  });
});

describe('bookMetrics', () => {
  it('fills values and covered with the MetricSample names', () => {
    const m = bookMetrics(bookOf(BIDS, ASKS), spot);
    expect(m.state).toBe('ok');
    expect(m.values.mid).toBeCloseTo(100, 12);
    expect(m.values.spread_abs).toBeCloseTo(0.02, 12);
    expect(m.values.spread_bps).toBeCloseTo(2, 9);
    expect(m.values.imbalance).toBeCloseTo(1 / 3, 12);
    expect(m.values.depth_bid_10bps).toBeCloseTo(499.83, 9);
    expect(m.values.depth_ask_10bps).toBeCloseTo(300.21, 9);
    // thinner side within 10 bps: min(499.83, 300.21)
    expect(m.values.depth_10bps).toBeCloseTo(300.21, 9);
    expect(m.values.depth_bid_100bps).toBeCloseTo(1496.03, 9);
    expect(m.values.depth_ask_100bps).toBeCloseTo(1506.91, 9);
    expect(m.covered).toEqual({
      depth_bid_10bps: true,
      depth_ask_10bps: true,
      depth_10bps: true,
      depth_bid_25bps: true,
      depth_ask_25bps: true,
      depth_bid_50bps: true,
      depth_ask_50bps: true,
      depth_bid_100bps: true,
      depth_ask_100bps: true,
    });
  });

  it('uses the configured bands for the names', () => {
    const m = bookMetrics(bookOf(BIDS, ASKS), okxInverse, [50, 5]);
    // bid 5 bps -> 99.95: 99.99, 99.95 -> (2+3) x 10 = 50; ask 5 bps -> 100.05: 100.01 -> 1 x 10 = 10
    expect(m.values['depth_bid_5bps']).toBe(50);
    expect(m.values['depth_ask_5bps']).toBe(10);
    expect(m.values.depth_bid_50bps).toBe(140);
    expect(m.values.depth_ask_50bps).toBe(100);
    expect(m.values.depth_10bps).toBeUndefined();
    expect(Object.keys(m.values).filter((k) => k.startsWith('depth'))).toHaveLength(4);
  });

  it('depth_10bps is covered only when the minimum is exact', () => {
    // Bid reaches 10 bps (99.80 beyond 99.90), ask does not (only 100.01, 100.05):
    // bid 10 = 1 x 99.99 = 99.99 (exact); ask 10 >= 100.01 + 100.05 = 200.06 (lower bound).
    // min = 99.99 from the covered side, below the ask lower bound: exact.
    const exact = bookMetrics(bookOf([['99.99', '1'], ['99.80', '1']], [['100.01', '1'], ['100.05', '1']]), spot);
    expect(exact.values.depth_10bps).toBeCloseTo(99.99, 9);
    expect(exact.covered.depth_ask_10bps).toBe(false);
    expect(exact.covered.depth_10bps).toBe(true);
    // Now the uncovered ask is the thinner one: 1 x 100.01 = 100.01 < 10 x 99.99 = 999.9, only a lower bound.
    const bound = bookMetrics(bookOf([['99.99', '10'], ['99.80', '1']], [['100.01', '1']]), spot);
    expect(bound.values.depth_10bps).toBeCloseTo(100.01, 9);
    expect(bound.covered.depth_10bps).toBe(false);
  });

  it('gives no values for a crossed book or an empty side, but reports the state', () => {
    const crossed = bookMetrics(bookOf([['101', '1']], [['100', '1']]), spot);
    expect(crossed).toEqual({ state: 'crossed', values: {}, covered: {} });
    const oneSided = bookMetrics(bookOf(BIDS, []), spot);
    expect(oneSided).toEqual({ state: 'one_sided', values: {}, covered: {} });
    expect(bookMetrics(new OrderBook(), spot).state).toBe('empty');
  });
});

describe('basis', () => {
  it('basisBps = (a - b) / b x 1e4', () => {
    // (101 - 100) / 100 x 1e4 = 100
    expect(basisBps(101, 100)).toBeCloseTo(100, 9);
    // (99 - 100) / 100 x 1e4 = -100
    expect(basisBps(99, 100)).toBeCloseTo(-100, 9);
    expect(basisBps(1, 0)).toBeUndefined();
    expect(basisBps(undefined, 100)).toBeUndefined();
    expect(basisBps(NaN, 100)).toBeUndefined();
    // cross venue: (30,010 - 30,000) / 30,000 x 1e4 = 3.333...
    expect(crossVenueBps(30_010, 30_000)).toBeCloseTo(10 / 3, 9);
  });

  it('builds the basis family from whatever inputs exist', () => {
    const all = basisMetrics({ perpMid: 100.5, spotMid: 100, indexPrice: 100.2, markPrice: 100.25, fundingRate: 0.0001 });
    // perp vs spot: 0.5 / 100 x 1e4 = 50
    expect(all.basis_perp_spot_bps).toBeCloseTo(50, 9);
    // perp vs index: 0.3 / 100.2 x 1e4 = 29.94011976...
    expect(all.basis_perp_index_bps).toBeCloseTo(29.94011976, 6);
    // mark vs index: 0.05 / 100.2 x 1e4 = 4.99001996...
    expect(all.basis_mark_index_bps).toBeCloseTo(4.99001996, 6);
    expect(all.funding_rate).toBe(0.0001);

    expect(basisMetrics({ markPrice: 100.25, indexPrice: 100.2 })).toEqual({
      basis_mark_index_bps: expect.closeTo(4.99001996, 6),
    });
    expect(basisMetrics({ perpMid: 100.5 })).toEqual({});
    expect(basisMetrics({ fundingRate: -0.0003 })).toEqual({ funding_rate: -0.0003 });
  });
});

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
}
