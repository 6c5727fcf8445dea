import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { VenueBooks } from '../../src/engine/pipeline/venue-books';
import { binanceSpot } from '../../src/engine/venues/binance';
import { okx } from '../../src/engine/venues/okx';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { REAL, realRecording } from '../support/shared-data';

/** Issue 10 items 2, 3 and 6 on the real recordings, through VenueBooks (mapper, sync, book) as replay and live run them. */

const settings = { staleTimeoutMs: 5_000, depthBandsBps: [10] };

function replay(frames: readonly RawFrame[], limits?: ConstructorParameters<typeof VenueBooks>[0]['limits']): VenueBooks {
  const books = new VenueBooks({ ...settings, ...(limits ? { limits } : {}) });
  for (const frame of frames) books.ingest(frame);
  return books;
}

function syncOf(books: VenueBooks, key: string) {
  const sync = books.instrumentStates().find((s) => s.key === key)?.sync;
  if (!sync) throw new Error(`no book ${key}`);
  return sync;
}

/** Index of the n-th frame whose data starts with `prefix`. */
function nth(frames: readonly RawFrame[], prefix: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < frames.length; i += 1) {
    if (frames[i]!.data.startsWith(prefix) && seen++ === n) return i;
  }
  throw new Error(`no frame ${n} starting ${prefix}`);
}

function replaced(frames: readonly RawFrame[], index: number, data: string): RawFrame[] {
  const out = [...frames];
  out[index] = { ...frames[index]!, data };
  return out;
}

