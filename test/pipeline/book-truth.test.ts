import { describe, expect, it } from 'vitest';
import { BookTruth, DEFAULT_BOOK_TRUTH } from '../../src/engine/pipeline/book-truth';
import { VenueBooks, type SyncEventKind } from '../../src/engine/pipeline/venue-books';
import { BinanceBookSync } from '../../src/engine/venues/binance/binance-book-sync';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { BookDeltaEvent, BookSnapshotEvent, QuoteEvent, RawLevel } from '../../src/shared/core/model';

/**
 * The book-top cross-check on hand-written sequences, with the real book
 * syncs (Binance spot rules, OKX 2026 rules through VenueBooks and raw frames).
 */

const snapshot = (last: number, bids: RawLevel[], asks: RawLevel[]): BookSnapshotEvent => ({
  type: 'book_snapshot', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0, bids, asks, seq: { last },
});
const diff = (first: number, last: number, bids: RawLevel[], asks: RawLevel[] = []): BookDeltaEvent => ({
  type: 'book_delta', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0, bids, asks, seq: { first, last },
});
const quote = (u: number | undefined, bid: [number, number], ask: [number, number], exchangeTime?: number): QuoteEvent => ({
  type: 'quote', venue: 'binance-spot', symbol: 'BTCUSDT', receiveTime: 0,
  bidPrice: bid[0], bidSize: bid[1], askPrice: ask[0], askSize: ask[1],
  ...(u === undefined ? {} : { updateId: u }),
  ...(exchangeTime === undefined ? {} : { exchangeTime }),
});

/** A Binance spot book at id 100: 99 x 5 / 101 x 7. */
function binanceBook(): BinanceBookSync {
  const sync = new BinanceBookSync('spot');
  sync.apply(snapshot(100, [['99', '5'], ['98', '1']], [['101', '7'], ['102', '1']]));
  return sync;
}

/** Feeds a book event through the truth's before/after hooks, as VenueBooks does. */
function book(truth: BookTruth, sync: BinanceBookSync, event: BookDeltaEvent | BookSnapshotEvent, t: number): string[] {
  const before = truth.beforeBook(event, sync, t);
  sync.apply(event);
  return [before, truth.afterBook(sync, t)].filter((v) => v !== 'none');
}

describe('book truth by update id (Binance bookTicker u)', () => {
  it('compares a quote at the book id at once, holds one ahead until the book reaches it', () => {
    const sync = binanceBook();
    const truth = new BookTruth();
    expect(truth.onQuote(quote(100, [99, 5], [101, 7]), sync, 0)).toBe('match');
    // The quote is ahead of the book (bookTicker is real time, diffs come every 100 ms).
    expect(truth.onQuote(quote(103, [99, 6], [101, 7]), sync, 10)).toBe('none');
    expect(book(truth, sync, diff(101, 103, [['99', '6']]), 20)).toEqual(['match']);
    expect([truth.checks, truth.mismatches]).toEqual([2, 0]);
  });

  it('takes the latest quote at or before the book id only once a later quote proves nothing changed in between', () => {
    const sync = binanceBook();
    const truth = new BookTruth();
    // Quote at 101, then the diff 101..104 (a size change at 104 does not touch the top).
    expect(truth.onQuote(quote(101, [99, 8], [101, 7]), sync, 0)).toBe('none');
    expect(book(truth, sync, diff(101, 104, [['99', '8'], ['98', '3']]), 10)).toEqual([]);
    // 101 <= 104 but a quote at 102..104 could still come: only the next quote (107) settles it.
    expect(truth.checks).toBe(0);
    expect(truth.onQuote(quote(107, [99, 9], [101, 7]), sync, 20)).toBe('match');
    expect(truth.checks).toBe(1);
  });

  it('a mismatch is a price or a size; a lone one, or a race, never makes a drift', () => {
    const sync = binanceBook();
    const truth = new BookTruth();
    expect(truth.onQuote(quote(100, [99, 4], [101, 7]), sync, 0)).toBe('mismatch');
    expect(truth.onQuote(quote(100, [99, 5], [101.5, 7]), sync, 10)).toBe('mismatch');
    expect(truth.onQuote(quote(100, [99, 5], [101, 7]), sync, 20)).toBe('match');
    expect([truth.checks, truth.mismatches, truth.drifts]).toEqual([3, 2, 0]);
  });

  it('a sustained mismatch (3 checks over at least 1 s) is a drift; fewer or faster is not yet', () => {
    expect(DEFAULT_BOOK_TRUTH).toMatchObject({ sustainChecks: 3, sustainMs: 1_000 });
    const sync = binanceBook();
    const truth = new BookTruth();
    const wrong = (t: number) => truth.onQuote(quote(100, [99, 50], [101, 7]), sync, t);
    expect([wrong(0), wrong(200), wrong(400)]).toEqual(['mismatch', 'mismatch', 'mismatch']);
    expect(wrong(1_000)).toBe('drift');
    expect(truth.drifts).toBe(1);
    // The run starts over after a drift.
    expect([wrong(1_100), wrong(1_200)]).toEqual(['mismatch', 'mismatch']);
  });

  it('checks only a book in sync; a gap ends the run', () => {
    const sync = binanceBook();
    const truth = new BookTruth({ sustainChecks: 2, sustainMs: 0, quietMs: 100 });
    expect(truth.onQuote(quote(100, [99, 50], [101, 7]), sync, 0)).toBe('mismatch');
    // Gap: 105 does not follow 100.
    expect(book(truth, sync, diff(105, 106, [['99', '1']]), 10)).toEqual([]);
    expect(sync.valid).toBe(false);
    expect(truth.onQuote(quote(106, [99, 50], [101, 7]), sync, 20)).toBe('none');
    // Resynced: the run started over, one mismatch is not two.
    expect(book(truth, sync, snapshot(106, [['99', '1']], [['101', '7']]), 30)).toEqual(['mismatch']);
    expect(truth.drifts).toBe(0);
  });
});

