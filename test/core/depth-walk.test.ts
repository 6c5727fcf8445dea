/**
 * The depth walk (sideDepthWithinBps / sideDepthInto over the book's level
 * blocks) and bookMetrics against a straightforward reference: every level
 * sorted outward, filtered to the band, summed in that order. Randomized
 * books from a seeded PRNG; every figure must match exactly (Object.is).
 */
import { describe, expect, it } from 'vitest';
import type { Instrument, MetricName, RawLevel } from '../../src/shared/core/model';
import { levelDigits, OrderBook, type BookState, type Side } from '../../src/shared/core/order-book';
import { levelNotional, normalizeBands, sideDepthInto, sideDepthWithinBps } from '../../src/shared/core/depth';
import { bookMetrics } from '../../src/shared/core/metrics';
import { mulberry32 } from '../support/prng';

const TOLERANCE = 1e-9;

const base = { venue: 'okx', symbol: 'X', id: 'X', type: 'perpetual', base: 'B', quote: 'Q', tickSize: 0.01 } as const;
const INSTRUMENTS: readonly Instrument[] = [
  { ...base, type: 'spot', contractKind: 'spot', contractValue: 1 },
  { ...base, contractKind: 'linear', contractValue: 1 },
  { ...base, contractKind: 'linear', contractValue: 0.01 },
  { ...base, contractKind: 'inverse', contractValue: 10 },
  { ...base, contractKind: 'inverse', contractValue: 100 },
];

const BAND_SETS: readonly (readonly number[])[] = [
  [10, 25, 50, 100],
  [10],
  [1, 2.5, 5],
  [100, 10, 50, 25, 10], // bookMetrics normalizes
  [5, 20, 200, 1000],
  [],
];

/** A book's final contents, price -> size, kept alongside the OrderBook under test. */
interface Truth {
  readonly bid: Map<number, number>;
  readonly ask: Map<number, number>;
}

interface RefSide {
  notional: number[];
  covered: boolean[];
}

/** Levels of a side, best first. */
function outward(truth: Truth, side: Side): [price: number, size: number][] {
  const levels = [...truth[side].entries()];
  return levels.sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
}

/**
 * The reference: for each band on its own, the levels inside the widened
 * boundary summed best first; covered when some level lies beyond the
 * boundary, or when the farthest level sits on the boundary (within the
 * tolerance).
 */
function refSide(truth: Truth, side: Side, instrument: Instrument, bands: readonly number[], mid: number): RefSide {
  const levels = outward(truth, side);
  const out: RefSide = { notional: [], covered: [] };
  for (const bps of bands) {
    const bound = side === 'bid' ? mid * (1 - bps / 1e4) * (1 - TOLERANCE) : mid * (1 + bps / 1e4) * (1 + TOLERANCE);
    const inside = levels.filter(([p]) => (side === 'bid' ? p >= bound : p <= bound));
    let sum = 0;
    for (const [p, s] of inside) sum += levelNotional(instrument, p, s);
    const beyond = inside.length < levels.length;
    const edge = mid * (side === 'bid' ? 1 - bps / 1e4 : 1 + bps / 1e4);
    const farthest = levels.length === 0 ? undefined : levels[levels.length - 1]![0];
    const onEdge =
      farthest !== undefined && (side === 'bid' ? farthest <= edge * (1 + TOLERANCE) : farthest >= edge * (1 - TOLERANCE));
    out.notional.push(sum);
    out.covered.push(beyond || onEdge);
  }
  return out;
}

function refMid(truth: Truth): number | undefined {
  const bid = outward(truth, 'bid')[0];
  const ask = outward(truth, 'ask')[0];
  if (bid === undefined || ask === undefined || bid[0] > ask[0]) return undefined;
  return (bid[0] + ask[0]) / 2;
}

function refState(truth: Truth): BookState {
  const bid = outward(truth, 'bid')[0];
  const ask = outward(truth, 'ask')[0];
  if (bid === undefined && ask === undefined) return 'empty';
  if (bid === undefined || ask === undefined) return 'one_sided';
  if (bid[0] > ask[0]) return 'crossed';
  return bid[0] === ask[0] ? 'locked' : 'ok';
}

