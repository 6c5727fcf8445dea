import type { Instrument } from './model';
import type { OrderBook, Side } from './order-book';

/** Depth bands in bps from the mid that the console reports by default. */
export const DEFAULT_DEPTH_BANDS_BPS: readonly number[] = [10, 25, 50, 100];

/**
 * Band boundaries are widened by this relative amount so a tick-aligned level
 * that sits exactly on a boundary (mid 100.00, 10 bps -> 99.90) counts even
 * when the float product lands a hair inside it. 1e-9 is far below one tick
 * at any real price.
 */
const BOUNDARY_TOLERANCE = 1e-9;

/**
 * Quote notional of `size` at `price`:
 * spot size x price; linear size x contractValue x price;
 * inverse size x contractValue (each contract is worth a fixed quote amount).
 */
export function levelNotional(instrument: Instrument, price: number, size: number): number {
  switch (instrument.contractKind) {
    case 'spot':
      return size * price;
    case 'linear':
      return size * instrument.contractValue * price;
    case 'inverse':
      return size * instrument.contractValue;
  }
}

/** Depth of one side: quote notional within each band, and whether the book reaches the band. */
export interface SideDepth {
  /** Quote notional of the levels inside band i; a lower bound when `covered[i]` is false. */
  readonly notional: number[];
  /**
   * False when the farthest level on this side is still inside band i: a
   * partial book (e.g. top 20) cannot say how much more lies out to the
   * boundary, so the figure must not be read as the band's depth.
   */
  readonly covered: boolean[];
}

/** Depth of both sides for the same sorted bands. */
export interface BookDepth {
  /** The bands in bps, ascending, as used for `notional[i]` and `covered[i]`. */
  readonly bandsBps: readonly number[];
  readonly bid: SideDepth;
  readonly ask: SideDepth;
}

/**
 * Returns the bands ascending, unique, positive and finite; the input when it
 * already is, so a caller reusing one config pays no allocation.
 */
export function normalizeBands(bandsBps: readonly number[]): readonly number[] {
  let clean = true;
  for (let i = 0; i < bandsBps.length; i += 1) {
    const b = bandsBps[i]!;
    if (!(b > 0 && Number.isFinite(b)) || (i > 0 && !(b > bandsBps[i - 1]!))) {
      clean = false;
      break;
    }
  }
  if (clean) return bandsBps;
  const valid = bandsBps.filter((b) => b > 0 && Number.isFinite(b));
  return [...new Set(valid)].sort((a, b) => a - b);
}

/**
 * Quote notional on one side within each band around `mid`, in a single walk
 * outward from the best price. Bid levels count when price >= mid x (1 - bps/1e4),
 * ask levels when price <= mid x (1 + bps/1e4). `bandsBps` must be ascending
 * (see {@link normalizeBands}).
 */
export function sideDepthWithinBps(
  book: OrderBook,
  side: Side,
  instrument: Instrument,
  bandsBps: readonly number[],
  mid: number,
): SideDepth {
  const n = bandsBps.length;
  const notional = new Array<number>(n).fill(0);
  const covered = new Array<boolean>(n).fill(false);
  if (n === 0) return { notional, covered };
  const isBid = side === 'bid';
  const boundaries = new Array<number>(n);
  for (let i = 0; i < n; i += 1) {
    const offset = bandsBps[i]! / 1e4;
    boundaries[i] = isBid
      ? mid * (1 - offset) * (1 - BOUNDARY_TOLERANCE)
      : mid * (1 + offset) * (1 + BOUNDARY_TOLERANCE);
  }
  // Resolve the contract conversion once, not per level: notional = size x scale (x price).
  const scale = instrument.contractKind === 'spot' ? 1 : instrument.contractValue;
  const timesPrice = instrument.contractKind !== 'inverse';
  let band = 0;
  let total = 0;
  let farthest = NaN;
  book.forEachOutward(side, (level) => {
    const price = level.price;
    // A level beyond this band's boundary closes it: everything inside is summed and the book reaches it.
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
  // The walk ran out of levels: the open bands hold everything there is, and
  // they are covered only when the last level sits right on their boundary.
  for (; band < n; band += 1) {
    const edge = mid * (isBid ? 1 - bandsBps[band]! / 1e4 : 1 + bandsBps[band]! / 1e4);
    notional[band] = total;
    covered[band] = isBid
      ? farthest <= edge * (1 + BOUNDARY_TOLERANCE)
      : farthest >= edge * (1 - BOUNDARY_TOLERANCE);
  }
  return { notional, covered };
}

/**
 * Quote notional within each band on both sides, measured from `mid`
 * (the book's own mid when omitted). Undefined when there is no mid: an
 * empty, one-sided or crossed book has no meaningful bands.
 */
export function depthWithinBps(
  book: OrderBook,
  instrument: Instrument,
  bandsBps: readonly number[] = DEFAULT_DEPTH_BANDS_BPS,
  mid?: number,
): BookDepth | undefined {
  const ref = mid ?? bookMid(book);
  if (ref === undefined || !(ref > 0)) return undefined;
  const bands = normalizeBands(bandsBps);
  return {
    bandsBps: bands,
    bid: sideDepthWithinBps(book, 'bid', instrument, bands, ref),
    ask: sideDepthWithinBps(book, 'ask', instrument, bands, ref),
  };
}

/**
 * Mid price, or undefined for an empty, one-sided or crossed book. A locked
 * book (bid == ask) has a mid: the price both sides agree on.
 */
export function bookMid(book: OrderBook): number | undefined {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (bid === undefined || ask === undefined || bid.price > ask.price) return undefined;
  return (bid.price + ask.price) / 2;
}
