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
  const out = scratchFor(n);
  sideDepthInto(book, side, instrument, bandsBps, mid, out.notional, out.covered, 0);
  for (let i = 0; i < n; i += 1) {
    notional[i] = out.notional[i]!;
    covered[i] = out.covered[i] === 1;
  }
  return { notional, covered };
}

/** Reusable output of {@link sideDepthWithinBps}: one walk's figures before they are copied out. */
let sideScratch = { notional: new Float64Array(8), covered: new Uint8Array(8) };

function scratchFor(n: number): { notional: Float64Array; covered: Uint8Array } {
  if (sideScratch.notional.length < n) sideScratch = { notional: new Float64Array(n), covered: new Uint8Array(n) };
  return sideScratch;
}

/** Band boundaries of the current walk, reused across walks (a walk never calls out, so nothing can interleave). */
let boundaries = new Float64Array(8);

/**
 * {@link sideDepthWithinBps} without allocating: writes band i's notional to
 * `notional[offset + i]` and its covered flag (1 or 0) to `covered[offset + i]`.
 * The same figures bit for bit: levels are summed in the same order (outward
 * from the best price) with the same boundary tolerance, in a plain index
 * loop over the book's level blocks instead of a callback per level.
 */
export function sideDepthInto(
  book: OrderBook,
  side: Side,
  instrument: Instrument,
  bandsBps: readonly number[],
  mid: number,
  notional: Float64Array,
  covered: Uint8Array,
  offset: number,
): void {
  const n = bandsBps.length;
  if (n === 0) return;
  const isBid = side === 'bid';
  if (boundaries.length < n) boundaries = new Float64Array(n);
  const bounds = boundaries;
  for (let i = 0; i < n; i += 1) {
    const off = bandsBps[i]! / 1e4;
    bounds[i] = isBid ? mid * (1 - off) * (1 - BOUNDARY_TOLERANCE) : mid * (1 + off) * (1 + BOUNDARY_TOLERANCE);
  }
  // Resolve the contract conversion once, not per level: notional = size x scale (x price).
  const scale = instrument.contractKind === 'spot' ? 1 : instrument.contractValue;
  const timesPrice = instrument.contractKind !== 'inverse';
  const blocks = book.levelBlocks(side);
  let band = 0;
  let total = 0;
  let farthest = NaN;
  let bound = bounds[0]!;
  if (isBid) {
    // Bids outward: blocks from the last, each from its last level.
    outer: for (let b = blocks.length - 1; b >= 0; b -= 1) {
      const block = blocks[b]!;
      for (let i = block.length - 1; i >= 0; i -= 1) {
        const level = block[i]!;
        const price = level.price;
        // A level beyond this band's boundary closes it (and any wider band it is also beyond).
        if (price < bound) {
          do {
            notional[offset + band] = total;
            covered[offset + band] = 1;
            band += 1;
          } while (band < n && price < bounds[band]!);
          if (band === n) break outer;
          bound = bounds[band]!;
        }
        total += timesPrice ? level.size * scale * price : level.size * scale;
        farthest = price;
      }
    }
  } else {
    outer: for (let b = 0; b < blocks.length; b += 1) {
      const block = blocks[b]!;
      for (let i = 0; i < block.length; i += 1) {
        const level = block[i]!;
        const price = level.price;
        if (price > bound) {
          do {
            notional[offset + band] = total;
            covered[offset + band] = 1;
            band += 1;
          } while (band < n && price > bounds[band]!);
          if (band === n) break outer;
          bound = bounds[band]!;
        }
        total += timesPrice ? level.size * scale * price : level.size * scale;
        farthest = price;
      }
    }
  }
  // The walk ran out of levels: the open bands hold everything there is, and
  // they are covered only when the last level sits right on their boundary.
  for (; band < n; band += 1) {
    const edge = mid * (isBid ? 1 - bandsBps[band]! / 1e4 : 1 + bandsBps[band]! / 1e4);
    notional[offset + band] = total;
    covered[offset + band] = (isBid ? farthest <= edge * (1 + BOUNDARY_TOLERANCE) : farthest >= edge * (1 - BOUNDARY_TOLERANCE)) ? 1 : 0;
  }
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