/** bookMetrics as the reference computes it, keys in the order bookMetrics has always written them. */
function refMetrics(truth: Truth, instrument: Instrument, bandsBps: readonly number[]) {
  const values: [MetricName, number][] = [];
  const covered: [MetricName, boolean][] = [];
  const mid = refMid(truth);
  if (mid !== undefined) {
    const [bp, bs] = outward(truth, 'bid')[0]!;
    const [ap, as] = outward(truth, 'ask')[0]!;
    values.push(['mid', mid], ['spread_abs', ap - bp], ['spread_bps', ((ap - bp) / mid) * 1e4], ['imbalance', (bs - as) / (bs + as)]);
    const bands = [...new Set(bandsBps.filter((b) => b > 0 && Number.isFinite(b)))].sort((a, b) => a - b);
    const bid = refSide(truth, 'bid', instrument, bands, mid);
    const ask = refSide(truth, 'ask', instrument, bands, mid);
    bands.forEach((b, i) => {
      const bn = `depth_bid_${b}bps` as MetricName;
      const an = `depth_ask_${b}bps` as MetricName;
      values.push([bn, bid.notional[i]!], [an, ask.notional[i]!]);
      covered.push([bn, bid.covered[i]!], [an, ask.covered[i]!]);
      if (b === 10) {
        const x = bid.notional[i]!;
        const y = ask.notional[i]!;
        values.push(['depth_10bps', x < y ? x : y]);
        covered.push(['depth_10bps', (bid.covered[i]! && x <= y) || (ask.covered[i]! && y <= x)]);
      }
    });
  }
  return { state: refState(truth), values, covered };
}

