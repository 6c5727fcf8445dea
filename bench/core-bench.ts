/**
 * Core benches: order book level updates and book metrics on synthetic
 * books of 1,000 levels a side (BTC-like: mid 30,000, tick 0.5, so the
 * 100 bps band is 600 ticks deep and every band is covered).
 */
import type { Instrument, RawLevel } from '../src/shared/core/model';
import { levelDigits, OrderBook, type Side } from '../src/shared/core/order-book';
import { bookMetrics } from '../src/shared/core/metrics';
import type { BenchModule, BenchResult } from './index';
import { mulberry32 } from '../test/support/prng';

const LEVELS = 1000;
/** Price slots per side; 1,000 of 1,500 start filled so inserts and deletes both have room. */
const SLOTS = 1500;
/** Slots counted as "near the top", where most real traffic lands. */
const NEAR_TOP = 50;
const STREAM = 1 << 17;
const BATCH = 4096;
const BANDS = [10, 25, 50, 100];

const instrument: Instrument = {
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  id: 'BTC-USDT-PERP',
  type: 'perpetual',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.5,
  contractKind: 'linear',
  contractValue: 0.01,
};

const rng = mulberry32;

const priceText = (side: Side, slot: number): string =>
  (side === 'bid' ? 29_999.5 - slot * 0.5 : 30_000.5 + slot * 0.5).toFixed(1);

interface OpStream {
  readonly sides: Side[];
  readonly prices: string[];
  readonly sizes: string[];
  readonly counts: { update: number; insert: number; delete: number };
}

interface Scenario {
  readonly bids: RawLevel[];
  readonly asks: RawLevel[];
  /** Mixed ops, each one what it claims to be when replayed from the snapshot. */
  readonly mixed: OpStream;
  /** Size changes of existing levels only. */
  readonly updates: OpStream;
}

function buildScenario(): Scenario {
  const next = rng(1);
  const size = (): string => (0.001 + next() * 20).toFixed(3);
  const filled = { bid: new Array<boolean>(SLOTS).fill(false), ask: new Array<boolean>(SLOTS).fill(false) };
  const snapshot = { bid: [] as RawLevel[], ask: [] as RawLevel[] };
  for (const side of ['bid', 'ask'] as const) {
    // The top slots always start filled, then random slots until 1,000 levels.
    let count = 0;
    for (let s = 0; s < NEAR_TOP; s += 1, count += 1) filled[side][s] = true;
    while (count < LEVELS) {
      const s = NEAR_TOP + Math.floor(next() * (SLOTS - NEAR_TOP));
      if (!filled[side][s]) {
        filled[side][s] = true;
        count += 1;
      }
    }
    for (let s = 0; s < SLOTS; s += 1) if (filled[side][s]) snapshot[side].push([priceText(side, s), size()]);
  }

  const stream = (mix: (r: number) => 'update' | 'insert' | 'delete'): OpStream => {
    const state = { bid: [...filled.bid], ask: [...filled.ask] };
    const out: OpStream = { sides: [], prices: [], sizes: [], counts: { update: 0, insert: 0, delete: 0 } };
    while (out.sides.length < STREAM) {
      const side: Side = next() < 0.5 ? 'bid' : 'ask';
      const kind = mix(next());
      const range = next() < 0.6 ? NEAR_TOP : SLOTS;
      const wantFilled = kind !== 'insert';
      // Probe for a slot in the wanted state; give up on this draw if the range has none.
      let slot = -1;
      for (let tries = 0; tries < 64 && slot < 0; tries += 1) {
        const s = Math.floor(next() * range);
        if (state[side][s] === wantFilled) slot = s;
      }
      if (slot < 0) continue;
      state[side][slot] = kind !== 'delete';
      out.sides.push(side);
      out.prices.push(priceText(side, slot));
      out.sizes.push(kind === 'delete' ? '0' : size());
      out.counts[kind] += 1;
    }
    return out;
  };
  return {
    bids: snapshot.bid,
    asks: snapshot.ask,
    mixed: stream((r) => (r < 0.5 ? 'update' : r < 0.75 ? 'insert' : 'delete')),
    updates: stream(() => 'update'),
  };
}

const VENUE_BOOKS = 1000;

/** Books around mid 30,000 (tick 0.5): a quarter top-20 partial books, the rest 50 to 1,000 levels a side. */
function buildVenueBooks(): OrderBook[] {
  const next = rng(2);
  const books: OrderBook[] = [];
  for (let b = 0; b < VENUE_BOOKS; b += 1) {
    const levels = next() < 0.25 ? 20 : 50 + Math.floor(next() * 951);
    const side = (dir: -1 | 1): number[] => {
      const out: number[] = [];
      let slot = 0;
      for (let i = 0; i < levels; i += 1) {
        out.push(30_000 + dir * (0.5 + slot * 0.5), Math.round((0.001 + next() * 20) * 1000) / 1000, levelDigits(1, 3));
        slot += next() < 0.66 ? 1 : 2;
      }
      return out;
    };
    const book = new OrderBook();
    book.applyNumericSnapshot(side(-1), side(1));
    books.push(book);
  }
  return books;
}

