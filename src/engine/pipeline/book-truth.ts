import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent } from '../../shared/core/model';
import type { BookSync } from '../venues/venue';

/**
 * Book truth cross-check: a book built from diffs is compared with the
 * venue's own top-of-book stream (Binance `bookTicker`, OKX `tickers`). Since
 * June 2026 OKX's checksum is always 0, so sequence numbers alone guard its
 * books: a diff with a wrong size or a lost delete delivered with the right
 * `seqId` corrupts the book silently. The venue's top of book catches it.
 *
 * When a quote and the book are comparable (the book is as of the quote's
 * instant):
 *
 * - By update id, when the quote carries one (Binance bookTicker `u`, the id
 *   space of the diff depth `u`). bookTicker is pushed on every change of the
 *   best bid or ask, so the top of the book as of update `L` is the latest
 *   quote with `u <= L`. That quote is proven the latest once its `u == L`,
 *   or once a quote with `u > L` has arrived after it. Quotes are held (at
 *   most {@link MAX_HELD}) until the book reaches them.
 * - By time, when the quote carries no id (OKX `tickers`: only `ts`): the
 *   quote is compared with the book whose last applied message has the same
 *   exchange time, or, when the next book message is newer than the quote by
 *   more than `quietMs` (the book channel's aggregation window, 100 ms for
 *   OKX `books`), with the book as it stood before that message: nothing
 *   changed the book between its last message and the quote. Otherwise the
 *   quote is not comparable and is not counted.
 *
 * A comparable check is a mismatch when the book's best bid or ask price or
 * size differs from the quote's (an empty side matches a zero quote side).
 * A drift is sustained once `sustainChecks` consecutive comparable checks
 * mismatch AND the first of them is at least `sustainMs` old (receive time):
 * a lone disagreement, a race between two streams, never forces a resync; a
 * corrupted level, which every check sees until the book is rebuilt, does.
 * A matching check ends the run. The caller then invalidates the book
 * (`BookSync.invalidate`), which forces a resync from a fresh snapshot.
 *
 * Only the top is seen here: a resync that lands while the venue still sends
 * bad diffs can leave wrong levels that the market moves away from. So a
 * drifted OKX book is also put on probation and verified level by level
 * against a further REST snapshot at the same seqId (deep-verify.ts,
 * docs/book-truth.md).
 *
 * Only valid books are checked; a book that is out of sync ends the run.
 */
export interface BookTruthSettings {
  /** Consecutive mismatching checks for a drift (default 3). */
  readonly sustainChecks: number;
  /** And for at least this long, ms of receive time (default 1,000). */
  readonly sustainMs: number;
  /** Time alignment: the book channel's aggregation window, ms (default 100). */
  readonly quietMs: number;
}

export const DEFAULT_BOOK_TRUTH: BookTruthSettings = { sustainChecks: 3, sustainMs: 1_000, quietMs: 100 };

/** Quotes held per instrument while the book catches up (update-id alignment). */
export const MAX_HELD = 64;

/** What a check (or the checks an event made comparable) concluded. */
export type TruthVerdict = 'none' | 'match' | 'mismatch' | 'drift';

/** One instrument's cross-check state and counters. */
export class BookTruth {
  /** Comparable checks made. */
  checks = 0;
  /** Checks where the book's top disagreed with the venue's. */
  mismatches = 0;
  /** Sustained mismatches (each forced a resync). */
  drifts = 0;
  /** Consecutive mismatching checks, and the receive time of the first. */
  private run = 0;
  private runSince = 0;
  /** Update-id alignment: quotes not yet proven to be the book's top, oldest first. */
  private held: QuoteEvent[] = [];
  /** Time alignment: the latest quote newer than the book. */
  private pending: QuoteEvent | null = null;

  constructor(private readonly settings: BookTruthSettings = DEFAULT_BOOK_TRUTH) {}