/** The frame's first bid level, `["<price>","<size>"` in the JSON text, with its price replaced. */
function withFirstBidPrice(data: string, key: string, price: string): string {
  const at = data.indexOf(`"${key}":[["`);
  if (at === -1) throw new Error(`no ${key} levels in ${data.slice(0, 80)}`);
  const start = at + key.length + 6;
  const end = data.indexOf('"', start);
  return `${data.slice(0, start)}${price}${data.slice(end)}`;
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('a malformed diff invalidates its book (item 3), Binance spot real recording', () => {
  let frames: RawFrame[];
  let index: number;
  beforeAll(async () => {
    frames = await readCaptureFrames(realRecording(REAL.binanceSpot));
    // The 40th NKNUSDT diff: well after its REST snapshot, so the book is valid when it comes.
    index = nth(frames, '{"stream":"nknusdt@depth@100ms"', 40);
  });

  it('the unmutated recording ends with NKNUSDT valid (the reference)', () => {
    const books = replay(frames);
    expect(books.counters.rejected).toEqual({});
    expect(syncOf(books, 'binance-spot:NKNUSDT').valid).toBe(true);
  });

  for (const price of ['0', '1e999', '0.0e5', '-0.3527']) {
    it(`a diff with a bid at ${price} is refused whole, counted, and its book stays invalid until a snapshot`, () => {
      const mutated = replaced(frames, index, withFirstBidPrice(frames[index]!.data, 'b', price));
      const books = new VenueBooks(settings);
      for (const frame of mutated.slice(0, index)) books.ingest(frame);
      const sync = syncOf(books, 'binance-spot:NKNUSDT');
      expect(sync.valid).toBe(true);
      const before = sync.book.bestBid()!.priceText;
      books.ingest(mutated[index]!);
      expect(books.counters.rejected).toEqual({ bad_number: 1 });
      expect(sync.valid).toBe(false);
      expect(sync.wantsSnapshot).toBe(true);
      expect(books.booksWantingSnapshot()).toContain('binance-spot:NKNUSDT');
      // None of its levels reached the book: the invalidated book is empty, not half-applied.
      expect(sync.book.bestBid()?.priceText).not.toBe(price);
      expect(before).not.toBe(price);
      for (const frame of mutated.slice(index + 1)) books.ingest(frame);
      // The recording has no later NKNUSDT snapshot: invalid to the end; the other books are untouched.
      expect(sync.valid).toBe(false);
      expect(syncOf(books, 'binance-spot:BLZETH').valid).toBe(true);
      const sample = books.sample(frames[frames.length - 1]!.t).find((s) => s.key === 'binance-spot:NKNUSDT')!;
      expect(sample.bookValid).toBe(false);
    });
  }

  it('a size of 1e999 is bad_number, a negative size negative_size; both invalidate the book', () => {
    const data = frames[index]!.data;
    const at = data.indexOf('"b":[["');
    const sizeStart = data.indexOf('","', at) + 3;
    const sizeEnd = data.indexOf('"', sizeStart);
    for (const [size, reason] of [['1e999', 'bad_number'], ['-5', 'negative_size']] as const) {
      const books = replay(replaced(frames, index, `${data.slice(0, sizeStart)}${size}${data.slice(sizeEnd)}`));
      expect(books.counters.rejected).toEqual({ [reason]: 1 });
      expect(syncOf(books, 'binance-spot:NKNUSDT').valid).toBe(false);
    }
  });
});

describe('a malformed update invalidates its book (item 3), OKX real recording', () => {
  let frames: RawFrame[];
  beforeAll(async () => {
    frames = await readCaptureFrames(realRecording(REAL.okx));
  });

  it('price 0 in an update: refused, counted, UNI-USD-SWAP invalid to the end (the socket snapshot came first)', () => {
    const index = nth(frames, '{"arg":{"channel":"books","instId":"UNI-USD-SWAP"},"action":"update"', 20);
    const data = frames[index]!.data;
    const key = data.includes('"bids":[["') ? 'bids' : 'asks';
    const books = replay(replaced(frames, index, withFirstBidPrice(data, key, '0')));
    expect(books.counters.rejected).toEqual({ bad_number: 1 });
    const sync = syncOf(books, 'okx:UNI-USD-SWAP');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    // Not a checksum failure: the update never reached the book, so nothing was checked against it.
    expect(sync.stats.checksumFailures).toBe(0);
    expect(replay(frames).counters.rejected).toEqual({});
  });
});

describe('deeply nested and oversized JSON (item 2)', () => {
  let spot: RawFrame[];
  let okxFrames: RawFrame[];
  beforeAll(async () => {
    spot = await readCaptureFrames(realRecording(REAL.binanceSpot));
    okxFrames = await readCaptureFrames(realRecording(REAL.okx));
  });

  it('5,000 levels of nesting, alone or inside a level, are too_deep in both mappers, never thrown', () => {
    const ws = (venue: string, data: string): RawFrame => ({ t: 1_634_000_000_000, venue, kind: 'ws', url: 'wss://x/ws', data });
    for (const venue of [binanceSpot, okx]) {
      const mapper = venue.createMapper();
      expect(mapper.map(ws(venue.id, deep(5_000)))).toMatchObject({ kind: 'rejected', reason: 'too_deep' });
      expect(mapper.map(ws(venue.id, `{"a":${deep(5_000)}}`))).toMatchObject({ kind: 'rejected', reason: 'too_deep' });
    }
    const binanceDiff = '{"stream":"nknusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"NKNUSDT","U":1,"u":2,"b":[[' + deep(5_000) + ',"1"]],"a":[]}}';
    expect(binanceSpot.createMapper().map(ws('binance-spot', binanceDiff))).toMatchObject({ kind: 'rejected', reason: 'too_deep', symbol: 'NKNUSDT' });
    const okxUpdate = '{"arg":{"channel":"books","instId":"UNI-USD-SWAP"},"action":"update","data":[{"bids":[["5.1",' + deep(5_000) + ']],"asks":[]}]}';
    expect(okx.createMapper().map(ws('okx', okxUpdate))).toMatchObject({ kind: 'rejected', reason: 'too_deep', symbol: 'UNI-USD-SWAP' });
  });

  it('a deep frame in the middle of a real replay is counted and invalidates the book it names', () => {
    const index = nth(spot, '{"stream":"nknusdt@depth@100ms"', 40);
    const data = spot[index]!.data;
    const at = data.indexOf('"b":[[') + 5;
    const books = replay(replaced(spot, index, `${data.slice(0, at)}${deep(5_000)},${data.slice(at)}`));
    expect(books.counters.rejected).toEqual({ too_deep: 1 });
    expect(syncOf(books, 'binance-spot:NKNUSDT').valid).toBe(false);

    const okxBooks = replay([...okxFrames.slice(0, 50), { ...okxFrames[50]!, data: deep(5_000) }, ...okxFrames.slice(51)]);
    expect(okxBooks.counters.rejected).toEqual({ too_deep: 1 });
    expect(syncOf(okxBooks, 'okx:UNI-USD-SWAP').valid).toBe(true);
  });

  it('a frame over limits.ws_max_payload_bytes / rest_body_bytes is too_large before it is parsed', () => {
    const limits = { wsMaxPayloadBytes: 65_536, restBodyBytes: 65_536 };
    const books = replay(spot, limits);
    // The exchangeInfo body (2 MB) is refused; nothing else in the recording is that long.
    const long = spot.filter((f) => f.data.length > 65_536);
    expect(long.map((f) => f.url)).toEqual(['https://api.binance.com/api/v3/exchangeInfo']);
    expect(books.counters.rejected).toEqual({ too_large: 1 });
    const big: RawFrame = { t: 1_634_000_000_000, venue: 'okx', kind: 'ws', url: 'wss://x', data: `{"event":"x","pad":"${'x'.repeat(70_000)}"}` };
    expect(okx.createMapper(limits).map(big)).toMatchObject({ kind: 'rejected', reason: 'too_large' });
    expect(okx.createMapper().map(big)).toEqual({ kind: 'ignored', what: 'x' });
  });
});

describe('levels per book side (item 6)', () => {
  it('a snapshot past limits.book_levels_per_side is too_many_levels: the book is dropped, invalid, counted', async () => {
    const frames = await readCaptureFrames(realRecording(REAL.binanceSpot));
    const books = replay(frames, { bookLevelsPerSide: 500 });
    const nkn = syncOf(books, 'binance-spot:NKNUSDT');
    expect(nkn.valid).toBe(false);
    expect(nkn.book.levelCount('bid') + nkn.book.levelCount('ask')).toBe(0);
    expect(nkn.stats.levelCapOverflows).toBeGreaterThanOrEqual(1);
    expect(books.counters.rejected.too_many_levels).toBeGreaterThanOrEqual(1);
    // BLZETH ends with 173 bids and 999 asks: past 500 too. The default cap keeps every real book.
    const free = replay(frames);
    expect(free.counters.rejected).toEqual({});
    expect(syncOf(free, 'binance-spot:NKNUSDT').valid).toBe(true);
  });
});
