import { describe, expect, it } from 'vitest';
import type { BookDeltaEvent, BookSnapshotEvent, Instrument, RawLevel } from '../../../src/shared/core/model';
import { BinanceBookSync, binanceSpot, binanceUsdm } from '../../../src/engine/venues/binance';

const instrument: Instrument = {
  venue: 'binance-spot', symbol: 'NKNUSDT', id: 'NKN-USDT-SPOT', type: 'spot', base: 'NKN', quote: 'USDT',
  tickSize: 0.0001, contractKind: 'spot', contractValue: 1,
};

function snapshot(last: number, bids: RawLevel[] = [['10', '1']], asks: RawLevel[] = [['11', '1']]): BookSnapshotEvent {
  return { type: 'book_snapshot', venue: 'binance-spot', symbol: 'NKNUSDT', receiveTime: 0, bids, asks, seq: { last } };
}

function delta(first: number, last: number, opts: { prev?: number; bids?: RawLevel[]; asks?: RawLevel[] } = {}): BookDeltaEvent {
  const seq = opts.prev === undefined ? { first, last } : { first, last, prev: opts.prev };
  return { type: 'book_delta', venue: 'binance-spot', symbol: 'NKNUSDT', receiveTime: 0, bids: opts.bids ?? [], asks: opts.asks ?? [], seq };
}

/** A delta that leaves a trace: a bid level at `price`. */
function marked(first: number, last: number, price: string, prev?: number): BookDeltaEvent {
  return delta(first, last, { prev, bids: [[price, '1']] });
}

function bidPrices(sync: BinanceBookSync): string[] {
  return sync.book.top('bid', 100).map((l) => l.priceText);
}

describe('spot book sync', () => {
  it('buffers until the snapshot, drops u <= lastUpdateId, applies the bridge and the rest', () => {
    const sync = binanceSpot.createBookSync(instrument) as BinanceBookSync;
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.valid).toBe(false);
    expect(sync.apply(marked(95, 100, '1'))).toBe('buffered');
    expect(sync.apply(marked(101, 104, '2'))).toBe('buffered');
    expect(sync.apply(marked(105, 106, '3'))).toBe('buffered');
    expect(sync.apply(snapshot(102))).toBe('applied');
    // 95-100 dropped; 101-104 bridges 103 (U <= 103 <= u); 105-106 follows.
    expect(bidPrices(sync)).toEqual(['10', '3', '2']);
    expect(sync.valid).toBe(true);
    expect(sync.wantsSnapshot).toBe(false);
    expect(sync.stats.bookUpdates).toBe(3);
    expect(sync.apply(marked(107, 107, '4'))).toBe('applied');
  });

  it('skips events already covered and flags U > id + 1 as a gap', () => {
    const sync = new BinanceBookSync('spot');
    sync.apply(snapshot(100));
    expect(sync.apply(marked(90, 100, '1'))).toBe('dropped');
    expect(sync.apply(marked(101, 103, '2'))).toBe('applied');
    expect(sync.apply(marked(102, 103, '3'))).toBe('dropped');
    expect(sync.apply(marked(105, 106, '4'))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.stats).toMatchObject({ sequenceGaps: 1, resyncs: 0 });
    // Buffering again; the next usable snapshot completes the resync.
    expect(sync.apply(marked(107, 108, '5'))).toBe('buffered');
    expect(sync.apply(snapshot(106, [['9', '1']]))).toBe('applied');
    expect(bidPrices(sync)).toEqual(['9', '5']);
    expect(sync.valid).toBe(true);
    expect(sync.stats).toMatchObject({ sequenceGaps: 1, resyncs: 1 });
  });

  it('a snapshot older than the buffered events is too old: keep waiting', () => {
    const sync = new BinanceBookSync('spot');
    sync.apply(marked(110, 112, '1'));
    expect(sync.apply(snapshot(100))).toBe('dropped');
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.valid).toBe(false);
    expect(sync.book.levelCount('bid')).toBe(0);
    expect(sync.stats.sequenceGaps).toBe(0);
    // lastUpdateId + 1 = U exactly is fine.
    expect(sync.apply(snapshot(109))).toBe('applied');
    expect(bidPrices(sync)).toEqual(['10', '1']);
  });

  it('handles snapshots while synced: older dropped, newer rebuilds', () => {
    const sync = new BinanceBookSync('spot');
    sync.apply(snapshot(100));
    sync.apply(marked(101, 105, '1'));
    expect(sync.apply(snapshot(103, [['8', '1']]))).toBe('dropped');
    expect(bidPrices(sync)).toEqual(['10', '1']);
    expect(sync.apply(snapshot(107, [['8', '1']]))).toBe('applied');
    expect(bidPrices(sync)).toEqual(['8']);
    expect(sync.apply(marked(106, 107, '2'))).toBe('dropped');
    expect(sync.apply(marked(106, 109, '3'))).toBe('applied');
    expect(sync.stats).toMatchObject({ sequenceGaps: 0, resyncs: 0 });
    expect(sync.valid).toBe(true);
  });

  it('applies every partial-depth snapshot directly', () => {
    const sync = new BinanceBookSync('spot');
    expect(sync.apply(snapshot(5, [['1', '1']]))).toBe('applied');
    expect(sync.apply(snapshot(9, [['2', '1']]))).toBe('applied');
    expect(bidPrices(sync)).toEqual(['2']);
    expect(sync.stats.bookUpdates).toBe(2);
  });

  it('caps the buffer, counting the overflow as a gap', () => {
    const sync = new BinanceBookSync('spot', 3);
    for (let i = 0; i < 4; i += 1) expect(sync.apply(delta(i * 2 + 1, i * 2 + 2))).toBe('buffered');
    expect(sync.buffered).toBe(1);
    expect(sync.stats.sequenceGaps).toBe(1);
    expect(sync.apply(snapshot(7))).toBe('applied');
    expect(sync.stats.resyncs).toBe(1);
  });

  it('counts rejected levels and reset forgets the book', () => {
    const sync = new BinanceBookSync('spot');
    sync.apply(snapshot(1, [['0', '1'], ['10', '1']]));
    sync.apply(delta(2, 2, { asks: [['0.0', '5']] }));
    expect(sync.stats.rejectedLevels).toBe(2);
    sync.reset();
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.book.state()).toBe('empty');
  });
});