const share = (n: number, of: number): string => `${Math.round((n / of) * 100)}%`;

export const coreBench: BenchModule = {
  name: 'core',
  run(harness): BenchResult[] {
    const scenario = buildScenario();
    const results: BenchResult[] = [];

    const replay = (name: string, ops: OpStream, note: string): BenchResult => {
      const book = new OrderBook();
      book.applySnapshot(scenario.bids, scenario.asks);
      let cursor = 0;
      return harness.measure(
        name,
        'level updates',
        () => {
          const end = cursor + BATCH;
          for (let i = cursor; i < end; i += 1) book.applyLevel(ops.sides[i]!, ops.prices[i]!, ops.sizes[i]!);
          cursor = end;
          return BATCH;
        },
        {
          note,
          // The stream is only valid from the snapshot: restart both, untimed.
          between: () => {
            if (cursor + BATCH > STREAM) {
              cursor = 0;
              book.applySnapshot(scenario.bids, scenario.asks);
            }
          },
        },
      );
    };

    const { update, insert, delete: del } = scenario.mixed.counts;
    results.push(
      replay(
        'level updates, mixed',
        scenario.mixed,
        `${share(update, STREAM)} update / ${share(insert, STREAM)} insert / ${share(del, STREAM)} delete, 60% in top ${NEAR_TOP}`,
      ),
    );
    results.push(replay('level updates, existing only', scenario.updates, 'size change of an existing level'));

    // The same mixed stream as numbers (what the hot decoders hand the book: price, size, fraction digits).
    const digitsOf = (text: string): number => {
      const dot = text.indexOf('.');
      return dot < 0 ? 0 : text.length - dot - 1;
    };
    const numericOps = scenario.mixed.prices.map((p, i) => [Number(p), Number(scenario.mixed.sizes[i]!), levelDigits(digitsOf(p), digitsOf(scenario.mixed.sizes[i]!))]);
    const numericSnapshot = (levels: readonly RawLevel[]): number[] => levels.flatMap(([p, z]) => [Number(p), Number(z), levelDigits(digitsOf(p), digitsOf(z))]);
    const snapshotBids = numericSnapshot(scenario.bids);
    const snapshotAsks = numericSnapshot(scenario.asks);
    {
      const numericBook = new OrderBook();
      numericBook.applyNumericSnapshot(snapshotBids, snapshotAsks);
      let cursor = 0;
      results.push(
        harness.measure(
          'level updates, mixed, as numbers',
          'level updates',
          () => {
            const end = cursor + BATCH;
            for (let i = cursor; i < end; i += 1) numericBook.applyNumericLevels(scenario.mixed.sides[i]!, numericOps[i]!);
            cursor = end;
            return BATCH;
          },
          {
            note: 'the mixed stream through applyNumericLevels (one level a call)',
            between: () => {
              if (cursor + BATCH > STREAM) {
                cursor = 0;
                numericBook.applyNumericSnapshot(snapshotBids, snapshotAsks);
              }
            },
          },
        ),
      );
    }

    const book = new OrderBook();
    results.push(
      harness.measure(
        'snapshot 1,000 x 2',
        'snapshots',
        () => {
          for (let i = 0; i < 16; i += 1) book.applySnapshot(scenario.bids, scenario.asks);
          return 16;
        },
        { runMs: 1000, note: 'parse + sort + build both sides' },
      ),
    );

    let sink = 0;
    results.push(
      harness.measure(
        'bookMetrics, 4 bands',
        'evaluations',
        () => {
          for (let i = 0; i < 256; i += 1) {
            const m = bookMetrics(book, instrument, BANDS);
            sink += m.values.depth_10bps ?? 0;
          }
          return 256;
        },
        { note: 'mid/spread/imbalance + depth 10/25/50/100 bps (~400 levels walked a side)' },
      ),
    );
    // A venue's worth of books sampled at one boundary, as the feed worker does: many books
    // (so levels are not all in cache), of mixed depth (partial top-20 books to deep ones), loaded from numbers.
    const venueBooks = buildVenueBooks();
    results.push(
      harness.measure(
        `bookMetrics, ${VENUE_BOOKS} books`,
        'evaluations',
        () => {
          for (let i = 0; i < venueBooks.length; i += 1) {
            const m = bookMetrics(venueBooks[i]!, instrument, BANDS);
            sink += m.values.depth_10bps ?? 0;
          }
          return venueBooks.length;
        },
        { note: `one boundary of a venue: ${VENUE_BOOKS} books of 20 to 1,000 levels a side, as numbers` },
      ),
    );
    results.push(
      harness.measure(
        'top(25) both sides',
        'calls',
        () => {
          for (let i = 0; i < 256; i += 1) sink += book.top('bid', 25).length + book.top('ask', 25).length;
          return 256;
        },
        { runMs: 1000, note: 'what an OKX checksum reads' },
      ),
    );
    if (sink === -1) console.log(sink); // keeps the results observable so no work is dropped
    return results;
  },
};
