import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCaptureFrame } from '../../src/engine/capture/capture-reader';
import { VenueBooks, type BookSample } from '../../src/engine/pipeline/venue-books';
import { SamplePacker, SampleUnpacker, type PackedSamples } from '../../src/engine/workers/packed-samples';
import type { Instrument } from '../../src/shared/core/model';
import { REAL, realRecording } from '../support/shared-data';

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** Sends through a real MessageChannel: the structured clone a worker hop does. */
async function hop(packed: PackedSamples): Promise<PackedSamples> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const got = new Promise<PackedSamples>((resolve) => port2.once('message', resolve));
  port1.postMessage(packed);
  return got;
}

/** Boundaries of real recordings' books, as a feed worker samples them. */
function realBoundaries(name: string): BookSample[][] {
  const path = realRecording(name);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const books = new VenueBooks({ staleTimeoutMs: 10_000, depthBandsBps: [10, 25, 50, 100] });
  const out: BookSample[][] = [];
  let next = 0;
  lines.slice(1).forEach((line, i) => {
    const frame = parseCaptureFrame(path, i + 2, line);
    if (frame.t >= next) {
      if (next > 0) out.push(books.sample(next));
      next = Math.ceil((frame.t + 1) / 1000) * 1000;
    }
    books.ingest(frame);
  });
  return out.filter((samples) => samples.length > 0);
}

const PERP: Instrument = { venue: 'okx', symbol: 'X-USDT-SWAP', id: 'X-USDT-PERP', type: 'perpetual', base: 'X', quote: 'USDT', tickSize: 0.1, contractKind: 'linear', contractValue: 0.01 };

describe('book samples packed for the feed -> analytics hop', () => {
  it.each([REAL.binanceUsdm, REAL.binanceSpot, REAL.okx])('arrive exactly as sampled from %s, every boundary, through a real MessageChannel', async (name) => {
    const boundaries = realBoundaries(name);
    expect(boundaries.length).toBeGreaterThan(3);
    const packer = new SamplePacker();
    const unpacker = new SampleUnpacker();
    let sentInstruments = 0;
    for (const samples of boundaries) {
      const packed = await hop(packer.pack(samples[0]!.time, samples));
      sentInstruments += packed.instruments.length;
      expect(unpacker.unpack(packed)).toStrictEqual(samples);
    }
    // Instruments go once each unless they change, not with every boundary.
    const keys = new Set(boundaries.flat().map((s) => s.key));
    expect(sentInstruments).toBeLessThan(boundaries.length * keys.size);
    expect(sentInstruments).toBeGreaterThanOrEqual(keys.size);
  });

  it('keeps what is absent absent and odd numbers as they are, and sends an instrument again when it changed', async () => {
    const packer = new SamplePacker();
    const unpacker = new SampleUnpacker();
    const base: BookSample = {
      key: 'okx:X-USDT-SWAP',
      instrument: PERP,
      time: 5_000,
      values: { mid: -0, spread_bps: NaN, depth_bid_10bps: Infinity, imbalance: -Infinity },
      covered: { depth_bid_10bps: false, depth_ask_10bps: true },
      bookValid: false,
      venueStale: true,
      gapSinceSample: true,
      referenceStale: false,
      markPrice: 0,
      fundingIntervalMs: 3_600_000,
    };
    const bare: BookSample = { key: 'okx:Y-USDT', instrument: { ...PERP, symbol: 'Y-USDT', id: 'Y-USDT-SPOT', type: 'spot' }, time: 5_000, values: {}, covered: {}, bookValid: true, venueStale: false, gapSinceSample: false, referenceStale: true };
    const first = await hop(packer.pack(5_000, [base, bare]));
    expect(first.instruments.map(([i]) => i)).toEqual([0, 1]);
    const out = unpacker.unpack(first);
    expect(out).toStrictEqual([base, bare]);
    expect(Object.is(out[0]!.values.mid, -0)).toBe(true);
    expect('indexPrice' in out[0]!).toBe(false);
    // Same instrument objects: nothing resent. A changed one (new object, new contract value) goes again.
    const changed = { ...PERP, contractValue: 0.1 };
    const second = await hop(packer.pack(6_000, [{ ...base, time: 6_000, instrument: changed }, { ...bare, time: 6_000 }]));
    expect(second.instruments).toEqual([[0, changed]]);
    expect(unpacker.unpack(second)[0]!.instrument).toStrictEqual(changed);
    // A sample whose instrument the receiver never got is an error, not a guess.
    expect(() => new SampleUnpacker().unpack(second)).toThrow(/no instrument was ever sent for okx:Y-USDT/);
  });
});