describe('USD-M book sync', () => {
  it('drops u < lastUpdateId, bridges U <= id <= u, then follows pu', () => {
    const sync = binanceUsdm.createBookSync({ ...instrument, venue: 'binance-usdm' }) as BinanceBookSync;
    sync.apply(marked(50, 90, '1', 40));
    sync.apply(marked(95, 100, '2', 90));
    sync.apply(marked(120, 130, '3', 100));
    expect(sync.apply(snapshot(100))).toBe('applied');
    // 50-90 dropped; 95-100 kept (u == lastUpdateId still bridges on USD-M), 120-130 follows by pu.
    expect(bidPrices(sync)).toEqual(['10', '3', '2']);
    expect(sync.apply(marked(140, 150, '4', 130))).toBe('applied');
    expect(sync.stats).toMatchObject({ bookUpdates: 4, sequenceGaps: 0 });
  });

  it('a pu chain break is a gap', () => {
    const sync = new BinanceBookSync('usdm');
    sync.apply(snapshot(100));
    expect(sync.apply(marked(80, 99, '1', 70))).toBe('dropped');
    expect(sync.apply(marked(90, 110, '2', 85))).toBe('applied');
    // Ids jump across symbols, so U far from u + 1 is normal; only pu counts.
    expect(sync.apply(marked(500, 510, '3', 110))).toBe('applied');
    expect(sync.apply(marked(600, 610, '4', 550))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.stats.sequenceGaps).toBe(1);
    // The next snapshot after the break: drop what it covers, bridge, resync.
    expect(sync.apply(snapshot(605, [['9', '1']]))).toBe('applied');
    expect(bidPrices(sync)).toEqual(['9', '4']);
    expect(sync.apply(marked(611, 620, '5', 610))).toBe('applied');
    expect(sync.stats).toMatchObject({ sequenceGaps: 1, resyncs: 1 });
  });

  it('a snapshot older than the buffer waits (U > lastUpdateId)', () => {
    const sync = new BinanceBookSync('usdm');
    sync.apply(marked(101, 110, '1', 95));
    expect(sync.apply(snapshot(100))).toBe('dropped');
    expect(sync.wantsSnapshot).toBe(true);
    expect(sync.apply(snapshot(101))).toBe('applied');
    expect(sync.valid).toBe(true);
  });

  it('a snapshot taken exactly between two events is bridged by the next one chaining on it (pu == lastUpdateId)', () => {
    const live = new BinanceBookSync('usdm');
    live.apply(snapshot(100));
    expect(live.apply(marked(101, 110, '1', 100))).toBe('applied');
    expect(live.stats.sequenceGaps).toBe(0);
    const buffered = new BinanceBookSync('usdm');
    buffered.apply(marked(101, 110, '1', 100));
    expect(buffered.apply(snapshot(100))).toBe('applied');
    expect(buffered.stats.sequenceGaps).toBe(0);
    expect(bidPrices(buffered)).toEqual(['10', '1']);
  });

  it('a first diff after the snapshot that does not bridge it is a gap', () => {
    const sync = new BinanceBookSync('usdm');
    sync.apply(snapshot(100));
    expect(sync.apply(marked(101, 110, '1', 99))).toBe('resync');
    expect(sync.stats.sequenceGaps).toBe(1);
  });

  it('a pu break inside the buffer leaves the rest buffered', () => {
    const sync = new BinanceBookSync('usdm');
    sync.apply(marked(95, 105, '1', 90));
    sync.apply(marked(120, 130, '2', 115));
    sync.apply(marked(131, 140, '3', 130));
    expect(sync.apply(snapshot(100))).toBe('resync');
    expect(sync.valid).toBe(false);
    expect(sync.buffered).toBe(2);
    expect(sync.stats.sequenceGaps).toBe(1);
  });
});

