import { describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { InstrumentDirectory } from '../../src/engine/pipeline/instrument-directory';
import type { BookDeltaEvent, BookSnapshotEvent } from '../../src/shared/core/model';
import { venueById } from '../../src/engine/venues/registry';
import type { BookSync, BookSyncState, SyncResult } from '../../src/engine/venues/venue';
import { REAL, realRecording } from '../support/shared-data';

/**
 * BookSync.checkpoint() / restore() per venue on the real recordings: a sync
 * restored from a checkpoint taken mid-stream, then fed the remaining book
 * messages, is the sync fed all of them (levels as strings, update id,
 * validity, counters, every message's result), and a message skipped right
 * after a restore is caught as the gap it is.
 */
type BookEvent = BookSnapshotEvent | BookDeltaEvent;

async function bookStreams(name: string): Promise<{ venue: string; streams: Map<string, BookEvent[]>; directory: InstrumentDirectory }> {
  const frames = await readCaptureFrames(realRecording(name));
  const venue = frames[0]!.venue;
  const mapper = venueById(venue)!.createMapper();
  const directory = new InstrumentDirectory();
  const streams = new Map<string, BookEvent[]>();
  for (const frame of frames) {
    const result = mapper.map(frame);
    if (result.kind === 'instruments') directory.addMetadata(result.instruments);
    if (result.kind !== 'events') continue;
    for (const event of result.events) {
      if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
      let list = streams.get(event.symbol);
      if (!list) streams.set(event.symbol, (list = []));
      list.push(event);
    }
  }
  return { venue, streams, directory };
}

/** Everything a sync shows: validity, ids, time, counters, and every level's strings. */
function view(sync: BookSync): unknown {
  const side = (s: 'bid' | 'ask') => sync.book.top(s, Number.MAX_SAFE_INTEGER).map((l) => `${l.priceText}@${l.sizeText}`);
  return { valid: sync.valid, wants: sync.wantsSnapshot, id: sync.lastUpdateId, time: sync.lastUpdateTime, deep: sync.deepVerifiable ?? false, stats: { ...sync.stats }, bids: side('bid'), asks: side('ask') };
}

/** A checkpoint as it comes back from the sidecar: through JSON. */
const stored = (state: BookSyncState): BookSyncState => JSON.parse(JSON.stringify(state)) as BookSyncState;

const cases = [
  { name: REAL.binanceUsdm, symbols: ['SUSHIUSDT', 'AKROUSDT'] },
  { name: REAL.binanceSpot, symbols: ['NKNUSDT'] },
  { name: REAL.okx, symbols: ['UNI-USD-SWAP'] },
];

describe.each(cases)('BookSync restore on $name', ({ name, symbols }) => {
  it.each(symbols)('%s: restored mid-stream then fed the rest equals the sync fed everything', async (symbol) => {
    const { venue, streams, directory } = await bookStreams(name);
    const events = streams.get(symbol)!;
    expect(events.length).toBeGreaterThan(20);
    const make = () => venueById(venue)!.createBookSync(directory.resolve(venue, symbol));
    const full = make();
    const results: SyncResult[] = [];
    const views: unknown[] = [];
    const states: (BookSyncState | undefined)[] = [];
    for (const event of events) {
      results.push(full.apply(event));
      views.push(view(full));
      const state = full.checkpoint();
      states.push(state === undefined ? undefined : stored(state));
    }
    const fullEnd = view(full);
    expect(full.valid).toBe(true);
    // Cuts: right after the first snapshot that took (USD-M still bridging on it), then across the stream.
    const firstTaken = events.findIndex((e, i) => e.type === 'book_snapshot' && results[i] === 'applied');
    const near = (i: number): number => {
      for (let j = Math.floor(i); j < events.length - 1; j++) if (states[j] !== undefined && (views[j] as { valid: boolean }).valid) return j;
      throw new Error(`no checkpoint after ${i}`);
    };
    const cuts = [...new Set([near(firstTaken), near(events.length / 3), near(events.length / 2), near((events.length * 2) / 3)])];
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    for (const cut of cuts) {
      const restored = make();
      restored.restore(states[cut]!);
      expect(view(restored), `${symbol} restored at ${cut}`).toEqual(views[cut]);
      expect(stored(restored.checkpoint()!), `${symbol} checkpoint again at ${cut}`).toEqual(states[cut]);
      for (let i = cut + 1; i < events.length; i++) expect(restored.apply(events[i]!), `${symbol} message ${i} after a restore at ${cut}`).toBe(results[i]);
      expect(view(restored), `${symbol} at the end after a restore at ${cut}`).toEqual(fullEnd);
    }
    // The control: a sync that was not restored takes the same rest differently (the comparison above can fail).
    const fresh = make();
    const mid = cuts[cuts.length - 1]!;
    for (let i = mid + 1; i < events.length; i++) fresh.apply(events[i]!);
    expect(view(fresh)).not.toEqual(fullEnd);
  });

  it.each(symbols)('%s: a message skipped right after a restore is a gap', async (symbol) => {
    const { venue, streams, directory } = await bookStreams(name);
    const events = streams.get(symbol)!;
    const make = () => venueById(venue)!.createBookSync(directory.resolve(venue, symbol));
    const full = make();
    const results: SyncResult[] = [];
    const states: (BookSyncState | undefined)[] = [];
    for (const event of events) {
      results.push(full.apply(event));
      const state = full.checkpoint();
      states.push(state && full.valid ? stored(state) : undefined);
    }
    // Mid-stream, a checkpoint followed by two diffs that change the book.
    let cut = Math.floor(events.length / 2);
    while (!(states[cut] && events[cut + 1]?.type === 'book_delta' && events[cut + 2]?.type === 'book_delta' && results[cut + 1] === 'applied' && results[cut + 2] === 'applied')) cut++;
    const state = states[cut]!;
    const restored = make();
    restored.restore(state);
    expect(restored.apply(events[cut + 2]!)).toBe('resync');
    expect(restored.valid).toBe(false);
    expect(restored.wantsSnapshot).toBe(true);
    if (venue === 'okx') {
      // The 2022 protocol has no seqId: the checksum is what catches a lost update.
      expect(restored.stats.checksumFailures).toBe(state.stats.checksumFailures + 1);
    } else {
      expect(restored.stats.sequenceGaps).toBe(state.stats.sequenceGaps + 1);
    }
    // Not skipping it, the same restore applies it; a sync without the restore only holds or drops it.
    const inOrder = make();
    inOrder.restore(state);
    expect(inOrder.apply(events[cut + 1]!)).toBe('applied');
    expect(inOrder.valid).toBe(true);
    expect(make().apply(events[cut + 2]!)).not.toBe('resync');
  });
});

describe('BookSync restore refuses what is not its own', () => {
  it('another venue, another market or damaged levels: throws and leaves the sync reset', async () => {
    const usdm = await bookStreams(REAL.binanceUsdm);
    const okx = await bookStreams(REAL.okx);
    const usdmSync = venueById('binance-usdm')!.createBookSync(usdm.directory.resolve('binance-usdm', 'SUSHIUSDT'));
    for (const event of usdm.streams.get('SUSHIUSDT')!) usdmSync.apply(event);
    const okxSync = venueById('okx')!.createBookSync(okx.directory.resolve('okx', 'UNI-USD-SWAP'));
    for (const event of okx.streams.get('UNI-USD-SWAP')!) okxSync.apply(event);
    const binanceState = stored(usdmSync.checkpoint()!);
    const okxState = stored(okxSync.checkpoint()!);
    const target = venueById('okx')!.createBookSync(okx.directory.resolve('okx', 'UNI-USD-SWAP'));
    expect(() => target.restore(binanceState)).toThrow(/not a okx book-sync checkpoint/);
    expect([target.valid, target.book.levelCount('bid')]).toEqual([false, 0]);
    const spot = venueById('binance-spot')!.createBookSync(usdm.directory.resolve('binance-spot', 'SUSHIUSDT'));
    expect(() => spot.restore(binanceState)).toThrow(/another market/);
    expect(() => venueById('binance-usdm')!.createBookSync(usdm.directory.resolve('binance-usdm', 'SUSHIUSDT')).restore(okxState)).toThrow(/not a binance usdm book-sync checkpoint/);
    const damaged = { ...binanceState, bids: [['7.6120', 'x'], ...binanceState.bids.slice(1)] } as BookSyncState;
    const victim = venueById('binance-usdm')!.createBookSync(usdm.directory.resolve('binance-usdm', 'SUSHIUSDT'));
    expect(() => victim.restore(damaged)).toThrow(/levels this book cannot take/);
    expect([victim.valid, victim.book.levelCount('ask')]).toEqual([false, 0]);
  });
});
