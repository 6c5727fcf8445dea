/**
 * Book-top cross-check (src/engine/pipeline/book-truth.ts): the cost a quote
 * adds on the hot path, on a Binance spot book of 1,000 levels a side.
 * - by update id: a bookTicker quote at the book's id, compared at once
 *   (the common case: the diff that reached the id came first);
 * - held then settled: a quote ahead of the book, held, then compared
 *   when the next diff reaches it (diff apply included, as in live);
 * - by time: an OKX-style quote at the book's exchange time.
 */
import { BookTruth } from '../src/engine/pipeline/book-truth';
import { BinanceBookSync } from '../src/engine/venues/binance/binance-book-sync';
import type { BookDeltaEvent, QuoteEvent, RawLevel } from '../src/shared/core/model';
import type { BenchModule, BenchResult } from './index';

const LEVELS = 1000;
const BATCH = 1024;

function levels(side: 'bid' | 'ask'): RawLevel[] {
  const out: RawLevel[] = [];
  for (let i = 0; i < LEVELS; i += 1) out.push([(side === 'bid' ? 29_999.5 - i * 0.5 : 30_000.5 + i * 0.5).toFixed(1), (1 + (i % 17)).toFixed(3)]);
  return out;
}

function freshBook(): BinanceBookSync {
  const sync = new BinanceBookSync('spot');
  sync.apply({ type: 'book_snapshot', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0, exchangeTime: 0, bids: levels('bid'), asks: levels('ask'), seq: { last: 1 } });
  return sync;
}

const quote = (updateId: number | undefined, exchangeTime: number): QuoteEvent => ({
  type: 'quote', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0, exchangeTime,
  bidPrice: 29_999.5, bidSize: 1, askPrice: 30_000.5, askSize: 1,
  ...(updateId === undefined ? {} : { updateId }),
});

export const bookTruthBench: BenchModule = {
  name: 'truth',
  run(harness): BenchResult[] {
    const results: BenchResult[] = [];
    let sink = 0;

    // A quote at the book's id: one comparison (best bid and ask, price and size).
    {
      const sync = freshBook();
      const truth = new BookTruth();
      const q = quote(1, 0);
      results.push(
        harness.measure('cross-check, quote at the book id', 'quotes', () => {
          for (let i = 0; i < BATCH; i += 1) sink += truth.onQuote(q, sync, i) === 'match' ? 1 : 0;
          return BATCH;
        }, { note: 'Binance bookTicker u == book u: compared at once' }),
      );
    }

    // Diff + quote pairs: the quote arrives first (ahead of the book), is held, and settles after the diff.
    {
      let sync = freshBook();
      let truth = new BookTruth();
      let id = 1;
      const diffs: BookDeltaEvent[] = [];
      const quotes: QuoteEvent[] = [];
      for (let i = 0; i < BATCH; i += 1) {
        const size = (1 + (i % 5)).toFixed(3);
        diffs.push({ type: 'book_delta', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0, bids: [['29999.5', size]], asks: [], seq: { first: 2 + i * 3, last: 4 + i * 3 } });
        quotes.push({ ...quote(4 + i * 3, 0), bidSize: Number(size) });
      }
      results.push(
        harness.measure('diff + quote held, then settled', 'pairs', () => {
          for (let i = 0; i < BATCH; i += 1) {
            truth.onQuote(quotes[i]!, sync, i);
            truth.beforeBook(diffs[i]!, sync, i);
            sync.apply(diffs[i]!);
            sink += truth.afterBook(sync, i) === 'match' ? 1 : 0;
          }
          id += BATCH;
          return BATCH;
        }, {
          note: 'bookTicker ahead of the 100 ms diff; the diff apply is in the figure',
          between: () => {
            sync = freshBook();
            truth = new BookTruth();
          },
        }),
      );
      if (truth.mismatches > 0) throw new Error('bench stream mismatched: the figure would time the wrong path');
      // The same diffs without the cross-check: what it adds to a diff + quote.
      results.push(
        harness.measure('diff alone (baseline)', 'diffs', () => {
          for (let i = 0; i < BATCH; i += 1) sync.apply(diffs[i]!);
          return BATCH;
        }, { between: () => (sync = freshBook()) }),
      );
      sink += id;
    }

    // Time alignment (OKX tickers): a quote at the book's exchange time.
    {
      const sync = freshBook();
      const truth = new BookTruth();
      const q = quote(undefined, 0);
      results.push(
        harness.measure('cross-check, quote at the book time', 'quotes', () => {
          for (let i = 0; i < BATCH; i += 1) sink += truth.onQuote(q, sync, i) === 'match' ? 1 : 0;
          return BATCH;
        }, { note: 'OKX tickers ts == books ts' }),
      );
    }
    if (sink === -1) console.log(sink);
    return results;
  },
};
