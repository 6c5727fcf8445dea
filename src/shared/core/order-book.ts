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

/**
 * Levels given as numbers ({@link OrderBook.applyNumericLevels}): a flat list
 * of triples `price, size, digits`, where `digits` is
 * {@link levelDigits}`(priceDigits, sizeDigits)`, the fraction digits the
 * exchange wrote each number with. The exchange's text is then
 * `price.toFixed(priceDigits)`: exact for a plain decimal of at most 15
 * digits without leading zeros (its double is within far less than half a
 * unit of its last digit, and toFixed rounds the double's exact value), which
 * is all the decoders hand over this way (docs/decoder.md).
 */
export type NumericLevels = readonly number[];

/** Fraction digits are below this: digits = priceDigits * DIGITS_BASE + sizeDigits. */
export const DIGITS_BASE = 32;
/** Most fraction digits a numeric level may say (toFixed takes up to 100; the decoders send 15 at most). */
const MAX_FRACTION_DIGITS = 20;

/** The `digits` entry of a numeric level: how many fraction digits its price and size texts have. */
export function levelDigits(priceDigits: number, sizeDigits: number): number {
  return priceDigits * DIGITS_BASE + sizeDigits;
}

/**
 * The level record the book mutates in place, so a size update allocates
 * nothing. Its texts are kept as given, or, for levels given as numbers,
 * made on first read from the value and its fraction digits (most levels of
 * a Binance book are never read as text; OKX's checksum reads its top 25).
 */
class Level implements BookLevel {
  constructor(
    readonly price: number,
    public size: number,
    private priceString: string | undefined,
    private sizeString: string | undefined,
    private priceDigits: number,
    private sizeDigits: number,
  ) {}

  get priceText(): string {
    return (this.priceString ??= this.price.toFixed(this.priceDigits));
  }

  get sizeText(): string {
    return (this.sizeString ??= this.size.toFixed(this.sizeDigits));
  }

  /** A new size; the texts are the latest message's (the same price may arrive as "7.612" then "7.6120"). */
  update(size: number, priceText: string | undefined, sizeText: string | undefined, priceDigits: number, sizeDigits: number): void {
    this.size = size;
    this.priceString = priceText;
    this.sizeString = sizeText;
    this.priceDigits = priceDigits;
    this.sizeDigits = sizeDigits;
  }
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
  readonly byPrice = new Map<number, Level>();
  readonly sorted = new SortedLevels<Level>();

  constructor(private readonly descending: boolean) {}

  best(): Level | undefined {
    return this.descending ? this.sorted.last() : this.sorted.first();
  }

