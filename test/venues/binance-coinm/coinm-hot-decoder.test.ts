import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../../src/engine/capture/capture-reader';
import { numericLevelsOf } from '../../../src/engine/decode/numeric-book-message';
import { BinanceMapper } from '../../../src/engine/venues/binance/binance-mapper';
import { HotBinanceDecoder } from '../../../src/engine/venues/binance/hot-binance';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { MapResult } from '../../../src/engine/venues/venue';
import { realRecording } from '../../support/shared-data';

/**
 * COIN-M through the hot decoder (docs/decoder.md) and through the JSON
 * path: the decoder takes the real depth and bookTicker frames, both give
 * the same events, and both refuse a depthUpdate without `pu` (COIN-M
 * chains by it, as USD-M does).
 */

let frames: RawFrame[];
beforeAll(async () => {
  frames = await readCaptureFrames(realRecording('binance-coinm-2021-07-22.jsonl'));
});

/** The hot path's numeric book messages as the plain events the JSON path makes. */
function plain(result: MapResult): MapResult {
  if (result.kind !== 'events') return result;
  return { kind: 'events', events: result.events.map((e) => (e.type === 'book_snapshot' || e.type === 'book_delta' ? (numericLevelsOf(e)?.plain() ?? e) : e)) };
}

describe('binance-coinm hot decoder', () => {
  it('takes every real depth and bookTicker frame and every dapi snapshot, with the JSON path events', () => {
    const decoder = new HotBinanceDecoder('binance-coinm', 'coinm');
    const hot = frames.filter((f) => f.kind === 'ws' && /@depth@100ms|@bookTicker/.test(f.data.slice(0, 60)));
    expect(hot.length).toBeGreaterThan(1000);
    expect(hot.filter((f) => decoder.decode(f) === undefined)).toEqual([]);
    const snapshots = frames.filter((f) => f.kind === 'rest' && f.url.includes('/dapi/v1/depth?'));
    expect(snapshots.length).toBe(3);
    for (const f of snapshots) expect(decoder.restDepth(f, new URL(f.url).searchParams.get('symbol')!)).toBeDefined();
    const fast = new BinanceMapper('coinm');
    const slow = new BinanceMapper('coinm', undefined, { hotDecoder: false });
    for (const f of frames) expect(plain(fast.map(f)), f.data.slice(0, 120)).toStrictEqual(slow.map(f));
  });

  it('an odd ps or REST symbol / pair value is left to the JSON path, with the same result', () => {
    const fast = new BinanceMapper('coinm');
    const slow = new BinanceMapper('coinm', undefined, { hotDecoder: false });
    const odd = frames
      .filter((f) => f.data.includes('"ps":"') || f.data.includes('"pair":"'))
      .slice(0, 400)
      .flatMap((f) => [
        { ...f, data: f.data.replace(/"ps":"[A-Z]+"/, '"ps":5') },
        { ...f, data: f.data.replace(/"pair":"[A-Z]+"/, '"pair":null') },
        { ...f, data: f.data.replace(/"symbol":"[A-Z_]+"/, '"symbol":"X\\u0041"') },
      ]);
    expect(odd.length).toBe(1200);
    for (const f of odd) expect(plain(fast.map(f)), f.data.slice(0, 160)).toStrictEqual(slow.map(f));
  });

  it('a depthUpdate without pu is refused on both paths, naming the field and the book', () => {
    const depth = frames.find((f) => f.kind === 'ws' && f.data.startsWith('{"stream":"etcusd_perp@depth@100ms"'))!;
    const noPu: RawFrame = { ...depth, data: depth.data.replace(/,"pu":\d+/, '') };
    expect(noPu.data).not.toContain('"pu"');
    expect(new HotBinanceDecoder('binance-coinm', 'coinm').decode(noPu)).toBeUndefined();
    for (const mapper of [new BinanceMapper('coinm'), new BinanceMapper('coinm', undefined, { hotDecoder: false })]) {
      expect(mapper.map(noPu)).toMatchObject({ kind: 'rejected', reason: 'missing_field', symbol: 'ETCUSD_PERP' });
    }
  });
});
