import { beforeAll, describe, expect, it } from 'vitest';
import type { Instrument } from '../../../src/shared/core/model';
import { readCaptureFrames } from '../../../src/engine/capture/capture-reader';
import { binanceSpot, binanceUsdm } from '../../../src/engine/venues/binance';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { BookSync, Venue } from '../../../src/engine/venues/venue';
import { REAL, realRecording } from '../../support/shared-data';

interface ReplayOutcome {
  readonly syncs: Map<string, BookSync>;
  readonly instruments: Map<string, Instrument>;
  readonly rejected: string[];
  readonly ignored: number;
  readonly quotes: number;
}

/**
 * The tiny replay loop: map each frame in order, learn instruments from
 * exchangeInfo, feed book events to one sync per instrument.
 */
function replay(venue: Venue, frames: readonly RawFrame[]): ReplayOutcome {
  const mapper = venue.createMapper();
  const instruments = new Map<string, Instrument>();
  const syncs = new Map<string, BookSync>();
  const rejected: string[] = [];
  let ignored = 0;
  let quotes = 0;
  for (const frame of frames) {
    const result = mapper.map(frame);
    if (result.kind === 'instruments') {
      for (const instrument of result.instruments) instruments.set(instrument.symbol, instrument);
    } else if (result.kind === 'rejected') {
      rejected.push(`${result.reason}: ${result.detail}`);
    } else if (result.kind === 'ignored') {
      ignored += 1;
    } else {
      for (const event of result.events) {
        if (event.type === 'quote') quotes += 1;
        if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
        let sync = syncs.get(event.symbol);
        if (sync === undefined) {
          const instrument = instruments.get(event.symbol);
          if (instrument === undefined) throw new Error(`book event for ${event.symbol} before its instrument`);
          sync = venue.createBookSync(instrument);
          syncs.set(event.symbol, sync);
        }
        sync.apply(event);
      }
    }
  }
  return { syncs, instruments, rejected, ignored, quotes };
}

/** A row of the table in capture-format.md. */
function row(sync: BookSync | undefined) {
  if (sync === undefined) throw new Error('no book');
  return {
    bestBid: sync.book.bestBid()?.priceText,
    bestAsk: sync.book.bestAsk()?.priceText,
    bidLevels: sync.book.levelCount('bid'),
    askLevels: sync.book.levelCount('ask'),
    sequenceGaps: sync.stats.sequenceGaps,
    valid: sync.valid,
  };
}

/** Index of the n-th diff frame of `stream` (0-based). */
function nthDiff(frames: readonly RawFrame[], stream: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < frames.length; i += 1) {
    if (frames[i]!.kind === 'ws' && frames[i]!.data.startsWith(`{"stream":"${stream}"`)) {
      if (seen === n) return i;
      seen += 1;
    }
  }
  throw new Error(`no diff ${n} on ${stream}`);
}

function without(frames: readonly RawFrame[], index: number): RawFrame[] {
  return [...frames.slice(0, index), ...frames.slice(index + 1)];
}

