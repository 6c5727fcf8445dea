/**
 * Book metrics: pure functions of an {@link OrderBook} and its
 * {@link Instrument}. A book that cannot give a value (empty, one-sided,
 * crossed) yields undefined instead of a number that looks plausible.
 */
import type { Instrument, MetricName } from './model';
import type { BookState, OrderBook } from './order-book';
import { DEFAULT_DEPTH_BANDS_BPS, normalizeBands, sideDepthInto } from './depth';

export { bookMid } from './depth';

/** Spread of a book, absolute (quote) and relative to the mid. */
export interface Spread {
  readonly abs: number;
  /** spread / mid x 1e4. */
  readonly bps: number;
}

/** Best ask - best bid, absolute and in bps of the mid; undefined without a mid (empty, one-sided, crossed). */
export function bookSpread(book: OrderBook): Spread | undefined {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (bid === undefined || ask === undefined || bid.price > ask.price) return undefined;
  const abs = ask.price - bid.price;
  const mid = (bid.price + ask.price) / 2;
  return { abs, bps: (abs / mid) * 1e4 };
}

/**
 * Top-of-book imbalance (bidSize - askSize) / (bidSize + askSize), in [-1, 1]:
 * positive when the best bid is the heavier side. Sizes are compared as sent
 * (both sides share units). Undefined without a mid.
 */
export function topImbalance(book: OrderBook): number | undefined {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (bid === undefined || ask === undefined || bid.price > ask.price) return undefined;
  return (bid.size - ask.size) / (bid.size + ask.size);
}

/** Metric name of the depth within `bps` on one side: `depth_bid_25bps`. */
export function depthMetricName(side: 'bid' | 'ask', bps: number): MetricName {
  return `depth_${side}_${bps}bps`;
}

/** The metrics of one book, shaped to fill `MetricSample.values` and `.covered`. */
export interface BookMetrics {
  readonly state: BookState;
  readonly values: Partial<Record<MetricName, number>>;
  /** One entry per depth metric present in `values`: false when the book does not reach that band. */
  readonly covered: Partial<Record<MetricName, boolean>>;
}

/** Cached metric names per band so a sample does not rebuild the same strings. */
const bandNames = new Map<number, readonly [bid: MetricName, ask: MetricName]>();

function namesFor(bps: number): readonly [MetricName, MetricName] {
  let names = bandNames.get(bps);
  if (names === undefined) {
    names = [depthMetricName('bid', bps), depthMetricName('ask', bps)];
    bandNames.set(bps, names);
  }
  return names;
}

/**
 * mid, spread_abs, spread_bps, imbalance, depth_bid_<b>bps and
 * depth_ask_<b>bps for every band, and depth_10bps (the thinner side within
 * 10 bps) when 10 is one of the bands. Each side is walked once for all
 * bands. Depth is quote notional (see `levelNotional`); an uncovered band
 * keeps its lower-bound value with `covered` false. Without a mid (empty,
 * one-sided, crossed) `values` is empty.
 */
export function bookMetrics(
  book: OrderBook,
  instrument: Instrument,
  bandsBps: readonly number[] = DEFAULT_DEPTH_BANDS_BPS,
): BookMetrics {
  const values: Partial<Record<MetricName, number>> = {};
  const covered: Partial<Record<MetricName, boolean>> = {};
  const bid = book.bestBid();
  const ask = book.bestAsk();
  // book.state(), from the best levels already at hand.
  if (bid === undefined || ask === undefined) {
    return { state: bid === undefined && ask === undefined ? 'empty' : 'one_sided', values, covered };
  }
  const bidPrice = bid.price;
  const askPrice = ask.price;
  if (bidPrice > askPrice) return { state: 'crossed', values, covered };
  const state: BookState = bidPrice === askPrice ? 'locked' : 'ok';

  const mid = (bidPrice + askPrice) / 2;
  const spreadAbs = askPrice - bidPrice;
  values.mid = mid;
  values.spread_abs = spreadAbs;
  values.spread_bps = (spreadAbs / mid) * 1e4;
  values.imbalance = (bid.size - ask.size) / (bid.size + ask.size);

  const bands = normalizeBands(bandsBps);
  const n = bands.length;
  if (depthNotional.length < 2 * n) {
    depthNotional = new Float64Array(2 * n);
    depthCovered = new Uint8Array(2 * n);
  }
  // Bid figures at [0, n), ask figures at [n, 2n).
  const notional = depthNotional;
  const reaches = depthCovered;
  sideDepthInto(book, 'bid', instrument, bands, mid, notional, reaches, 0);
  sideDepthInto(book, 'ask', instrument, bands, mid, notional, reaches, n);
  const names = namesOf(bands);
  for (let i = 0; i < n; i += 1) {
    const bidName = names[2 * i]!;
    const askName = names[2 * i + 1]!;
    const bidValue = notional[i]!;
    const askValue = notional[n + i]!;
    const bidCovered = reaches[i] === 1;
    const askCovered = reaches[n + i] === 1;
    values[bidName] = bidValue;
    values[askName] = askValue;
    covered[bidName] = bidCovered;
    covered[askName] = askCovered;
    if (bands[i] === 10) {
      values.depth_10bps = Math.min(bidValue, askValue);
      covered.depth_10bps = thinnerCovered(bidValue, bidCovered, askValue, askCovered);
    }
  }
  return { state, values, covered };
}

/** Reused depth figures of the book being sampled; copied into the fresh records before bookMetrics returns. */
let depthNotional = new Float64Array(8);
let depthCovered = new Uint8Array(8);

/** The bands last seen (a copy) and their names, bid then ask per band: callers pass the same config every time. */
let lastBands: number[] = [];
let lastNames: MetricName[] = [];

function namesOf(bands: readonly number[]): readonly MetricName[] {
  let same = bands.length === lastBands.length;
  for (let i = 0; same && i < bands.length; i += 1) same = bands[i] === lastBands[i];
  if (same) return lastNames;
  const names: MetricName[] = [];
  for (let i = 0; i < bands.length; i += 1) names.push(...namesFor(bands[i]!));
  lastBands = [...bands];
  lastNames = names;
  return names;
}

/**
 * Whether the smaller of two side depths (Math.min of the two) is exact. An
 * uncovered side is only a lower bound, so the minimum is exact only when it
 * comes from a covered side that is no larger than the other side's lower bound.
 */
function thinnerCovered(bid: number, bidCovered: boolean, ask: number, askCovered: boolean): boolean {
  return (bidCovered && bid <= ask) || (askCovered && ask <= bid);
}
