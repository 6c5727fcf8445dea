import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../../src/engine/capture/capture-reader';
import type { Instrument } from '../../../src/shared/core/model';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { BookSync, SyncResult } from '../../../src/engine/venues/venue';
import { okx } from '../../../src/engine/venues/okx';
import { REAL, realRecording } from '../../support/shared-data';

/** What one replay saw. */
interface Replay {
  readonly instruments: Map<string, Instrument>;
  readonly syncs: Map<string, BookSync>;
  readonly mapped: Record<string, number>;
  readonly syncResults: SyncResult[];
}

/** Mapper + one sync per instrument, the way replay wires a venue; instruments come from the public/instruments frames. */
function replay(frames: readonly RawFrame[]): Replay {
  const mapper = okx.createMapper();
  const instruments = new Map<string, Instrument>();
  const syncs = new Map<string, BookSync>();
  const mapped: Record<string, number> = {};
  const syncResults: SyncResult[] = [];
  const count = (key: string) => (mapped[key] = (mapped[key] ?? 0) + 1);
  for (const frame of frames) {
    const result = mapper.map(frame);
    switch (result.kind) {
      case 'instruments':
        count('instruments');
        for (const instrument of result.instruments) instruments.set(instrument.symbol, instrument);
        break;
      case 'ignored':
        count(`ignored:${result.what}`);
        break;
      case 'rejected':
        count(`rejected:${result.reason}`);
        break;
      case 'events':
        for (const event of result.events) {
          count(event.type);
          if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
          let sync = syncs.get(event.symbol);
          if (sync === undefined) {
            const instrument = instruments.get(event.symbol);
            if (instrument === undefined) throw new Error(`book for unknown instrument ${event.symbol}`);
            sync = okx.createBookSync(instrument);
            syncs.set(event.symbol, sync);
          }
          syncResults.push(sync.apply(event));
        }
        break;
    }
  }
  return { instruments, syncs, mapped, syncResults };
}

const isBookUpdate = (frame: RawFrame) => frame.kind === 'ws' && frame.data.includes('"channel":"books"') && frame.data.includes('"action":"update"');

