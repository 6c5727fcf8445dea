/**
 * A chunked sorted list of items keyed by a numeric `price`, ascending.
 *
 * Items live in a list of small sorted blocks (like Python's SortedList):
 * finding a position is a binary search over the block maxima then inside
 * one block, and an insert or delete shifts at most one block, so each
 * costs O(log n + B) with B = {@link MAX_BLOCK} (plus, once every ~B/2
 * changes, a split or merge that moves n/B block references). A flat sorted array would
 * shift O(n) items per change; a balanced tree would allocate a node per
 * level and chase pointers on every walk.
 */

/** Largest block size; a block that grows past it is split in half. */
export const MAX_BLOCK = 64;
/** Blocks that shrink below this merge with a neighbour so the block list stays short. */
const MIN_BLOCK = MAX_BLOCK / 4;

/** Anything ordered by a numeric price. */
export interface Priced {
  readonly price: number;
}

/** Ascending chunked sorted list; prices are unique (the caller keeps a price -> item map). */
export class SortedLevels<T extends Priced> {
  private blocks: T[][] = [];
  /** Last (largest) price of each block, parallel to `blocks`, for the outer binary search. */
  private maxes: number[] = [];
  private count = 0;

  /** Number of items held. */
  get size(): number {
    return this.count;
  }

  /** Lowest-priced item, O(1). */
  first(): T | undefined {
    const block = this.blocks[0];
    return block === undefined ? undefined : block[0];
  }

  /** Highest-priced item, O(1). */
  last(): T | undefined {
    const block = this.blocks[this.blocks.length - 1];
    return block === undefined ? undefined : block[block.length - 1];
  }

  /** Drops every item. */
  clear(): void {
    this.blocks = [];
    this.maxes = [];
    this.count = 0;
  }

  /**
   * Replaces the contents with `items`, which must be sorted ascending with
   * unique prices. Builds full blocks directly: a snapshot costs one sort by
   * the caller instead of n inserts.
   */
  reset(items: readonly T[]): void {
    this.clear();
    // Half-full blocks leave room for inserts before the first split.
    const fill = MAX_BLOCK / 2;
    for (let i = 0; i < items.length; i += fill) {
      const block = items.slice(i, i + fill);
      this.blocks.push(block);
      this.maxes.push(block[block.length - 1]!.price);
    }
    this.count = items.length;
  }

  /** Inserts an item whose price is not yet present (the caller checks its map first). */
  insert(item: T): void {
    const price = item.price;
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      this.maxes.push(price);
      this.count = 1;
      return;
    }
    let b = this.blockFor(price);
    if (b === this.blocks.length) b -= 1; // above every max: append to the last block
    const block = this.blocks[b]!;
    // Shift by hand: splice allocates a result array on every call.
    let i = block.length;
    block.push(item);
    while (i > 0 && block[i - 1]!.price > price) {
      block[i] = block[i - 1]!;
      i -= 1;
    }
    block[i] = item;
    this.maxes[b] = block[block.length - 1]!.price;
    this.count += 1;
    if (block.length > MAX_BLOCK) this.split(b);
  }

  /** Removes the item at `price`; returns it, or undefined when absent. */
  remove(price: number): T | undefined {
    const b = this.blockFor(price);
    const block = this.blocks[b];
    if (block === undefined) return undefined;
    const i = indexIn(block, price);
    const item = block[i];
    if (item === undefined || item.price !== price) return undefined;
    for (let j = i; j < block.length - 1; j += 1) block[j] = block[j + 1]!;
    block.pop();
    this.count -= 1;
    if (block.length === 0) {
      this.blocks.splice(b, 1);
      this.maxes.splice(b, 1);
      return item;
    }
    this.maxes[b] = block[block.length - 1]!.price;
    if (block.length < MIN_BLOCK && this.blocks.length > 1) this.mergeWithNeighbour(b);
    return item;
  }

  /**
   * The blocks themselves, ascending within and across blocks, none empty:
   * a live read-only view for tight index loops (depth walks), which a
   * callback per item would slow down. Valid until the next change; never
   * keep it or change the list while reading it.
   */
  blockView(): readonly (readonly T[])[] {
    return this.blocks;
  }

  /** Visits items from lowest to highest price until `fn` returns false. */
  forEachAscending(fn: (item: T) => boolean): void {
    const blocks = this.blocks;
    for (let b = 0; b < blocks.length; b += 1) {
      const block = blocks[b]!;
      for (let i = 0; i < block.length; i += 1) {
        if (!fn(block[i]!)) return;
      }
    }
  }

  /** Visits items from highest to lowest price until `fn` returns false. */
  forEachDescending(fn: (item: T) => boolean): void {
    const blocks = this.blocks;
    for (let b = blocks.length - 1; b >= 0; b -= 1) {
      const block = blocks[b]!;
      for (let i = block.length - 1; i >= 0; i -= 1) {
        if (!fn(block[i]!)) return;
      }
    }
  }

  /**
   * Checks the block invariants (sorted, unique, maxima and count in step);
   * for tests, O(n).
   */
  isConsistent(): boolean {
    let n = 0;
    let prev = -Infinity;
    for (let b = 0; b < this.blocks.length; b += 1) {
      const block = this.blocks[b]!;
      if (block.length === 0 || block.length > MAX_BLOCK) return false;
      for (const item of block) {
        if (!(item.price > prev)) return false;
        prev = item.price;
      }
      if (this.maxes[b] !== prev) return false;
      n += block.length;
    }
    return n === this.count && this.maxes.length === this.blocks.length;
  }

  /** Index of the first block whose max is >= price; blocks.length when none is. */
  private blockFor(price: number): number {
    const maxes = this.maxes;
    let lo = 0;
    let hi = maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (maxes[mid]! < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private split(b: number): void {
    const block = this.blocks[b]!;
    const tail = block.splice(block.length >>> 1);
    this.blocks.splice(b + 1, 0, tail);
    this.maxes[b] = block[block.length - 1]!.price;
    this.maxes.splice(b + 1, 0, tail[tail.length - 1]!.price);
  }

  private mergeWithNeighbour(b: number): void {
    // Merge into the left neighbour when there is one, else take in the right one.
    const left = b > 0 ? b - 1 : b;
    const into = this.blocks[left]!;
    const from = this.blocks[left + 1]!;
    for (const item of from) into.push(item);
    this.blocks.splice(left + 1, 1);
    this.maxes.splice(left + 1, 1);
    this.maxes[left] = into[into.length - 1]!.price;
    if (into.length > MAX_BLOCK) this.split(left);
  }
}

/** Position of the first item with price >= `price` inside one block. */
function indexIn<T extends Priced>(block: readonly T[], price: number): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (block[mid]!.price < price) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
