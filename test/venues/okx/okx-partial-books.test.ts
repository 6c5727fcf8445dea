import { describe, expect, it } from 'vitest';
import type { BookSnapshotEvent, Instrument } from '../../../src/shared/core/model';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { MapResult } from '../../../src/engine/venues/venue';
import { okx } from '../../../src/engine/venues/okx';

// OKX partial-book channels (`books5`, `bbo-tbt`): each push is the whole top
// of the book, `seqId` without `prevSeqId`, no `action`, no checksum.
// https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel

const UNI: Instrument = {
  venue: 'okx',
  symbol: 'UNI-USDT-SWAP',
  id: 'UNI-USDT-PERP',
  type: 'perpetual',
  base: 'UNI',
  quote: 'USDT',
  tickSize: 0.001,
  contractKind: 'linear',
  contractValue: 1,
  indexSymbol: 'UNI-USDT',
};

const mapper = okx.createMapper();

function push(channel: string, entry: Record<string, unknown>, t = 1000): RawFrame {
  return {
    t,
    venue: 'okx',
    kind: 'ws',
    url: 'wss://ws.okx.com:8443/ws/v5/public',
    data: JSON.stringify({ arg: { channel, instId: UNI.symbol }, data: [{ instId: UNI.symbol, ...entry }] }),
  };
}

function snapshot(result: MapResult): BookSnapshotEvent {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  const [event] = result.events;
  if (event?.type !== 'book_snapshot') throw new Error(`expected a snapshot, got ${JSON.stringify(event)}`);
  return event;
}

const five = (base: number, step: number): string[][] =>
  Array.from({ length: 5 }, (_, i) => [(base + i * step).toFixed(3), String(10 + i), '0', String(i + 1)]);

describe('OKX partial books (books5, bbo-tbt)', () => {
  it('maps a books5 push to an unsequenced snapshot of its 5 levels per side', () => {
    const event = snapshot(mapper.map(push('books5', { asks: five(5.142, 0.001), bids: five(5.134, -0.001), ts: '1652459223143', seqId: 363996337 })));
    expect(event).toMatchObject({ venue: 'okx', symbol: UNI.symbol, exchangeTime: 1652459223143, receiveTime: 1000, seq: {} });
    expect(event.asks).toEqual(five(5.142, 0.001).map(([px, sz]) => [px, sz]));
    expect(event.bids).toHaveLength(5);
    expect(event).not.toHaveProperty('checksum');
  });

  it('maps a bbo-tbt push to a one-level snapshot', () => {
    const event = snapshot(mapper.map(push('bbo-tbt', { asks: [['5.142', '25', '0', '3']], bids: [['5.134', '96', '0', '7']], ts: '9', seqId: 5 })));
    expect(event).toMatchObject({ bids: [['5.134', '96']], asks: [['5.142', '25']], seq: {}, exchangeTime: 9 });
  });

  it('still refuses a seqId that is not an integer, naming the book', () => {
    const result = mapper.map(push('books5', { asks: five(5.142, 0.001), bids: five(5.134, -0.001), ts: '9', seqId: '12.5' }));
    expect(result).toMatchObject({ kind: 'rejected', reason: 'bad_number', symbol: UNI.symbol });
  });

  it('refuses a push with a negative size whole, naming the book', () => {
    const bids = five(5.134, -0.001);
    bids[3] = ['5.131', '-1', '0', '1'];
    const result = mapper.map(push('books5', { asks: five(5.142, 0.001), bids, ts: '9', seqId: 7 }));
    expect(result).toMatchObject({ kind: 'rejected', reason: 'negative_size', symbol: UNI.symbol });
  });

  it('keeps following the book when seqId restarts lower (after OKX maintenance)', () => {
    const sync = okx.createBookSync(UNI);
    expect(sync.apply(snapshot(mapper.map(push('books5', { asks: five(5.142, 0.001), bids: five(5.134, -0.001), ts: '1', seqId: 9000 }))))).toBe('applied');
    const after = snapshot(mapper.map(push('books5', { asks: five(5.2, 0.001), bids: five(5.19, -0.001), ts: '2', seqId: 12 })));
    expect(sync.apply(after)).toBe('applied');
    expect(sync.valid).toBe(true);
    expect(sync.book.bestAsk()?.priceText).toBe('5.200');
    expect(sync.book.bestBid()?.priceText).toBe('5.190');
    // A snapshot replaces the book: no level of the first picture survives.
    expect(sync.book.levelCount('ask')).toBe(5);
    expect(sync.book.levelCount('bid')).toBe(5);
  });
});