describe('OKX real recording (okx-2022-05-13-uni-usd-swap)', () => {
  let frames: RawFrame[];
  beforeAll(async () => {
    frames = await readCaptureFrames(realRecording(REAL.okx));
  });

  it('reproduces the table of capture-format.md for UNI-USD-SWAP', () => {
    const { syncs, mapped, syncResults } = replay(frames);
    const sync = syncs.get('UNI-USD-SWAP')!;
    expect([...syncs.keys()]).toEqual(['UNI-USD-SWAP']);
    expect(sync.book.bestBid()?.priceText).toBe('5.137');
    expect(sync.book.bestAsk()?.priceText).toBe('5.145');
    expect(sync.book.levelCount('bid')).toBe(125);
    expect(sync.book.levelCount('ask')).toBe(118);
    expect(sync.stats.checksumFailures).toBe(0);
    expect(sync.stats.checksumChecks).toBe(93);
    expect(sync.stats).toMatchObject({ sequenceGaps: 0, resyncs: 0, rejectedLevels: 0, bookUpdates: 93 });
    expect(sync.valid).toBe(true);
    expect(sync.wantsSnapshot).toBe(false);
    expect(sync.book.state()).toBe('ok');
    expect(syncResults.every((r) => r === 'applied')).toBe(true);
    expect(mapped).toEqual({
      instruments: 3,
      'ignored:subscribe': 6,
      'ignored:trades': 1,
      quote: 1,
      book_snapshot: 1,
      book_delta: 92,
    });
  });

  it('maps the instrument metadata: UNI-USD-SWAP is inverse, 10 USD a contract', () => {
    const { instruments } = replay(frames);
    expect(instruments.get('UNI-USD-SWAP')).toEqual({
      venue: 'okx',
      symbol: 'UNI-USD-SWAP',
      id: 'UNI-USD-PERP',
      type: 'perpetual',
      base: 'UNI',
      quote: 'USD',
      tickSize: 0.001,
      lotSize: 1,
      contractKind: 'inverse',
      contractValue: 10,
      indexSymbol: 'UNI-USD',
    });
    expect(instruments.get('BTC-USDT-SWAP')).toMatchObject({ id: 'BTC-USDT-PERP', contractKind: 'linear', contractValue: 0.01, indexSymbol: 'BTC-USDT' });
    expect(instruments.get('BTC-USDT')).toMatchObject({ id: 'BTC-USDT-SPOT', contractKind: 'spot', contractValue: 1 });
    expect(instruments.get('BTC-USD-220520')).toMatchObject({ id: 'BTC-USD-220520', type: 'future', contractKind: 'inverse', contractValue: 100 });
    const byType = { spot: 0, perpetual: 0, future: 0 };
    for (const instrument of instruments.values()) byType[instrument.type] += 1;
    expect(byType).toEqual({ spot: 513, perpetual: 166, future: 104 });
  });

  it('one altered size in a real update fails its checksum; a later snapshot rebuilds the book and counts a resync', () => {
    const updates = frames.flatMap((frame, i) => (isBookUpdate(frame) ? [i] : []));
    const corruptAt = updates[0]!;
    const rebuildAt = updates[10]!; // the snapshot goes in before this update
    const original = frames[corruptAt]!;
    const altered = original.data.replace('["5.14","427",', '["5.14","428",');
    expect(altered).not.toBe(original.data);

    // The rebuilding snapshot: the true book just before `rebuildAt` (from a clean
    // replay), carrying the checksum the exchange sent for that state.
    const clean = replay(frames.slice(0, rebuildAt)).syncs.get('UNI-USD-SWAP')!;
    const previous = JSON.parse(frames[rebuildAt - 1]!.data) as { data: [{ checksum: number; ts: string }] };
    const wire = (side: 'bid' | 'ask') => clean.book.top(side, Number.MAX_SAFE_INTEGER).map((l) => [l.priceText, l.sizeText, '0', '1']);
    const snapshotFrame: RawFrame = {
      ...original,
      t: frames[rebuildAt - 1]!.t,
      data: JSON.stringify({
        arg: { channel: 'books', instId: 'UNI-USD-SWAP' },
        action: 'snapshot',
        data: [{ asks: wire('ask'), bids: wire('bid'), ts: previous.data[0].ts, checksum: previous.data[0].checksum }],
      }),
    };

    const corrupted = [
      ...frames.slice(0, corruptAt),
      { ...original, data: altered },
      ...frames.slice(corruptAt + 1, rebuildAt),
      snapshotFrame,
      ...frames.slice(rebuildAt),
    ];
    // Stop right after the altered frame: failure seen, book invalid.
    const broken = replay(corrupted.slice(0, corruptAt + 1));
    const brokenSync = broken.syncs.get('UNI-USD-SWAP')!;
    expect(broken.syncResults.at(-1)).toBe('resync');
    expect(brokenSync.valid).toBe(false);
    expect(brokenSync.wantsSnapshot).toBe(true);
    expect(brokenSync.stats).toMatchObject({ checksumChecks: 2, checksumFailures: 1, resyncs: 0 });

    const { syncs, syncResults } = replay(corrupted);
    const sync = syncs.get('UNI-USD-SWAP')!;
    // Updates between the failure and the snapshot cannot be trusted: none applied.
    expect(syncResults.slice(2, 11)).toEqual(Array(9).fill('dropped'));
    expect(syncResults[11]).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.stats).toMatchObject({ checksumFailures: 1, resyncs: 1, sequenceGaps: 0 });
    // ...and the rest of the file ends on the same book as the clean replay.
    expect(sync.book.bestBid()?.priceText).toBe('5.137');
    expect(sync.book.bestAsk()?.priceText).toBe('5.145');
    expect(sync.book.levelCount('bid')).toBe(125);
    expect(sync.book.levelCount('ask')).toBe(118);
    expect(sync.stats.checksumChecks).toBe(1 + 1 + 1 + (updates.length - 10));
  });
});
