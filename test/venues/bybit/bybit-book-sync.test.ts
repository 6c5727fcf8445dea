import { describe, expect, it } from 'vitest';
import { BybitBookSync } from '../../../src/engine/venues/bybit/bybit-book-sync';
import { BybitMapper } from '../../../src/engine/venues/bybit/bybit-mapper';
import type { BookDeltaEvent, BookSnapshotEvent, Instrument, RawLevel } from '../../../src/shared/core/model';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';

const BTC: Instrument = { venue: 'bybit', symbol: 'BTCUSDT', id: 'BTC-USDT-PERP', type: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: 0.1, contractKind: 'linear', contractValue: 1 };
const newSync = () => new BybitBookSync(BTC);
const LINEAR = 'wss://stream.bybit.com/v5/public/linear';

/** Frames as Bybit sends them, through the real mapper: what the sync sees live and in replay. */
const mapper = new BybitMapper();
function event(type: 'snapshot' | 'delta', u: number, b: RawLevel[], a: RawLevel[]): BookSnapshotEvent | BookDeltaEvent {
  const frame: RawFrame = { t: u, venue: 'bybit', kind: 'ws', url: LINEAR, data: JSON.stringify({ topic: 'orderbook.50.BTCUSDT', type, ts: 1_700_000_000_000 + u, data: { s: 'BTCUSDT', b, a, u, seq: u * 7 } }) };
  const result = mapper.map(frame);
  if (result.kind !== 'events') throw new Error(JSON.stringify(result));
  return result.events[0] as BookSnapshotEvent | BookDeltaEvent;
}

/** The book as levels best first, read from the sync's book. */
function shown(sync: BybitBookSync): { bids: string[]; asks: string[] } {
  const side = (s: 'bid' | 'ask') => {
    const out: string[] = [];
    sync.book.forEachOutward(s, (l) => (out.push(`${l.price}@${l.size}`), true));
    return out;
  };
  return { bids: side('bid'), asks: side('ask') };
}

/** An independent book: a map per side, sizes replaced, zero deletes, sorted at the end. */
class ReferenceBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  load(b: RawLevel[], a: RawLevel[]): void {
    this.bids.clear();
    this.asks.clear();
    this.apply(b, a);
  }
  apply(b: RawLevel[], a: RawLevel[]): void {
    for (const [side, levels] of [[this.bids, b], [this.asks, a]] as const) {
      for (const [p, s] of levels) if (Number(s) === 0) side.delete(Number(p));
      else side.set(Number(p), Number(s));
    }
  }
  view(): { bids: string[]; asks: string[] } {
    const fmt = (m: Map<number, number>, desc: boolean) => [...m].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0])).map(([p, s]) => `${p}@${s}`);
    return { bids: fmt(this.bids, true), asks: fmt(this.asks, false) };
  }
}

/** A seeded stream of deltas around a mid: new levels, size changes, deletions. */
function* randomDeltas(seed: number, count: number): Generator<[RawLevel[], RawLevel[]]> {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < count; i++) {
    const side = (base: number, dir: number): RawLevel[] =>
      Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
        const price = (base + dir * Math.floor(rnd() * 30) * 0.5).toFixed(1);
        return [price, rnd() < 0.3 ? '0' : (rnd() * 10).toFixed(3)] as RawLevel;
      });
    yield [side(17_440, -1), side(17_441, 1)];
  }
}

describe('the Bybit book sync', () => {
  it('builds the same book as an independent computation over 2,000 chained deltas', () => {
    const sync = newSync();
    const ref = new ReferenceBook();
    const bids: RawLevel[] = [['17440.0', '5'], ['17439.5', '2']];
    const asks: RawLevel[] = [['17441.0', '3'], ['17441.5', '1']];
    expect(sync.apply(event('snapshot', 100, bids, asks))).toBe('applied');
    ref.load(bids, asks);
    let u = 100;
    for (const [b, a] of randomDeltas(7, 2_000)) {
      u += 1;
      expect(sync.apply(event('delta', u, b, a))).toBe('applied');
      ref.apply(b, a);
    }
    expect(shown(sync)).toEqual(ref.view());
    expect(sync.valid).toBe(true);
    expect(sync.lastUpdateId).toBe(u);
    expect(sync.stats).toMatchObject({ bookUpdates: 2_001, sequenceGaps: 0, resyncs: 0 });
  });

  it('detects a gap in u, drops deltas until a snapshot, and counts the snapshot that rebuilds it as a resync', () => {
    const sync = newSync();
    sync.apply(event('snapshot', 10, [['100.0', '1']], [['101.0', '1']]));
    expect(sync.apply(event('delta', 11, [['100.0', '2']], []))).toBe('applied');
    // u 13 after 11: 12 is missing.
    expect(sync.apply(event('delta', 13, [['99.0', '1']], []))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.stats.sequenceGaps).toBe(1);
    expect(sync.apply(event('delta', 14, [['98.0', '1']], []))).toBe('dropped');
    expect(sync.apply(event('snapshot', 20, [['100.5', '1']], [['101.0', '2']]))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.stats.resyncs).toBe(1);
    expect(shown(sync)).toEqual({ bids: ['100.5@1'], asks: ['101@2'] });
  });

  it('takes a snapshot at any time and u = 1 after a service restart, and drops duplicates and deltas before any snapshot', () => {
    const sync = newSync();
    expect(sync.apply(event('delta', 5, [['100.0', '1']], []))).toBe('dropped');
    expect(sync.valid).toBe(false);
    sync.apply(event('snapshot', 500, [['100.0', '1']], [['101.0', '1']]));
    sync.apply(event('delta', 501, [['100.0', '3']], []));
    // A duplicate (two sockets overlapping) changes nothing.
    expect(sync.apply(event('delta', 501, [['100.0', '9']], []))).toBe('dropped');
    expect(shown(sync).bids).toEqual(['100@3']);
    // The service restarted: a snapshot with u = 1 replaces the book, and deltas chain on it.
    expect(sync.apply(event('snapshot', 1, [['99.0', '4']], [['100.5', '1']]))).toBe('applied');
    expect(sync.apply(event('delta', 2, [], [['100.5', '0'], ['101.5', '2']]))).toBe('applied');
    expect(shown(sync)).toEqual({ bids: ['99@4'], asks: ['101.5@2'] });
    expect(sync.stats.sequenceGaps).toBe(0);
    expect(sync.stats.resyncs).toBe(0);
  });

  it('puts a restored sync exactly where its checkpoint was, and refuses a foreign checkpoint', () => {
    const sync = newSync();
    sync.apply(event('snapshot', 40, [['100.0', '1'], ['99.5', '2']], [['101.0', '1']]));
    sync.apply(event('delta', 41, [['99.0', '1']], []));
    const state = sync.checkpoint()!;
    const copy = newSync();
    copy.restore(state);
    expect(shown(copy)).toEqual(shown(sync));
    expect(copy.apply(event('delta', 42, [], [['101.0', '0'], ['102.0', '1']]))).toBe('applied');
    expect(copy.apply(event('delta', 44, [], []))).toBe('resync');
    expect(() => newSync().restore({ ...state, seq: { lastSeq: 1 } })).toThrow(/not a bybit book-sync checkpoint/);
  });
});
