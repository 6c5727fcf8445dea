import { describe, expect, it } from 'vitest';
import { levelDigits, OrderBook, parseLevelNumber, type BookLevel, type Side } from '../../src/shared/core/order-book';
import { SortedLevels } from '../../src/shared/core/sorted-levels';
import { mulberry32 } from '../support/prng';

const rng = mulberry32;

/** The naive reference: a plain Map per side, sorted on demand. */
class ReferenceBook {
  readonly sides = { bid: new Map<number, [string, string]>(), ask: new Map<number, [string, string]>() };

  apply(side: Side, price: string, size: string): boolean {
    const p = Number(price);
    const s = Number(size);
    if (price === '' || size === '' || !Number.isFinite(p) || !Number.isFinite(s) || p <= 0 || s < 0) return false;
    if (s === 0) this.sides[side].delete(p);
    else this.sides[side].set(p, [price, size]);
    return true;
  }

  sorted(side: Side): [string, string][] {
    const entries = [...this.sides[side].entries()];
    entries.sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
    return entries.map((e) => e[1]);
  }
}

const texts = (levels: readonly BookLevel[]): [string, string][] => levels.map((l) => [l.priceText, l.sizeText]);

describe('SortedLevels', () => {
  it('keeps order and block invariants through inserts and removes', () => {
    const list = new SortedLevels<{ price: number }>();
    const next = rng(7);
    const present = new Set<number>();
    for (let i = 0; i < 20_000; i += 1) {
      const price = Math.floor(next() * 3000);
      if (present.has(price)) {
        expect(list.remove(price)?.price).toBe(price);
        present.delete(price);
      } else {
        list.insert({ price });
        present.add(price);
      }
    }
    expect(list.isConsistent()).toBe(true);
    const seen: number[] = [];
    list.forEachAscending((item) => (seen.push(item.price), true));
    expect(seen).toEqual([...present].sort((a, b) => a - b));
    expect(list.remove(-1)).toBeUndefined();
    expect(list.remove(1e9)).toBeUndefined();
  });
});

describe('OrderBook against a naive reference', () => {
  it('matches best, counts, top-N and full order over 50,000 random ops at 1,000+ levels a side', () => {
    const next = rng(42);
    const book = new OrderBook();
    const ref = new ReferenceBook();
    // Bids on ticks 1..4000, asks on 4001..8000 (tick 0.01): crossing is tested separately.
    const tick = (side: Side): number => (side === 'bid' ? 1 : 4001) + Math.floor(next() * 4000);
    const priceText = (t: number): string => {
      const r = next();
      // The same price in several spellings must land on one level.
      return r < 0.7 ? (t / 100).toFixed(2) : r < 0.9 ? (t / 100).toFixed(4) : (t / 100).toString();
    };
    const sizeText = (): string => {
      const r = next();
      if (r < 0.3) return r < 0.15 ? '0' : '0.000';
      return (next() * 10).toFixed(3);
    };

    // Start from a 2,000-level snapshot per side.
    const snap = { bid: [] as [string, string][], ask: [] as [string, string][] };
    for (const side of ['bid', 'ask'] as const) {
      for (let i = 0; i < 2000; i += 1) {
        const level: [string, string] = [priceText(tick(side)), (1 + next() * 5).toFixed(3)];
        snap[side].push(level);
        ref.apply(side, level[0], level[1]);
      }
    }
    expect(book.applySnapshot(snap.bid, snap.ask)).toBe(0);

    let rejected = 0;
    let refRejected = 0;
    for (let i = 0; i < 50_000; i += 1) {
      const side: Side = next() < 0.5 ? 'bid' : 'ask';
      let price = priceText(tick(side));
      let size = sizeText();
      if (next() < 0.01) [price, size] = next() < 0.5 ? ['', size] : [price, 'NaN'];
      if (!book.applyLevel(side, price, size)) rejected += 1;
      if (!ref.apply(side, price, size)) refRejected += 1;

      if (i % 97 === 0) {
        for (const s of ['bid', 'ask'] as const) {
          const expected = ref.sorted(s);
          expect(book.levelCount(s)).toBe(expected.length);
          expect(book.best(s)?.priceText).toBe(expected[0]?.[0]);
          expect(texts(book.top(s, 25))).toEqual(expected.slice(0, 25));
        }
      }
      if (i % 5000 === 4999) {
        for (const s of ['bid', 'ask'] as const) {
          expect(texts(book.top(s, Infinity))).toEqual(ref.sorted(s));
          expect(book.levelCount(s)).toBeGreaterThan(1000);
        }
      }
    }
    expect(rejected).toBe(refRejected);
    expect(rejected).toBeGreaterThan(0);
    for (const s of ['bid', 'ask'] as const) {
      const all: [string, string][] = [];
      book.forEachOutward(s, (l) => (all.push([l.priceText, l.sizeText]), true));
      expect(all).toEqual(ref.sorted(s));
    }
  });
});

