import type { BookSnapshotEvent } from '../../shared/core/model';
import type { OrderBook, Side } from '../../shared/core/order-book';

/**
 * The price range a REST snapshot vouches for, per side: every level from
 * the best price out to the snapshot's deepest one. A venue's snapshot of
 * `sz` levels says nothing of the levels beyond its last, so only the range
 * is compared. An empty side vouches for the whole side (the venue has none).
 */
export interface SnapshotRange {
  /** Lowest bid price the snapshot holds; -Infinity when it holds no bid. */
  readonly bidFloor: number;
  /** Highest ask price the snapshot holds; Infinity when it holds no ask. */
  readonly askCeiling: number;
}

/** Where a live book first differs from the venue's snapshot. */
export interface DepthDifference {
  readonly side: Side;
  /** 0 for the best level of the side, counted over the union of both books' prices. */
  readonly level: number;
  readonly price: number;
  /** Size in the live book, undefined when the live book lacks the level. */
  readonly liveSize: number | undefined;
  /** Size in the venue's snapshot, undefined when the venue has no such level. */
  readonly venueSize: number | undefined;
}

/** The range of a REST snapshot (its levels as sent; unparseable ones are the book's to reject). */
export function snapshotRange(snapshot: BookSnapshotEvent): SnapshotRange {
  let bidFloor = Infinity;
  for (const [price] of snapshot.bids) bidFloor = Math.min(bidFloor, Number(price));
  let askCeiling = -Infinity;
  for (const [price] of snapshot.asks) askCeiling = Math.max(askCeiling, Number(price));
  return {
    bidFloor: snapshot.bids.length === 0 ? -Infinity : bidFloor,
    askCeiling: snapshot.asks.length === 0 ? Infinity : askCeiling,
  };
}

/**
 * Compares two books level by level (price and size, as numbers) within the
 * snapshot's range: null when they agree, else the first difference, best
 * price first, bids before asks. Both books must stand at the same
 * sequence point; the caller sees to that.
 */
export function firstDepthDifference(live: OrderBook, venue: OrderBook, range: SnapshotRange): DepthDifference | null {
  return sideDifference(live, venue, 'bid', range.bidFloor) ?? sideDifference(live, venue, 'ask', range.askCeiling);
}

function sideDifference(live: OrderBook, venue: OrderBook, side: Side, limit: number): DepthDifference | null {
  const inRange = side === 'bid' ? (price: number) => price >= limit : (price: number) => price <= limit;
  const mine = levelsWithin(live, side, inRange);
  const theirs = levelsWithin(venue, side, inRange);
  // Merge walk from the best price outward: bids fall, asks rise.
  const better = side === 'bid' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  let i = 0;
  let j = 0;
  let level = 0;
  while (i < mine.length || j < theirs.length) {
    const a = mine[i];
    const b = theirs[j];
    if (a !== undefined && b !== undefined && a[0] === b[0]) {
      if (a[1] !== b[1]) return { side, level, price: a[0], liveSize: a[1], venueSize: b[1] };
      i += 1;
      j += 1;
    } else if (b === undefined || (a !== undefined && better(a[0], b[0]))) {
      return { side, level, price: a![0], liveSize: a![1], venueSize: undefined };
    } else {
      return { side, level, price: b[0], liveSize: undefined, venueSize: b[1] };
    }
    level += 1;
  }
  return null;
}

function levelsWithin(book: OrderBook, side: Side, inRange: (price: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  book.forEachOutward(side, (level) => {
    if (!inRange(level.price)) return false;
    out.push([level.price, level.size]);
    return true;
  });
  return out;
}

/** A difference in words, for the feed event and the log: `bid 99.5 (level 37): book 12, venue 5`. */
export function describeDifference(d: DepthDifference): string {
  const size = (s: number | undefined) => (s === undefined ? 'none' : String(s));
  return `${d.side} ${d.price} (level ${d.level + 1}): book ${size(d.liveSize)}, venue ${size(d.venueSize)}`;
}
