import { describe, expect, it } from 'vitest';
import type { BookDeltaEvent, BookSnapshotEvent, Instrument, RawLevel } from '../../../src/shared/core/model';
import { OrderBook } from '../../../src/shared/core/order-book';
import { okx, okxBookChecksum, type OkxBookSync } from '../../../src/engine/venues/okx';

const BTC: Instrument = {
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  id: 'BTC-USDT-PERP',
  type: 'perpetual',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.1,
  contractKind: 'linear',
  contractValue: 0.01,
  indexSymbol: 'BTC-USDT',
};

const newSync = () => okx.createBookSync(BTC) as OkxBookSync;

interface Opts {
  bids?: RawLevel[];
  asks?: RawLevel[];
  last?: number;
  prev?: number;
  checksum?: number;
}
const seqOf = (o: Opts) => ({ ...(o.last === undefined ? {} : { last: o.last }), ...(o.prev === undefined ? {} : { prev: o.prev }) });
const snapshot = (o: Opts = {}): BookSnapshotEvent => ({
  type: 'book_snapshot',
  venue: 'okx',
  symbol: BTC.symbol,
  receiveTime: 0,
  bids: o.bids ?? [['100.0', '1']],
  asks: o.asks ?? [['101.0', '1']],
  seq: seqOf(o),
  ...(o.checksum === undefined ? {} : { checksum: o.checksum }),
});
const delta = (o: Opts = {}): BookDeltaEvent => ({
  type: 'book_delta',
  venue: 'okx',
  symbol: BTC.symbol,
  receiveTime: 0,
  bids: o.bids ?? [],
  asks: o.asks ?? [],
  seq: seqOf(o),
  ...(o.checksum === undefined ? {} : { checksum: o.checksum }),
});
/** The checksum OKX would send for the book `levels` would leave. */
const checksumOf = (bids: RawLevel[], asks: RawLevel[]) => {
  const book = new OrderBook();
  book.applySnapshot(bids, asks);
  return okxBookChecksum(book);
};
const bestBid = (sync: OkxBookSync) => sync.book.bestBid()?.priceText;