describe('OrderBook', () => {
  it('gives back the original strings, including trailing zeros', () => {
    const book = new OrderBook();
    book.applySnapshot(
      [['7.6120', '1.500'], ['7.6100', '2']],
      [['7.6130', '0.10'], ['7.6200', '3.0000']],
    );
    expect(texts(book.top('bid', 25))).toEqual([['7.6120', '1.500'], ['7.6100', '2']]);
    expect(texts(book.top('ask', 25))).toEqual([['7.6130', '0.10'], ['7.6200', '3.0000']]);
    // A live view (its texts read through getters): compared field by field.
    const best = book.bestBid()!;
    expect([best.price, best.size, best.priceText, best.sizeText]).toEqual([7.612, 1.5, '7.6120', '1.500']);
  });

  it('treats "7.612" and "7.6120" as one level and keeps the latest strings', () => {
    const book = new OrderBook();
    expect(book.applyLevel('bid', '7.612', '1')).toBe(true);
    expect(book.applyLevel('bid', '7.6120', '2.0')).toBe(true);
    expect(book.levelCount('bid')).toBe(1);
    expect(texts(book.top('bid', 5))).toEqual([['7.6120', '2.0']]);
  });

  it('deletes a level whose size parses to zero, and ignores deleting an absent level', () => {
    const book = new OrderBook();
    book.applySnapshot([['100', '1'], ['99', '1']], [['101', '1']]);
    expect(book.applyLevel('bid', '100.00', '0.000')).toBe(true);
    expect(book.bestBid()?.price).toBe(99);
    expect(book.applyLevel('bid', '50', '0')).toBe(true);
    expect(book.levelCount('bid')).toBe(1);
  });

  it('skips zero-size levels in a snapshot and replaces the previous book', () => {
    const book = new OrderBook();
    book.applySnapshot([['1', '1']], [['2', '1']]);
    expect(book.applySnapshot([['100', '0'], ['99', '2']], [['101', '0.0'], ['102', '1']])).toBe(0);
    expect(texts(book.top('bid', 10))).toEqual([['99', '2']]);
    expect(texts(book.top('ask', 10))).toEqual([['102', '1']]);
  });

  it('rejects bad levels without throwing or changing the book', () => {
    const book = new OrderBook();
    book.applySnapshot([['100', '1']], [['101', '1']]);
    const bad: [string, string][] = [
      ['', '1'],
      ['100', ''],
      ['abc', '1'],
      ['100', 'NaN'],
      ['Infinity', '1'],
      ['100', '1e999'],
      ['-100', '1'],
      ['100', '-1'],
      ['0', '1'],
    ];
    for (const [p, s] of bad) expect(book.applyLevel('bid', p, s)).toBe(false);
    expect(texts(book.top('bid', 10))).toEqual([['100', '1']]);
    expect(book.applySnapshot([...bad, ['99', '1']], [['101', '1'], ['x', '1']])).toBe(bad.length + 1);
    expect(texts(book.top('bid', 10))).toEqual([['99', '1']]);
    expect(book.levelCount('ask')).toBe(1);
  });

  it('parses level numbers strictly', () => {
    expect(parseLevelNumber('0.000')).toBe(0);
    expect(parseLevelNumber('1e3')).toBe(1000);
    expect(parseLevelNumber('')).toBeNaN();
    expect(parseLevelNumber('-1')).toBeNaN();
  });

  it('reports empty, one-sided, crossed and locked books instead of hiding them', () => {
    const book = new OrderBook();
    expect(book.state()).toBe('empty');
    book.applyLevel('bid', '100', '1');
    expect(book.state()).toBe('one_sided');
    book.applyLevel('ask', '101', '1');
    expect(book.state()).toBe('ok');
    book.applyLevel('ask', '100', '1');
    expect(book.state()).toBe('locked');
    book.applyLevel('ask', '99.5', '1');
    expect(book.state()).toBe('crossed');
    // The crossing level is kept as sent, not dropped.
    expect(book.bestAsk()?.price).toBe(99.5);
    expect(book.bestBid()?.price).toBe(100);
    book.clear();
    expect(book.state()).toBe('empty');
    book.applyLevel('ask', '1', '1');
    expect(book.state()).toBe('one_sided');
  });

  it('walks outward and stops when told', () => {
    const book = new OrderBook();
    book.applySnapshot([['3', '1'], ['1', '1'], ['2', '1']], [['5', '1'], ['4', '1']]);
    const bids: number[] = [];
    book.forEachOutward('bid', (l) => (bids.push(l.price), bids.length < 2));
    expect(bids).toEqual([3, 2]);
    const asks: number[] = [];
    book.forEachOutward('ask', (l) => (asks.push(l.price), true));
    expect(asks).toEqual([4, 5]);
    expect(book.top('ask', 0)).toEqual([]);
  });
});