describe('what the book-top cross-check reads and does', () => {
  it('tells the update id and time the book is as of, none while out of sync', () => {
    const sync = binanceSpot.createBookSync(instrument) as BinanceBookSync;
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([undefined, undefined]);
    sync.apply(snapshot(100));
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([100, undefined]);
    sync.apply({ ...marked(101, 104, '2'), exchangeTime: 7_000 });
    expect([sync.lastUpdateId, sync.lastUpdateTime]).toEqual([104, 7_000]);
    sync.apply(marked(110, 111, '3'));
    expect([sync.valid, sync.lastUpdateId]).toEqual([false, undefined]);
  });

  it('invalidate(): forgets the book, buffers diffs, and counts the rebuilding snapshot as a resync (reset() does not)', () => {
    const sync = binanceUsdm.createBookSync(instrument) as BinanceBookSync;
    sync.apply(snapshot(100));
    sync.invalidate();
    expect([sync.valid, sync.wantsSnapshot, sync.book.levelCount('bid')]).toEqual([false, true, 0]);
    expect(sync.apply(marked(99, 105, '4', 98))).toBe('buffered');
    expect(sync.apply(snapshot(101))).toBe('applied');
    expect(sync.stats).toMatchObject({ resyncs: 1, sequenceGaps: 0 });
    expect(bidPrices(sync)).toEqual(['10', '4']);
    sync.reset();
    sync.apply(snapshot(200));
    expect(sync.stats.resyncs).toBe(1);
  });
});

describe('diffs held before the snapshot, at whole-market scale', () => {
  it('holds about a minute of them, not every diff since the start, and still syncs on a fresh snapshot or refetches an old one', () => {
    const sync = binanceSpot.createBookSync(instrument) as BinanceBookSync;
    // Ten minutes of diffs at 10 a second with no snapshot (REST throttled): 6,000 diffs.
    let u = 1000;
    for (let i = 0; i < 6000; i++) {
      const U = u + 1;
      u += 2;
      expect(sync.apply({ ...marked(U, u, String(20 + (i % 50))), receiveTime: i * 100 })).toBe('buffered');
    }
    // Only the last minute is held (601 diffs), and dropping the older ones is not a gap: the next snapshot covers them.
    expect(sync.buffered).toBeLessThanOrEqual(601);
    expect(sync.buffered).toBeGreaterThanOrEqual(590);
    expect(sync.stats.sequenceGaps).toBe(0);
    // A snapshot from before what is held is too old: fetch again, no book made.
    sync.apply({ ...snapshot(1500), receiveTime: 600_000 });
    expect(sync.valid).toBe(false);
    expect(sync.wantsSnapshot).toBe(true);
    // One from within the held minute bridges and the book follows the rest.
    expect(sync.apply({ ...snapshot(u - 20), receiveTime: 600_050 })).toBe('applied');
    expect(sync.valid).toBe(true);
  });
});
