import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { NumericBookMessage } from '../../src/engine/decode/numeric-book-message';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { MapResultDecoder, MapResultEncoder, StringTable } from '../../src/engine/venues/map-result-codec';
import { venueById } from '../../src/engine/venues/registry';
import type { MapResult } from '../../src/engine/venues/venue';
import { mutateCapture } from '../fuzz/mutator';
import { mulberry32 } from '../support/prng';
import { RECORDINGS, realRecording } from '../support/shared-data';

// What a replay's read-ahead thread maps must reach the replay's thread unchanged: every kind of result
// (events of every type, numeric book messages as their class, refusals, ignored frames, instruments).

const recordings: Record<string, RawFrame[]> = {};
beforeAll(async () => {
  for (const name of Object.values(RECORDINGS)) recordings[name] = await readCaptureFrames(realRecording(name));
});

/** Maps the frames, encodes every result into one batch, decodes them back; [original, decoded] per encoded frame and how many were not encoded. */
function roundTrip(frames: readonly RawFrame[]): { pairs: [MapResult, MapResult][]; skipped: MapResult[] } {
  const mapper = venueById(frames[0]!.venue)!.createMapper(undefined);
  const table = new StringTable();
  const encoder = new MapResultEncoder(table);
  const encoded: MapResult[] = [];
  const skipped: MapResult[] = [];
  for (const frame of frames) {
    const result = mapper.map(frame);
    (encoder.encode(result) ? encoded : skipped).push(result);
  }
  const decoder = new MapResultDecoder(encoder.finish(), table.strings);
  return { pairs: encoded.map((result) => [result, decoder.next()]), skipped };
}

const kindsOf = (results: readonly MapResult[]): Set<string> =>
  new Set(results.flatMap((r) => (r.kind === 'events' ? r.events.map((e) => `${e.type}${e instanceof NumericBookMessage ? ' (numeric)' : ''}`) : [r.kind])));

describe('map-result codec', () => {
  it.each(Object.values(RECORDINGS))('%s: every real frame\'s result comes back equal, numeric book messages as their class', (name) => {
    const { pairs, skipped } = roundTrip(recordings[name]!);
    expect(skipped).toEqual([]);
    for (const [original, decoded] of pairs) {
      expect(decoded).toStrictEqual(original);
      if (original.kind !== 'events' || decoded.kind !== 'events') continue;
      for (let i = 0; i < original.events.length; i++) {
        const before = original.events[i]!;
        const after = decoded.events[i]!;
        expect(after instanceof NumericBookMessage).toBe(before instanceof NumericBookMessage);
        if (before instanceof NumericBookMessage && after instanceof NumericBookMessage) {
          expect(after.bids).toEqual(before.bids);
          expect(after.asks).toEqual(before.asks);
          expect(after.plain()).toStrictEqual(before.plain());
        }
      }
    }
    const kinds = kindsOf(pairs.map(([original]) => original));
    expect([...kinds].some((k) => k.endsWith('(numeric)'))).toBe(true);
  });

  it('mutated frames: refusals (with the book\'s symbol), ignored frames and JSON-path events come back equal too', () => {
    const seen = new Set<string>();
    for (const name of Object.values(RECORDINGS)) {
      const frames = recordings[name]!.filter((f) => !/exchangeInfo|public\/instruments/.test(f.url));
      for (let seed = 1; seed <= 3; seed++) {
        const { frames: mutated } = mutateCapture(frames, mulberry32(seed), { count: Math.floor(frames.length / 2), protect: new Set(), sequenced: false });
        const { pairs, skipped } = roundTrip(mutated.filter((f) => f.data.length < 100_000));
        expect(skipped).toEqual([]);
        for (const [original, decoded] of pairs) expect(decoded).toStrictEqual(original);
        for (const k of kindsOf(pairs.map(([original]) => original))) seen.add(k);
        for (const [original] of pairs) if (original.kind === 'rejected' && original.symbol !== undefined) seen.add('rejected with symbol');
      }
    }
    for (const kind of ['rejected', 'rejected with symbol', 'ignored', 'book_delta (numeric)', 'book_delta', 'quote']) expect(seen, kind).toContain(kind);
  });

  it('a result holding what it does not carry is left out whole, and what follows still decodes', () => {
    const table = new StringTable();
    const encoder = new MapResultEncoder(table);
    const first: MapResult = { kind: 'ignored', what: 'aggTrade' };
    const odd = { kind: 'events', events: [{ type: 'quote', venue: 'okx', symbol: 'X', receiveTime: 1, at: new Date(0) }] } as unknown as MapResult;
    const last: MapResult = { kind: 'rejected', reason: 'bad_number', detail: 'x', symbol: 'BTCUSDT' };
    expect(encoder.encode(first)).toBe(true);
    expect(encoder.encode(odd)).toBe(false);
    expect(encoder.encode({ kind: 'instruments', instruments: [new Map()] } as unknown as MapResult)).toBe(false);
    // Keys that would not come back as themselves, an Array subclass, a cycle: left out, nothing half-written.
    class Levels extends Array<number> {}
    const cyclic: Record<string, unknown> = { kind: 'ignored' };
    cyclic.self = cyclic;
    for (const odd of [{ kind: 'ignored', '': 1 }, { kind: 'ignored', 'a\u0000b': 1 }, JSON.parse('{"kind":"ignored","__proto__":{"what":"x"}}'), { kind: 'events', events: Levels.from([1]) }, cyclic]) {
      expect(encoder.encode(odd as unknown as MapResult), JSON.stringify(Object.keys(odd))).toBe(false);
    }
    expect(encoder.encode(last)).toBe(true);
    const decoder = new MapResultDecoder(encoder.finish(), table.strings);
    expect(decoder.next()).toStrictEqual(first);
    expect(decoder.next()).toStrictEqual(last);
  });
});