describe('book truth by time (OKX tickers)', () => {
  it('compares at an equal exchange time, or against the book before a message newer than the quote by more than 100 ms', () => {
    const sync = binanceBook();
    const truth = new BookTruth();
    // Time alignment is what the quote asks for when it has no id; the Binance sync stands in for
    // any book whose messages carry an exchange time.
    const at = (e: BookDeltaEvent, t: number) => ({ ...e, exchangeTime: t });
    book(truth, sync, at(diff(101, 101, [['99', '6']]), 1_000), 0);
    expect(truth.onQuote(quote(undefined, [99, 6], [101, 7], 1_000), sync, 0)).toBe('match');
    // Newer than the book: wait for the next book message.
    expect(truth.onQuote(quote(undefined, [99, 6], [101, 7], 1_040), sync, 0)).toBe('none');
    // Next message 80 ms later: it may hold changes from before the quote: not comparable.
    expect(book(truth, sync, at(diff(102, 102, [['98', '2']]), 1_120), 0)).toEqual([]);
    expect(truth.onQuote(quote(undefined, [99, 6], [101, 7], 1_150), sync, 0)).toBe('none');
    // Next message 300 ms after the quote: the book did not move in between.
    expect(book(truth, sync, at(diff(103, 103, [['99', '9']]), 1_450), 0)).toEqual(['match']);
    expect([truth.checks, truth.mismatches]).toEqual([2, 0]);
  });
});

/** OKX 2026 frames: REST snapshot with seqId, updates with seqId/prevSeqId and checksum 0, tickers. */
const OKX = 'wss://ws.okx.com:8443/ws/v5/public';
const instId = 'BTC-USDT-SWAP';
const ws = (t: number, data: unknown): RawFrame => ({ t, venue: 'okx', kind: 'ws', url: OKX, data: JSON.stringify(data) });
const okxRest = (t: number, seqId: number, bidSize: string): RawFrame => ({
  t, venue: 'okx', kind: 'rest', url: `https://www.okx.com/api/v5/market/books?instId=${instId}&sz=400`,
  data: JSON.stringify({ code: '0', msg: '', data: [{ asks: [['101', '7', '0', '1']], bids: [['99', bidSize, '0', '1']], ts: String(t), seqId }] }),
});
const okxUpdate = (t: number, prev: number, seq: number, bidSize: string): RawFrame =>
  ws(t, { arg: { channel: 'books', instId }, action: 'update', data: [{ asks: [], bids: [['99', bidSize, '0', '1']], ts: String(t), checksum: 0, prevSeqId: prev, seqId: seq }] });
const okxTicker = (t: number, bidSz: string): RawFrame =>
  ws(t, { arg: { channel: 'tickers', instId }, data: [{ instType: 'SWAP', instId, last: '100', bidPx: '99', bidSz, askPx: '101', askSz: '7', ts: String(t) }] });

describe('VenueBooks: a silently corrupted OKX 2026 book', () => {
  it('counts checks and mismatches, raises book_drift, forgets the book and counts the snapshot that rebuilds it as a resync', () => {
    const events: { key: string; kind: SyncEventKind }[] = [];
    const books = new VenueBooks({ staleTimeoutMs: 60_000, depthBandsBps: [10] }, { onSyncEvent: (key, kind) => events.push({ key, kind }) });
    const key = `okx:${instId}`;
    let t = 1_000;
    let seq = 10;
    books.ingest(okxRest(t, seq, '5'));
    // The venue's book says 5, then 6, ...; the updates we receive say 50, 60, ... with the right seqIds.
    for (let i = 0; i < 4; i += 1) {
      t += 400;
      books.ingest(okxUpdate(t, seq, seq + 1, `${5 + i}0`));
      seq += 1;
      books.ingest(okxTicker(t, String(5 + i)));
    }
    const state = books.instrumentStates().find((s) => s.key === key)!;
    const okx = books.venueStates().find((v) => v.venue === 'okx')!;
    // Checks at t+400, +800, +1200 mismatch over 800 ms; the fourth, 1.2 s after the first, is the drift.
    expect([okx.driftChecks, okx.driftMismatches, okx.bookDrifts]).toEqual([4, 4, 1]);
    expect(events).toEqual([{ key, kind: 'book_drift' }]);
    expect(state.sync!.valid).toBe(false);
    expect(books.booksWantingSnapshot()).toEqual([key]);
    expect(state.gapSinceSample).toBe(true);
    // Updates wait for the snapshot (no gap: the sequence never broke); the snapshot rebuilds the book.
    t += 100;
    books.ingest(okxUpdate(t, seq, seq + 1, '9'));
    seq += 1;
    books.ingest(okxRest(t + 50, seq, '9'));
    expect(state.sync!.valid).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(['book_drift', 'resync']);
    expect([okx.gaps, okx.resyncs]).toEqual([0, 1]);
    t += 400;
    books.ingest(okxUpdate(t, seq, seq + 1, '10'));
    books.ingest(okxTicker(t, '10'));
    expect([okx.driftChecks, okx.driftMismatches, okx.bookDrifts]).toEqual([5, 4, 1]);
  });
});