  /** A quote from the venue's top-of-book stream arrived. */
  onQuote(quote: QuoteEvent, sync: BookSync, time: number): TruthVerdict {
    if (quote.updateId !== undefined) {
      if (this.held.length >= MAX_HELD) this.held.shift();
      this.held.push(quote);
      return this.settleById(sync, time);
    }
    const at = quote.exchangeTime;
    if (at === undefined) return 'none';
    this.pending = null;
    const bookAt = sync.valid ? sync.lastUpdateTime : undefined;
    if (bookAt === undefined) return 'none';
    if (at === bookAt) return this.compare(quote, sync, time);
    // Newer than the book: wait for the book message that tells whether it moved meanwhile.
    if (at > bookAt) this.pending = quote;
    return 'none';
  }

  /** Before a book message is applied: a pending quote may be comparable with the book as it stands. */
  beforeBook(event: BookSnapshotEvent | BookDeltaEvent, sync: BookSync, time: number): TruthVerdict {
    const quote = this.pending;
    if (quote === null) return 'none';
    const next = event.exchangeTime;
    if (next === undefined || next <= quote.exchangeTime!) return 'none';
    this.pending = null;
    const bookAt = sync.valid ? sync.lastUpdateTime : undefined;
    if (bookAt === undefined || bookAt > quote.exchangeTime!) return 'none';
    // The next message covers changes from `next - quietMs` on: none before the quote.
    if (next - this.settings.quietMs <= quote.exchangeTime!) return 'none';
    return this.compare(quote, sync, time);
  }

  /** After a book message was applied. */
  afterBook(sync: BookSync, time: number): TruthVerdict {
    if (!sync.valid) {
      this.run = 0;
      return 'none';
    }
    if (this.held.length > 0) return this.settleById(sync, time);
    const quote = this.pending;
    if (quote !== null && quote.exchangeTime === sync.lastUpdateTime) {
      this.pending = null;
      return this.compare(quote, sync, time);
    }
    return 'none';
  }

  /** The book was forgotten (disconnect, drift): the run starts over. Held quotes stay: ids still line up. */
  reset(): void {
    this.run = 0;
    this.pending = null;
  }

  /** Update-id alignment: compares the latest held quote at or before the book, once it is proven the top. */
  private settleById(sync: BookSync, time: number): TruthVerdict {
    if (!sync.valid) {
      this.run = 0;
      return 'none';
    }
    const at = sync.lastUpdateId;
    if (at === undefined) return 'none';
    const held = this.held;
    let last = -1;
    for (let i = 0; i < held.length && held[i]!.updateId! <= at; i += 1) last = i;
    if (last < 0) return 'none';
    const quote = held[last]!;
    if (quote.updateId !== at && last === held.length - 1) return 'none';
    // Usually the only one held: drop it without the array splice allocates.
    if (last === held.length - 1) held.length = 0;
    else held.splice(0, last + 1);
    return this.compare(quote, sync, time);
  }

  private compare(quote: QuoteEvent, sync: BookSync, time: number): TruthVerdict {
    this.checks += 1;
    if (topMatches(quote, sync)) {
      this.run = 0;
      return 'match';
    }
    this.mismatches += 1;
    if (this.run === 0) this.runSince = time;
    this.run += 1;
    if (this.run >= this.settings.sustainChecks && time - this.runSince >= this.settings.sustainMs) {
      this.drifts += 1;
      this.run = 0;
      this.pending = null;
      return 'drift';
    }
    return 'mismatch';
  }
}

/** The book's best bid and ask, price and size, equal the quote's (an empty side matches a zero quote side). */
export function topMatches(quote: QuoteEvent, sync: BookSync): boolean {
  const bid = sync.book.bestBid();
  const ask = sync.book.bestAsk();
  const bidOk = bid === undefined ? quote.bidPrice === 0 && quote.bidSize === 0 : bid.price === quote.bidPrice && bid.size === quote.bidSize;
  if (!bidOk) return false;
  return ask === undefined ? quote.askPrice === 0 && quote.askSize === 0 : ask.price === quote.askPrice && ask.size === quote.askSize;
}