describe('Binance spot real recording', () => {
  let frames: RawFrame[];
  beforeAll(async () => {
    frames = await readCaptureFrames(realRecording(REAL.binanceSpot));
  });

  it('reproduces the reference table', () => {
    const out = replay(binanceSpot, frames);
    expect(out.rejected).toEqual([]);
    expect(row(out.syncs.get('NKNUSDT'))).toEqual({
      bestBid: '0.35270000',
      bestAsk: '0.35310000',
      bidLevels: 614,
      askLevels: 994,
      sequenceGaps: 0,
      valid: true,
    });
    const nkn = out.syncs.get('NKNUSDT')!;
    expect(nkn.stats).toMatchObject({ resyncs: 0, checksumChecks: 0, checksumFailures: 0, rejectedLevels: 0 });
    expect(nkn.wantsSnapshot).toBe(false);
    expect(nkn.book.state()).toBe('ok');
  });

  it('syncs the other spot books too (each has a REST snapshot in the file)', () => {
    const out = replay(binanceSpot, frames);
    expect(row(out.syncs.get('BLZETH'))).toEqual({
      bestBid: '0.00006547', bestAsk: '0.00006560', bidLevels: 173, askLevels: 999, sequenceGaps: 0, valid: true,
    });
    // LRCBTC: the snapshot (…543) arrives before the diff 540-543, which is then dropped.
    expect(row(out.syncs.get('LRCBTC'))).toEqual({
      bestBid: '0.00000637', bestAsk: '0.00000638', bidLevels: 176, askLevels: 1000, sequenceGaps: 0, valid: true,
    });
    expect(row(out.syncs.get('RUNEEUR'))).toEqual({
      bestBid: '6.25100000', bestAsk: '6.26900000', bidLevels: 222, askLevels: 468, sequenceGaps: 0, valid: true,
    });
  });

  it('maps instruments, quotes and ignores trades and klines', () => {
    const out = replay(binanceSpot, frames);
    expect(out.instruments.get('NKNUSDT')).toEqual({
      venue: 'binance-spot', symbol: 'NKNUSDT', id: 'NKN-USDT-SPOT', type: 'spot', base: 'NKN', quote: 'USDT',
      tickSize: 0.0001, lotSize: 1, contractKind: 'spot', contractValue: 1,
    });
    expect(out.quotes).toBe(84);
    expect(out.ignored).toBe(4);
  });

  it('a dropped diff after sync is a gap: book invalid, wants a snapshot, no crash', () => {
    // Diff 0 is buffered and covered by the snapshot, diff 1 is the bridge; drop diff 5.
    const out = replay(binanceSpot, without(frames, nthDiff(frames, 'nknusdt@depth@100ms', 5)));
    const nkn = out.syncs.get('NKNUSDT')!;
    expect(nkn.stats.sequenceGaps).toBe(1);
    expect(nkn.valid).toBe(false);
    expect(nkn.wantsSnapshot).toBe(true);
    // The file has no later NKNUSDT snapshot, so no resync; other books are untouched.
    expect(nkn.stats.resyncs).toBe(0);
    expect(out.syncs.get('LRCBTC')!.valid).toBe(true);
  });

  it('a recorded snapshot replayed after the gap is too old to resync, and says so', () => {
    const dropAt = nthDiff(frames, 'nknusdt@depth@100ms', 5);
    const snapshot = frames.find((f) => f.kind === 'rest' && f.url.includes('depth?symbol=NKNUSDT'))!;
    const edited = without(frames, dropAt);
    edited.push(snapshot);
    const nkn = replay(binanceSpot, edited).syncs.get('NKNUSDT')!;
    // The buffered diffs start long after that snapshot: keep waiting for a newer one.
    expect(nkn.wantsSnapshot).toBe(true);
    expect(nkn.stats).toMatchObject({ sequenceGaps: 1, resyncs: 0 });
  });
});

describe('Binance USD-M real recording', () => {
  let frames: RawFrame[];
  beforeAll(async () => {
    frames = await readCaptureFrames(realRecording(REAL.binanceUsdm));
  });

  it('reproduces the reference table', () => {
    const out = replay(binanceUsdm, frames);
    expect(out.rejected).toEqual([]);
    expect(row(out.syncs.get('SUSHIUSDT'))).toEqual({
      bestBid: '7.6120', bestAsk: '7.6160', bidLevels: 1006, askLevels: 1000, sequenceGaps: 0, valid: true,
    });
    expect(row(out.syncs.get('AKROUSDT'))).toEqual({
      bestBid: '0.01734', bestAsk: '0.01735', bidLevels: 613, askLevels: 761, sequenceGaps: 0, valid: true,
    });
    for (const sync of out.syncs.values()) {
      expect(sync.stats).toMatchObject({ resyncs: 0, checksumChecks: 0, checksumFailures: 0, rejectedLevels: 0 });
    }
  });

  it('maps perpetual and delivery instruments', () => {
    const out = replay(binanceUsdm, frames);
    expect(out.instruments.get('SUSHIUSDT')).toEqual({
      venue: 'binance-usdm', symbol: 'SUSHIUSDT', id: 'SUSHI-USDT-PERP', type: 'perpetual', base: 'SUSHI', quote: 'USDT',
      tickSize: 0.001, lotSize: 1, contractKind: 'linear', contractValue: 1,
    });
    expect(out.instruments.get('BTCUSDT_210924')).toMatchObject({ id: 'BTC-USDT-210924', type: 'future', contractKind: 'linear' });
    expect(out.quotes).toBe(393);
    expect(out.ignored).toBe(78);
  });

  it('a dropped diff after sync breaks the pu chain: gap, invalid, later diffs buffered', () => {
    const out = replay(binanceUsdm, without(frames, nthDiff(frames, 'sushiusdt@depth@100ms', 10)));
    const sushi = out.syncs.get('SUSHIUSDT')!;
    expect(sushi.stats.sequenceGaps).toBe(1);
    expect(sushi.valid).toBe(false);
    expect(sushi.wantsSnapshot).toBe(true);
    expect(sushi.stats.resyncs).toBe(0);
    expect(row(out.syncs.get('AKROUSDT')).valid).toBe(true);
  });
});