describe('OrderBook levels as numbers', () => {
  /** A string level as the decoders hand it over: value and fraction digits (shortest plain decimals only). */
  const numeric = (levels: readonly (readonly [string, string])[]): number[] =>
    levels.flatMap(([p, s]) => [Number(p), Number(s), levelDigits(p.split('.')[1]?.length ?? 0, s.split('.')[1]?.length ?? 0)]);
  const all = (book: OrderBook, side: Side): [number, number, string, string][] => {
    const out: [number, number, string, string][] = [];
    book.forEachOutward(side, (l) => (out.push([l.price, l.size, l.priceText, l.sizeText]), true));
    return out;
  };

  it('builds the same book as the strings, texts included, over random snapshots and 30,000 updates', () => {
    const next = rng(77);
    const byText = new OrderBook();
    const byNumber = new OrderBook();
    const price = (side: Side): string => {
      const t = (side === 'bid' ? 1 : 4001) + Math.floor(next() * 4000);
      const r = next();
      return r < 0.6 ? (t / 100).toFixed(2) : r < 0.9 ? (t / 100).toFixed(4) : (t / 100).toFixed(0);
    };
    const size = (): string => (next() < 0.25 ? (next() < 0.5 ? '0' : '0.000') : (next() * 100).toFixed(Math.floor(next() * 9)));
    for (let round = 0; round < 3; round += 1) {
      const snap = { bid: [] as [string, string][], ask: [] as [string, string][] };
      for (const side of ['bid', 'ask'] as const) for (let i = 0; i < 1500; i += 1) snap[side].push([price(side), size()]);
      expect(byNumber.applyNumericSnapshot(numeric(snap.bid), numeric(snap.ask))).toBe(byText.applySnapshot(snap.bid, snap.ask));
      for (let i = 0; i < 10_000; i += 1) {
        const side: Side = next() < 0.5 ? 'bid' : 'ask';
        const batch: [string, string][] = [];
        for (let k = Math.floor(next() * 4); k >= 0; k -= 1) batch.push([price(side), size()]);
        expect(byNumber.applyNumericLevels(side, numeric(batch))).toBe(byText.applyLevels(side, batch));
        if (i % 1000 === 0) for (const s of ['bid', 'ask'] as const) expect(texts(byNumber.top(s, 25))).toEqual(texts(byText.top(s, 25)));
      }
      for (const s of ['bid', 'ask'] as const) {
        expect(byNumber.levelCount(s)).toBe(byText.levelCount(s));
        expect(all(byNumber, s)).toStrictEqual(all(byText, s));
      }
      expect(byNumber.state()).toBe(byText.state());
    }
  });

  it('applies small snapshots (partial-book streams) onto a book with levels as the strings would build them, repeats, zeros, rejects and large snapshots mixed in', () => {
    const next = rng(91);
    const byText = new OrderBook();
    const byNumber = new OrderBook();
    // A narrow price range, so most prices of one partial snapshot are in the next.
    const price = (side: Side): string => {
      const t = (side === 'bid' ? 1 : 61) + Math.floor(next() * 60);
      return next() < 0.8 ? (t / 100).toFixed(2) : (t / 100).toFixed(3);
    };
    const size = (): string => (next() < 0.1 ? '0' : (next() * 100).toFixed(Math.floor(next() * 6)));
    let kept = 0;
    for (let round = 0; round < 3_000; round += 1) {
      const large = round % 500 === 250;
      const snap = { bid: [] as [string, string][], ask: [] as [string, string][] };
      for (const side of ['bid', 'ask'] as const) {
        const n = large ? 200 + Math.floor(next() * 100) : Math.floor(next() * 30);
        for (let i = 0; i < n; i += 1) snap[side].push(next() < 0.02 ? ['-1', '1'] : [price(side), size()]);
      }
      const before = byNumber.levelCount('bid') + byNumber.levelCount('ask');
      expect(byNumber.applyNumericSnapshot(numeric(snap.bid), numeric(snap.ask))).toBe(byText.applySnapshot(snap.bid, snap.ask));
      if (before > 0) kept += 1;
      if (next() < 0.3) {
        const side: Side = next() < 0.5 ? 'bid' : 'ask';
        const batch: [string, string][] = [[price(side), size()], [price(side), size()]];
        expect(byNumber.applyNumericLevels(side, numeric(batch))).toBe(byText.applyLevels(side, batch));
      }
      for (const s of ['bid', 'ask'] as const) expect(all(byNumber, s)).toStrictEqual(all(byText, s));
      expect(byNumber.state()).toBe(byText.state());
    }
    // Most snapshots landed on a book that already had levels, not a fresh one.
    expect(kept).toBeGreaterThan(2_000);
  });

  it('rejects what the string rule rejects, level by level, leaving the rest applied', () => {
    const book = new OrderBook();
    const d = levelDigits(2, 3);
    const bad = [0, 1, d, -1, 1, d, NaN, 1, d, Infinity, 1, d, 1, -1, d, 1, NaN, d, 1, Infinity, d, 1, 1, -1, 1, 1, 0.5, 1, 1, levelDigits(21, 0)];
    expect(book.applyNumericLevels('bid', [...bad, 1.5, 2, d])).toBe(10);
    expect(texts(book.top('bid', 5))).toEqual([['1.50', '2.000']]);
    // A trailing part of a level counts as one rejected.
    expect(book.applyNumericLevels('ask', [2, 1, d, 3])).toBe(1);
    expect(book.applyNumericSnapshot([...bad], [2.25, 1, d])).toBe(10);
    expect(book.levelCount('bid')).toBe(0);
    expect(texts(book.top('ask', 5))).toEqual([['2.25', '1.000']]);
    // Mixed with string updates: the latest text wins whichever way it came.
    book.applyLevel('ask', '2.2500', '7');
    expect(texts(book.top('ask', 1))).toEqual([['2.2500', '7']]);
    book.applyNumericLevels('ask', [2.25, 8, levelDigits(4, 1)]);
    expect(texts(book.top('ask', 1))).toEqual([['2.2500', '8.0']]);
    book.applyLevel('ask', '2.25', '9');
    expect(texts(book.top('ask', 1))).toEqual([['2.25', '9']]);
  });
});