type Rng = () => number;
const int = (next: Rng, lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
const pick = <T>(next: Rng, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

interface Case {
  readonly book: OrderBook;
  readonly truth: Truth;
  readonly instrument: Instrument;
  readonly bands: readonly number[];
}

/**
 * A random book. Prices are whole ticks around a centre of `unit` x 1e4
 * ticks, so every whole-bps band boundary from that centre is itself a tick
 * (and is often given a level); depth, gaps, side presence and crossing
 * are drawn at random, and the book is built from strings, from numbers or
 * by incremental updates with deletes (which split and merge blocks).
 */
function randomCase(next: Rng): Case {
  const decimals = pick(next, [0, 1, 2, 4, 8]);
  const tick = Number((10 ** -decimals).toFixed(decimals));
  const unit = pick(next, [1, 2, 3, 7, 25]);
  const centre = unit * 1e4; // in ticks
  const text = (ticks: number): string => (ticks * tick).toFixed(decimals);
  const sizeText = (): string => (next() * 50 + 0.0001).toFixed(int(next, 0, 6)).replace(/^0(\.0*)?$/, '1');

  const shape = next();
  const hasBid = shape > 0.04;
  const hasAsk = shape < 0.96 || shape > 0.99;
  // Half-spread in ticks; sometimes the sides cross or lock.
  const half = next() < 0.1 ? -int(next, 0, 5) : int(next, 0, 20);
  const gap = pick(next, [1, 1, 2, 5, 40]);
  const bands = pick(next, BAND_SETS);
  const instrument = pick(next, INSTRUMENTS);

  const raw: Record<Side, RawLevel[]> = { bid: [], ask: [] };
  for (const side of ['bid', 'ask'] as const) {
    if (side === 'bid' ? !hasBid : !hasAsk) continue;
    const dir = side === 'bid' ? -1 : 1;
    const start = centre + dir * half;
    // Partial (top 5 / 20) books, books past every band, and in between.
    const count = pick(next, [1, 5, 20, int(next, 1, 300), int(next, 300, 1500)]);
    const used = new Set<number>();
    let at = start;
    for (let k = 0; k < count; k += 1) {
      if (!used.has(at)) raw[side].push([text(at), sizeText()]);
      used.add(at);
      at += dir * int(next, 1, gap);
    }
    // Levels exactly on the band boundaries measured from the centre.
    for (const bps of bands) {
      const ticks = centre + dir * unit * bps;
      if (Number.isInteger(ticks) && !used.has(ticks) && next() < 0.8 && (side === 'bid' ? ticks < start : ticks > start)) {
        raw[side].push([text(ticks), sizeText()]);
        used.add(ticks);
      }
    }
  }

  const book = new OrderBook();
  const truth: Truth = { bid: new Map(), ask: new Map() };
  const how = next();
  if (how < 0.4) {
    book.applySnapshot(raw.bid, raw.ask);
  } else if (how < 0.7) {
    const numeric = (levels: RawLevel[]): number[] =>
      levels.flatMap(([p, s]) => [Number(p), Number(s), levelDigits(decimals, s.includes('.') ? s.length - s.indexOf('.') - 1 : 0)]);
    book.applyNumericSnapshot(numeric(raw.bid), numeric(raw.ask));
  }
  if (how < 0.7) {
    for (const side of ['bid', 'ask'] as const) for (const [p, s] of raw[side]) truth[side].set(Number(p), Number(s));
  } else {
    // Shuffled inserts, some deleted at once, then some (re-)set with new sizes: splits and merges blocks.
    const apply = (side: Side, p: string, s: string): void => {
      book.applyLevel(side, p, s);
      if (Number(s) === 0) truth[side].delete(Number(p));
      else truth[side].set(Number(p), Number(s));
    };
    for (const side of ['bid', 'ask'] as const) {
      const levels = [...raw[side]];
      for (let i = levels.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [levels[i], levels[j]] = [levels[j]!, levels[i]!];
      }
      for (const [p, s] of levels) {
        apply(side, p, s);
        if (next() < 0.2) apply(side, p, '0');
      }
      for (const [p] of levels) if (next() < 0.3) apply(side, p, sizeText());
    }
  }
  return { book, truth, instrument, bands };
}

/** The walk as it was before it read the blocks: one callback per level. */
function callbackWalk(book: OrderBook, side: Side, instrument: Instrument, bandsBps: readonly number[], mid: number): RefSide {
  const n = bandsBps.length;
  const notional = new Array<number>(n).fill(0);
  const covered = new Array<boolean>(n).fill(false);
  const isBid = side === 'bid';
  const boundaries = bandsBps.map((b) => (isBid ? mid * (1 - b / 1e4) * (1 - TOLERANCE) : mid * (1 + b / 1e4) * (1 + TOLERANCE)));
  const scale = instrument.contractKind === 'spot' ? 1 : instrument.contractValue;
  const timesPrice = instrument.contractKind !== 'inverse';
  let band = 0;
  let total = 0;
  let farthest = NaN;
  if (n > 0) {
    book.forEachOutward(side, (level) => {
      const price = level.price;
      while (band < n && (isBid ? price < boundaries[band]! : price > boundaries[band]!)) {
        notional[band] = total;
        covered[band] = true;
        band += 1;
      }
      if (band === n) return false;
      total += timesPrice ? level.size * scale * price : level.size * scale;
      farthest = price;
      return true;
    });
  }
  for (; band < n; band += 1) {
    const edge = mid * (isBid ? 1 - bandsBps[band]! / 1e4 : 1 + bandsBps[band]! / 1e4);
    notional[band] = total;
    covered[band] = isBid ? farthest <= edge * (1 + TOLERANCE) : farthest >= edge * (1 - TOLERANCE);
  }
  return { notional, covered };
}

function expectSame(actual: RefSide, expected: RefSide, what: string): void {
  expect(actual.notional.length, what).toBe(expected.notional.length);
  for (let i = 0; i < expected.notional.length; i += 1) {
    expect(Object.is(actual.notional[i], expected.notional[i]), `${what} notional[${i}] ${actual.notional[i]} vs ${expected.notional[i]}`).toBe(true);
    expect(actual.covered[i], `${what} covered[${i}]`).toBe(expected.covered[i]);
  }
}

const CASES = 1500;

describe('depth walk over the level blocks', () => {
  it('matches the sort-filter-sum reference and the callback walk exactly on random books', () => {
    const next = mulberry32(0x5eed_0411);
    // What the cases exercised, so a generator change cannot quietly stop covering them.
    const seen = { onBoundary: 0, tolerance: 0, partial: 0, beyondAll: 0, noMid: 0, locked: 0, kinds: new Set<string>() };
    for (let c = 0; c < CASES; c += 1) {
      const { book, truth, instrument, bands: given } = randomCase(next);
      const bands = normalizeBands(given);
      const mid = refMid(truth);
      if (mid === undefined) seen.noMid += 1;
      if (refState(truth) === 'locked') seen.locked += 1;
      seen.kinds.add(instrument.contractKind);
      // Walk from the book's mid, and (one-sided or crossed books included) from a mid given by the caller.
      const mids = mid === undefined ? [Number(outward(truth, 'bid')[0]?.[0] ?? outward(truth, 'ask')[0]?.[0] ?? 100)] : [mid];
      for (const m of mids) {
        for (const side of ['bid', 'ask'] as const) {
          const what = `case ${c} ${side} ${instrument.contractKind} bands ${bands.join(',')} mid ${m}`;
          const expected = refSide(truth, side, instrument, bands, m);
          expectSame(sideDepthWithinBps(book, side, instrument, bands, m), expected, what);
          expectSame(callbackWalk(book, side, instrument, bands, m), expected, `${what} (callback walk)`);
          // The allocation-free form, written at an offset into dirty arrays.
          const notional = new Float64Array(bands.length + 3).fill(-1);
          const covered = new Uint8Array(bands.length + 3).fill(7);
          sideDepthInto(book, side, instrument, bands, m, notional, covered, 2);
          expectSame({ notional: [...notional.subarray(2, 2 + bands.length)], covered: [...covered.subarray(2, 2 + bands.length)].map((x) => x === 1) }, expected, `${what} (into)`);
          expect(notional[0]).toBe(-1);
          expect(notional[bands.length + 2]).toBe(-1);

          const levels = outward(truth, side);
          for (let i = 0; i < bands.length; i += 1) {
            const bps = bands[i]!;
            const edge = m * (side === 'bid' ? 1 - bps / 1e4 : 1 + bps / 1e4);
            const bound = side === 'bid' ? edge * (1 - TOLERANCE) : edge * (1 + TOLERANCE);
            if (levels.some(([p]) => Math.abs(p - edge) <= Math.abs(edge) * 1e-12)) seen.onBoundary += 1;
            // Counted only through the tolerance: inside the widened boundary, outside the plain one.
            if (levels.some(([p]) => (side === 'bid' ? p >= bound && p < edge : p <= bound && p > edge))) seen.tolerance += 1;
            if (!expected.covered[i]) seen.partial += 1;
          }
          if (bands.length > 0 && expected.covered[bands.length - 1]) seen.beyondAll += 1;
        }
      }
      // bookMetrics: same state, same keys in the same order, same figures.
      const metrics = bookMetrics(book, instrument, given);
      const ref = refMetrics(truth, instrument, given);
      expect(metrics.state, `case ${c}`).toBe(ref.state);
      expect(Object.keys(metrics.values), `case ${c}`).toEqual(ref.values.map(([k]) => k));
      expect(Object.keys(metrics.covered), `case ${c}`).toEqual(ref.covered.map(([k]) => k));
      for (const [k, v] of ref.values) expect(Object.is(metrics.values[k], v), `case ${c} ${k} ${metrics.values[k]} vs ${v}`).toBe(true);
      for (const [k, v] of ref.covered) expect(metrics.covered[k], `case ${c} ${k}`).toBe(v);
    }
    expect(seen.kinds.size).toBe(3);
    expect(seen.onBoundary).toBeGreaterThan(200);
    expect(seen.tolerance).toBeGreaterThan(20);
    expect(seen.partial).toBeGreaterThan(200);
    expect(seen.beyondAll).toBeGreaterThan(200);
    expect(seen.noMid).toBeGreaterThan(20);
    expect(seen.locked).toBeGreaterThan(5);
  });

  it('returns fresh records each call: a later sample does not change an earlier one', () => {
    const book = new OrderBook();
    book.applySnapshot(
      [['99.99', '2'], ['99.90', '3'], ['99.00', '1']],
      [['100.01', '2'], ['100.10', '3'], ['101.00', '1']],
    );
    const spot = INSTRUMENTS[0]!;
    const first = bookMetrics(book, spot);
    const snapshot = { values: { ...first.values }, covered: { ...first.covered } };
    book.applyLevel('bid', '99.95', '50');
    book.applyLevel('ask', '100.05', '70');
    const second = bookMetrics(book, spot);
    expect(second.values).not.toBe(first.values);
    expect(second.covered).not.toBe(first.covered);
    expect(first.values).toEqual(snapshot.values);
    expect(first.covered).toEqual(snapshot.covered);
    expect(second.values.depth_bid_10bps).toBe(2 * 99.99 + 50 * 99.95 + 3 * 99.9);
    const a = sideDepthWithinBps(book, 'bid', spot, [10, 100], 100);
    const b = sideDepthWithinBps(book, 'bid', spot, [10, 100], 100);
    expect(a.notional).not.toBe(b.notional);
    expect(a).toEqual(b);
  });
});
