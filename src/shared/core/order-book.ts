import type { RawLevel } from './model';
import { SortedLevels } from './sorted-levels';

/** Which side of the book. */
export type Side = 'bid' | 'ask';

/**
 * One price level. `priceText` and `sizeText` are the exchange's original
 * strings (OKX checksums are computed over them), `price` and `size` their
 * parsed values.
 */
export interface BookLevel {
  readonly price: number;
  readonly size: number;
  readonly priceText: string;
  readonly sizeText: string;
}

/**
 * What the book looks like right now. Crossed and locked books are reported,
 * never repaired: they mean a missed delta or a venue problem, and the caller
 * decides whether to resync.
 */
export type BookState = 'ok' | 'empty' | 'one_sided' | 'crossed' | 'locked';

/** The level record the book mutates in place, so a size update allocates nothing. */
interface MutableLevel {
  readonly price: number;
  size: number;
  priceText: string;
  sizeText: string;
}

/**
 * Parses a price or size string; NaN for anything the book must reject:
 * empty, not a number, infinite or negative. `Number('')` is 0, so the
 * empty string needs its own check.
 */
export function parseLevelNumber(text: string): number {
  if (text.length === 0) return NaN;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : NaN;
}

class BookSide {
  readonly byPrice = new Map<number, MutableLevel>();
  readonly sorted = new SortedLevels<MutableLevel>();

  constructor(private readonly descending: boolean) {}

  best(): MutableLevel | undefined {
    return this.descending ? this.sorted.last() : this.sorted.first();
  }

  /** Sets or deletes one level from already validated numbers. */
  set(price: number, size: number, priceText: string, sizeText: string): void {
    const existing = this.byPrice.get(price);
    if (size === 0) {
      if (existing !== undefined) {
        this.byPrice.delete(price);
        this.sorted.remove(price);
      }
      return;
    }
    if (existing !== undefined) {
      // Same price may arrive as "7.612" then "7.6120": keep the latest text.
      existing.size = size;
      existing.priceText = priceText;
      existing.sizeText = sizeText;
      return;
    }
    const level: MutableLevel = { price, size, priceText, sizeText };
    this.byPrice.set(price, level);
    this.sorted.insert(level);
  }

  forEachOutward(fn: (level: MutableLevel) => boolean): void {
    if (this.descending) this.sorted.forEachDescending(fn);
    else this.sorted.forEachAscending(fn);
  }

  clear(): void {
    this.byPrice.clear();
    this.sorted.clear();
  }

  /**
   * Rebuilds from a snapshot's validated levels in one sort instead of n
   * inserts. Exchanges send snapshots sorted, which TimSort handles in one
   * linear pass; a repeated price keeps its last entry, a zero size drops it.
   */
  load(levels: readonly MutableLevel[]): void {
    const byPrice = this.byPrice;
    byPrice.clear();
    for (let i = 0; i < levels.length; i += 1) {
      const level = levels[i]!;
      if (level.size === 0) byPrice.delete(level.price);
      else byPrice.set(level.price, level);
    }
    const items = [...byPrice.values()];
    // Snapshots arrive best first: bids descending, asks ascending. Check before sorting.
    if (isStrictlyOrdered(items, -1)) items.reverse();
    else if (!isStrictlyOrdered(items, 1)) items.sort((a, b) => a.price - b.price);
    this.sorted.reset(items);
  }
}

/**
 * A pure L2 order book: a price -> level hash map per side for O(1) updates
 * of existing levels, plus a chunked sorted list for O(log n + B) inserts and
 * deletes, O(1) best price and in-order walks. Invalid levels are rejected
 * (counted by the caller), never thrown and never applied.
 */