  /**
   * Sets or deletes one level from already validated numbers, with its texts
   * or (undefined texts) their fraction digits.
   */
  set(price: number, size: number, priceText: string | undefined, sizeText: string | undefined, priceDigits: number, sizeDigits: number): void {
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
      existing.update(size, priceText, sizeText, priceDigits, sizeDigits);
      return;
    }
    const level = new Level(price, size, priceText, sizeText, priceDigits, sizeDigits);
    this.byPrice.set(price, level);
    this.sorted.insert(level);
  }

  forEachOutward(fn: (level: Level) => boolean): void {
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
  load(levels: readonly Level[]): void {
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

  private changes = 0;

  /**
   * Counts the calls that may have changed the book: figures measured at one
   * version hold while it stays the same (a sampler's cache), so every
   * mutator below bumps it before touching a side.
   */
  get version(): number {
    return this.changes;
  }

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
    this.changes += 1;
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
    this.changes += 1;
    (side === 'bid' ? this.bids : this.asks).set(p, s, price, size, 0, 0);
    return true;
  }

  /**
   * Replaces the whole book from levels given as numbers
   * ({@link NumericLevels}), as {@link applySnapshot} does from strings:
   * the same levels give the same book, texts included. Returns how many
   * levels were rejected (not a positive finite price, not a finite
   * non-negative size, bad digits).
   */
  applyNumericSnapshot(bids: NumericLevels, asks: NumericLevels): number {
    this.changes += 1;
    return loadNumericSide(this.bids, bids) + loadNumericSide(this.asks, asks);
  }

  /**
   * Applies levels given as numbers ({@link NumericLevels}) to one side, as
   * {@link applyLevels} does from strings; returns how many were rejected.
   */
  applyNumericLevels(side: Side, levels: NumericLevels): number {
    this.changes += 1;
    const target = side === 'bid' ? this.bids : this.asks;
    const { count, rejected } = validTriples(levels);
    for (let i = 0; i < count; i += 1) {
      const digits = scratch[i * 3 + 2]!;
      const priceDigits = Math.floor(digits / DIGITS_BASE);
      target.set(scratch[i * 3]!, scratch[i * 3 + 1]!, undefined, undefined, priceDigits, digits - priceDigits * DIGITS_BASE);
    }
    return rejected;
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
    this.changes += 1;
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

  /**
   * The levels of a side as the sorted list's blocks, ascending by price
   * within and across blocks (so bids read outward from the last level of
   * the last block backward, asks from the first forward). A live read-only
   * view like {@link forEachOutward}, for loops that a callback per level
   * would slow down: do not keep it and do not change the book while reading.
   */
  levelBlocks(side: Side): readonly (readonly BookLevel[])[] {
    return (side === 'bid' ? this.bids : this.asks).sorted.blockView();
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
function isStrictlyOrdered(items: readonly Level[], direction: 1 | -1): boolean {
  for (let i = 1; i < items.length; i += 1) {
    if ((items[i]!.price - items[i - 1]!.price) * direction <= 0) return false;
  }
  return true;
}

function loadSide(side: BookSide, raw: readonly RawLevel[]): number {
  let rejected = 0;
  const levels: Level[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const [priceText, sizeText] = raw[i]!;
    const price = parseLevelNumber(priceText);
    const size = parseLevelNumber(sizeText);
    if (!(price > 0) || Number.isNaN(size)) {
      rejected += 1;
      continue;
    }
    levels.push(new Level(price, size, priceText, sizeText, 0, 0));
  }
  side.load(levels);
  return rejected;
}

/** The book's rule for a level given as numbers: the string rule's, on values (and digits toFixed can write). */
function numericLevelValid(price: number, size: number, digits: number): boolean {
  return (
    price > 0 &&
    price < Infinity &&
    size >= 0 &&
    size < Infinity &&
    Number.isInteger(digits) &&
    digits >= 0 &&
    Math.floor(digits / DIGITS_BASE) <= MAX_FRACTION_DIGITS &&
    digits % DIGITS_BASE <= MAX_FRACTION_DIGITS
  );
}

/** The valid triples of the message being applied, reused (a book is used on one thread, one message at a time). */
const scratch: number[] = [];

/**
 * Copies the valid (price, size, digits) triples of `raw` into `scratch`, in
 * order; a trailing part of a triple is one level that cannot be read.
 */
function validTriples(raw: NumericLevels): { count: number; rejected: number } {
  let rejected = raw.length % 3 === 0 ? 0 : 1;
  let count = 0;
  for (let i = 0; i + 2 < raw.length; i += 3) {
    const price = raw[i]!;
    const size = raw[i + 1]!;
    const digits = raw[i + 2]!;
    if (!numericLevelValid(price, size, digits)) {
      rejected += 1;
      continue;
    }
    scratch[count * 3] = price;
    scratch[count * 3 + 1] = size;
    scratch[count * 3 + 2] = digits;
    count += 1;
  }
  return { count, rejected };
}

/**
 * A snapshot side rebuilt from new records in one sort. Applying a small
 * (partial-book) snapshot in place, keeping the records of prices that
 * persist, was tried and measured slower: 11–17 µs against 6–7 µs for a
 * 20-level side moving a few ticks per message, GC included.
 */
function loadNumericSide(side: BookSide, raw: NumericLevels): number {
  const { count, rejected } = validTriples(raw);
  const levels: Level[] = [];
  for (let i = 0; i < count; i += 1) {
    const digits = scratch[i * 3 + 2]!;
    const priceDigits = Math.floor(digits / DIGITS_BASE);
    levels.push(new Level(scratch[i * 3]!, scratch[i * 3 + 1]!, undefined, undefined, priceDigits, digits - priceDigits * DIGITS_BASE));
  }
  side.load(levels);
  return rejected;
}