describe('OkxBookSync: older protocol (socket snapshot, checksum, no seqId)', () => {
  it('starts waiting, builds from a socket snapshot and checks every non-zero checksum', () => {
    const sync = newSync();
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.apply(delta({ bids: [['99', '1']] }))).toBe('dropped'); // nothing to align without seqIds

    const bids: RawLevel[] = [['100.0', '1'], ['99.5', '2']];
    const asks: RawLevel[] = [['101.0', '3']];
    expect(sync.apply(snapshot({ bids, asks, checksum: checksumOf(bids, asks) }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.wantsSnapshot).toBe(false);

    const next = checksumOf([['100.0', '1'], ['99.5', '2'], ['99.9', '4']], [['101.0', '3']]);
    expect(sync.apply(delta({ bids: [['99.9', '4']], checksum: next }))).toBe('applied');
    expect(sync.apply(delta({ asks: [['102', '1']], checksum: 0 }))).toBe('applied'); // 0 = no checksum (June 2026)
    expect(sync.stats).toEqual({ bookUpdates: 3, sequenceGaps: 0, resyncs: 0, checksumChecks: 2, checksumFailures: 0, rejectedLevels: 0, levelCapOverflows: 0 });
  });

  it('on a checksum mismatch: counts it, invalidates, wants a snapshot, then counts a resync', () => {
    const sync = newSync();
    sync.apply(snapshot());
    expect(sync.apply(delta({ bids: [['99', '1']], checksum: 12345 }))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.stats.checksumFailures).toBe(1);
    expect(sync.apply(delta({ bids: [['98', '1']] }))).toBe('dropped');
    expect(sync.apply(snapshot({ bids: [['100.5', '1']] }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(bestBid(sync)).toBe('100.5');
    expect(sync.stats).toMatchObject({ resyncs: 1, checksumChecks: 1, checksumFailures: 1 });
  });

  it('a snapshot whose own checksum fails stays invalid', () => {
    const sync = newSync();
    expect(sync.apply(snapshot({ checksum: 1 }))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
  });

  it('counts levels the book refuses', () => {
    const sync = newSync();
    sync.apply(snapshot());
    sync.apply(delta({ bids: [['99', 'x'], ['98', '1']] }));
    expect(sync.stats.rejectedLevels).toBe(1);
  });

  it('reset() forgets the book and waits', () => {
    const sync = newSync();
    sync.apply(snapshot());
    sync.reset();
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.book.state()).toBe('empty');
    expect(sync.apply(snapshot())).toBe('applied');
    expect(sync.stats.resyncs).toBe(0);
  });
});

describe('OkxBookSync: seqId / prevSeqId', () => {
  const synced = (seqId = 10) => {
    const sync = newSync();
    expect(sync.apply(snapshot({ last: seqId, prev: -1 }))).toBe('applied');
    return sync;
  };

  it('applies a chain where each prevSeqId is the previous seqId', () => {
    const sync = synced();
    expect(sync.apply(delta({ prev: 10, last: 12, bids: [['100.1', '1']] }))).toBe('applied');
    expect(sync.apply(delta({ prev: 12, last: 15, bids: [['100.2', '1']] }))).toBe('applied');
    expect(bestBid(sync)).toBe('100.2');
    expect(sync.stats.sequenceGaps).toBe(0);
  });

  it('a break in the chain is a gap: invalid, wants a snapshot, keeps later updates for it', () => {
    const sync = synced();
    sync.apply(delta({ prev: 10, last: 12 }));
    expect(sync.apply(delta({ prev: 13, last: 14, bids: [['100.3', '1']] }))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.stats.sequenceGaps).toBe(1);
    expect(sync.apply(delta({ prev: 14, last: 16, bids: [['100.4', '1']] }))).toBe('buffered');
    // The REST snapshot the feed fetched covers up to 14: 14->16 applies on top.
    expect(sync.apply(snapshot({ last: 14, bids: [['100.3', '1']] }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(bestBid(sync)).toBe('100.4');
    expect(sync.stats).toMatchObject({ sequenceGaps: 1, resyncs: 1 });
  });

  it('after a socket snapshot (prevSeqId -1) the first update must chain on it exactly', () => {
    const sync = synced();
    expect(sync.apply(delta({ prev: 9, last: 12, bids: [['100.1', '1']] }))).toBe('resync');
    expect(sync.stats.sequenceGaps).toBe(1);
  });

  it('a keepalive (prevSeqId == seqId, no levels) is dropped and is not a gap', () => {
    const sync = synced();
    sync.apply(delta({ prev: 10, last: 12, bids: [['100.1', '1']] }));
    expect(sync.apply(delta({ prev: 12, last: 12 }))).toBe('dropped');
    expect(sync.apply(delta({ prev: 12, last: 13, bids: [['100.2', '1']] }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.stats).toMatchObject({ sequenceGaps: 0, bookUpdates: 3 });
  });

  it('a keepalive that skips ahead is still a gap', () => {
    const sync = synced();
    expect(sync.apply(delta({ prev: 11, last: 11 }))).toBe('resync');
    expect(sync.stats.sequenceGaps).toBe(1);
  });

  it('seqId < prevSeqId is a reset after maintenance: accepted, the chain goes on from the new seqId', () => {
    const sync = synced(1000);
    sync.apply(delta({ prev: 1000, last: 1005 }));
    expect(sync.apply(delta({ prev: 1005, last: 3, bids: [['100.1', '1']] }))).toBe('applied');
    expect(sync.apply(delta({ prev: 3, last: 7, bids: [['100.2', '1']] }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.stats.sequenceGaps).toBe(0);
    // ...and a break after the reset is a gap again.
    expect(sync.apply(delta({ prev: 1005, last: 1010 }))).toBe('resync');
    expect(sync.stats.sequenceGaps).toBe(1);
  });

  it('checks the checksum after applying a sequenced update', () => {
    const sync = synced();
    const good = checksumOf([['100.0', '1'], ['99', '5']], [['101.0', '1']]);
    expect(sync.apply(delta({ prev: 10, last: 11, bids: [['99', '5']], checksum: good }))).toBe('applied');
    expect(sync.apply(delta({ prev: 11, last: 12, bids: [['98', '5']], checksum: good }))).toBe('resync');
    expect(sync.stats).toMatchObject({ checksumChecks: 2, checksumFailures: 1, sequenceGaps: 0 });
  });

  it('messages without seqId skip the sequence checks', () => {
    const sync = synced();
    expect(sync.apply(delta({ bids: [['100.1', '1']] }))).toBe('applied');
    expect(sync.apply(delta({ prev: 40, last: 41, bids: [['100.2', '1']] }))).toBe('applied'); // chain restarts here
    expect(sync.apply(delta({ prev: 41, last: 42 }))).toBe('applied');
    expect(sync.stats.sequenceGaps).toBe(0);
  });
});

describe('OkxBookSync: 2026 protocol (updates first, REST snapshot aligned on seqId)', () => {
  const u = (prev: number, last: number, price: string) => delta({ prev, last, bids: [[price, '1']] });
  /** A REST-style snapshot (seqId only) below the updates' prices, so the best bid tells what applied. */
  const snap = (o: Opts) => snapshot({ bids: [['10.0', '1']], asks: [['11', '1']], ...o });

  it('buffers updates, drops those the snapshot covers, applies the rest in order', () => {
    const sync = newSync();
    expect(sync.apply(u(100, 101, '10.1'))).toBe('buffered');
    expect(sync.apply(u(101, 102, '10.2'))).toBe('buffered');
    expect(sync.apply(delta({ prev: 102, last: 102 }))).toBe('dropped'); // keepalive
    expect(sync.apply(u(102, 103, '10.3'))).toBe('buffered');
    expect(sync.apply(u(103, 104, '10.4'))).toBe('buffered');
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.valid).toBe(false);
    expect(sync.bufferedCount).toBe(4);

    // REST snapshot at seqId 102: 101 and 102 are already in it; 102->103 starts on it.
    expect(sync.apply(snap({ last: 102, bids: [['10.0', '1']], asks: [['11', '1']] }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.wantsSnapshot).toBe(false);
    expect(sync.book.top('bid', 10).map((l) => l.priceText)).toEqual(['10.4', '10.3', '10.0']);
    expect(sync.stats).toMatchObject({ bookUpdates: 3, sequenceGaps: 0, resyncs: 0 });
    expect(sync.apply(u(104, 105, '10.5'))).toBe('applied');
  });

  it('a first update straddling the snapshot (prevSeqId < snapshot seqId < seqId) applies', () => {
    const sync = newSync();
    sync.apply(u(100, 105, '10.5'));
    expect(sync.apply(snap({ last: 103 }))).toBe('applied');
    expect(bestBid(sync)).toBe('10.5');
  });

  it('waits for a newer snapshot when the one it gets is too old', () => {
    const sync = newSync();
    sync.apply(u(100, 101, '10.1'));
    sync.apply(u(101, 102, '10.2'));
    expect(sync.apply(snap({ last: 99 }))).toBe('dropped'); // 99 < first prevSeqId 100: updates missing between
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.bufferedCount).toBe(2);
    expect(sync.apply(snap({ last: 101 }))).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(bestBid(sync)).toBe('10.2');
    expect(sync.stats.resyncs).toBe(0);
  });

  it('a snapshot newer than every buffered update is the book', () => {
    const sync = newSync();
    sync.apply(u(100, 101, '10.1'));
    expect(sync.apply(snap({ last: 150, bids: [['9', '1']] }))).toBe('applied');
    expect(bestBid(sync)).toBe('9');
    expect(sync.apply(u(101, 102, '10.2'))).toBe('dropped'); // covered
    expect(sync.apply(u(149, 151, '10.3'))).toBe('applied');
  });

  it('a snapshot that arrives before any update: later ones align on it, a too-old one waits', () => {
    const sync = newSync();
    expect(sync.apply(snap({ last: 50 }))).toBe('applied');
    expect(sync.apply(u(48, 49, '10.1'))).toBe('dropped');
    expect(sync.apply(u(49, 51, '10.2'))).toBe('applied');

    const late = newSync();
    late.apply(snap({ last: 50 }));
    expect(late.apply(u(60, 61, '10.1'))).toBe('buffered'); // snapshot too old: 50..60 missing
    expect(late.valid).toBe(false);
    expect(late.wantsSnapshot).toBe(true);
    expect(late.stats.sequenceGaps).toBe(0);
    expect(late.apply(snap({ last: 60 }))).toBe('applied');
    expect(bestBid(late)).toBe('10.1');
  });

  it('ignores a REST snapshot older than a book already in sequence', () => {
    const sync = newSync();
    sync.apply(snap({ last: 50 }));
    sync.apply(u(50, 55, '10.5'));
    expect(sync.apply(snap({ last: 52, bids: [['1', '1']] }))).toBe('dropped');
    expect(bestBid(sync)).toBe('10.5');
    expect(sync.valid).toBe(true);
  });

  it('a hole inside the buffer is a gap and discards the updates before it', () => {
    const sync = newSync();
    sync.apply(u(100, 101, '10.1'));
    expect(sync.apply(u(105, 106, '10.6'))).toBe('buffered');
    expect(sync.stats.sequenceGaps).toBe(1);
    expect(sync.bufferedCount).toBe(1);
    expect(sync.apply(snap({ last: 101 }))).toBe('dropped'); // would need 101..105
    expect(sync.apply(snap({ last: 105 }))).toBe('applied');
    expect(bestBid(sync)).toBe('10.6');
  });
});

describe('OkxBookSync: what the book-top cross-check reads and does', () => {
  it('tells the seqId and ts the book is as of, none while out of sync', () => {
    const sync = newSync();
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([undefined, undefined]);
    sync.apply({ ...snapshot({ last: 200 }), exchangeTime: 5_000 });
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([200, 5_000]);
    sync.apply({ ...delta({ prev: 200, last: 203, bids: [['100.5', '2']] }), exchangeTime: 5_100 });
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([203, 5_100]);
    sync.apply(delta({ prev: 210, last: 211 }));
    expect([sync.valid, sync.lastUpdateId, sync.lastUpdateTime]).toEqual([false, undefined, undefined]);
  });

  it('invalidate(): the book is forgotten, updates wait, and the snapshot that rebuilds it counts as a resync (reset() does not)', () => {
    const sync = newSync();
    sync.apply(snapshot({ last: 200 }));
    sync.invalidate();
    expect([sync.valid, sync.wantsSnapshot, sync.book.levelCount('bid')]).toEqual([false, true, 0]);
    expect(sync.apply(delta({ prev: 200, last: 201, bids: [['100.5', '1']] }))).toBe('buffered');
    expect(sync.apply(snapshot({ last: 200 }))).toBe('applied');
    expect(sync.stats).toMatchObject({ resyncs: 1, sequenceGaps: 0, checksumFailures: 0 });
    expect(bestBid(sync)).toBe('100.5');
    sync.reset();
    sync.apply(snapshot({ last: 300 }));
    expect(sync.stats.resyncs).toBe(1);
  });
});

describe('updates held before the REST snapshot, at whole-market scale', () => {
  it('holds about a minute of them and aligns a fresh snapshot with what is held', () => {
    const sync = newSync();
    let seq = 100;
    for (let i = 0; i < 6000; i++) {
      sync.apply({ ...delta({ prev: seq, last: seq + 1, bids: [[`${90 + (i % 5)}.0`, '1']] }), receiveTime: i * 100 });
      seq += 1;
    }
    expect(sync.bufferedCount).toBeLessThanOrEqual(601);
    expect(sync.bufferedCount).toBeGreaterThanOrEqual(590);
    expect(sync.stats.sequenceGaps).toBe(0);
    sync.apply({ ...snapshot({ last: seq - 10, bids: [['100.0', '1']], asks: [['101.0', '1']] }), receiveTime: 600_000 });
    expect(sync.valid).toBe(true);
  });
});