export class OrderBook {
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);

  /**
   * `maxLevelsPerSide` bounds memory against a venue (or an impostor) that
   * keeps adding levels: the book does not refuse them itself, since the
   * message that crosses the cap is already half in, but reports
   * `overflowing()` and the sync throws the book away.
   */
  constructor(readonly maxLevelsPerSide = Number.POSITIVE_INFINITY) {}

  /** A side holds more levels than `maxLevelsPerSide`. */
  overflowing(): boolean {
    return this.bids.sorted.size > this.maxLevelsPerSide || this.asks.sorted.size > this.maxLevelsPerSide;
  }

  /**
   * Replaces the whole book. Zero-size levels are skipped; a price repeated
   * within one side keeps its last occurrence. Returns how many levels were
   * rejected as invalid.
   */
  applySnapshot(bids: readonly RawLevel[], asks: readonly RawLevel[]): number {
    return loadSide(this.bids, bids) + loadSide(this.asks, asks);
  }

  /**
   * Sets one level; a size that parses to zero ("0", "0.000") deletes it,
   * also when the level is absent. Returns false, leaving the book unchanged,
   * for an empty, non-numeric, non-finite or negative value, or a zero price.
   */
  applyLevel(side: Side, price: string, size: string): boolean {
    const p = parseLevelNumber(price);
    const s = parseLevelNumber(size);
    // A zero price cannot be a real quote and would put the mid and bps math at 0.
    if (!(p > 0) || Number.isNaN(s)) return false;
    (side === 'bid' ? this.bids : this.asks).set(p, s, price, size);
    return true;
  }

  /** Applies a batch of levels to one side; returns how many were rejected. */
  applyLevels(side: Side, levels: readonly RawLevel[]): number {
    let rejected = 0;
    for (let i = 0; i < levels.length; i += 1) {
      const level = levels[i]!;
      if (!this.applyLevel(side, level[0], level[1])) rejected += 1;
    }
    return rejected;
  }

  /** Empties both sides. */
  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /**
   * Highest bid, O(1). A live view: valid until the next change to the book;
   * copy it to keep it.
   */
  bestBid(): BookLevel | undefined {
    return this.bids.best();
  }

  /** Lowest ask, O(1). A live view like {@link bestBid}. */
  bestAsk(): BookLevel | undefined {
    return this.asks.best();
  }

  /** Best level of a side. A live view like {@link bestBid}. */
  best(side: Side): BookLevel | undefined {
    return (side === 'bid' ? this.bids : this.asks).best();
  }

  /** Number of levels on a side. */
  levelCount(side: Side): number {
    return (side === 'bid' ? this.bids : this.asks).sorted.size;
  }

  /**
   * The best `n` levels of a side, best first, as copies with the original
   * strings (what an OKX checksum over the top 25 needs).
   */
  top(side: Side, n: number): BookLevel[] {
    const out: BookLevel[] = [];
    if (n <= 0) return out;
    (side === 'bid' ? this.bids : this.asks).forEachOutward((level) => {
      out.push({ price: level.price, size: level.size, priceText: level.priceText, sizeText: level.sizeText });
      return out.length < n;
    });
    return out;
  }

  /**
   * Walks a side from the best price outward until `fn` returns false; the
   * allocation-free way to read depth. Levels are live views: do not keep them
   * and do not change the book during the walk.
   */
  forEachOutward(side: Side, fn: (level: BookLevel) => boolean): void {
    (side === 'bid' ? this.bids : this.asks).forEachOutward(fn);
  }

  /** Empty, one-sided, crossed (best bid > best ask), locked (equal) or ok. */
  state(): BookState {
    const bid = this.bids.best();
    const ask = this.asks.best();
    if (bid === undefined && ask === undefined) return 'empty';
    if (bid === undefined || ask === undefined) return 'one_sided';
    if (bid.price > ask.price) return 'crossed';
    if (bid.price === ask.price) return 'locked';
    return 'ok';
  }
}

/** True when prices strictly rise (direction 1) or strictly fall (-1). */
function isStrictlyOrdered(items: readonly MutableLevel[], direction: 1 | -1): boolean {
  for (let i = 1; i < items.length; i += 1) {
    if ((items[i]!.price - items[i - 1]!.price) * direction <= 0) return false;
  }
  return true;
}

function loadSide(side: BookSide, raw: readonly RawLevel[]): number {
  let rejected = 0;
  const levels: MutableLevel[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const [priceText, sizeText] = raw[i]!;
    const price = parseLevelNumber(priceText);
    const size = parseLevelNumber(sizeText);
    if (!(price > 0) || Number.isNaN(size)) {
      rejected += 1;
      continue;
    }
    levels.push({ price, size, priceText, sizeText });
  }
  side.load(levels);
  return rejected;
}
