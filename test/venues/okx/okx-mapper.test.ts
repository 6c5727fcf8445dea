import { describe, expect, it } from 'vitest';
import { numericLevelsOf } from '../../../src/engine/decode/numeric-book-message';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { MapResult } from '../../../src/engine/venues/venue';
import { okx } from '../../../src/engine/venues/okx';

const WS = 'wss://ws.okx.com:8443/ws/v5/public';
const mapper = okx.createMapper();

const ws = (data: unknown, t = 1000): RawFrame => ({
  t,
  venue: 'okx',
  kind: 'ws',
  url: WS,
  data: typeof data === 'string' ? data : JSON.stringify(data),
});
const rest = (url: string, data: unknown, status?: number): RawFrame => ({
  t: 2000,
  venue: 'okx',
  kind: 'rest',
  url,
  data: typeof data === 'string' ? data : JSON.stringify(data),
  ...(status === undefined ? {} : { status }),
});
/** The events, with book levels the hot decoder read as numbers seen as the plain event with the strings they stand for. */
const events = (result: MapResult) => {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  return result.events.map((event) => {
    const numeric = event.type === 'book_snapshot' || event.type === 'book_delta' ? numericLevelsOf(event) : undefined;
    return numeric === undefined ? event : numeric.plain();
  });
};
const rejected = (result: MapResult) => {
  if (result.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result;
};
const books = (action: string | undefined, entry: Record<string, unknown>, channel = 'books') => ({
  arg: { channel, instId: 'BTC-USDT' },
  ...(action === undefined ? {} : { action }),
  data: [entry],
});

describe('OkxMapper: books channels', () => {
  it('maps a socket snapshot, keeping only [px, sz] strings, seq and checksum', () => {
    const result = mapper.map(
      ws(
        books('snapshot', {
          asks: [['8476.98', '415', '0', '13']],
          bids: [['8476.97', '256', '0', '12']],
          ts: '1597026383085',
          checksum: -855196043,
          prevSeqId: -1,
          seqId: 123456,
        }),
      ),
    );
    expect(events(result)).toEqual([
      {
        type: 'book_snapshot',
        venue: 'okx',
        symbol: 'BTC-USDT',
        exchangeTime: 1597026383085,
        receiveTime: 1000,
        asks: [['8476.98', '415']],
        bids: [['8476.97', '256']],
        seq: { last: 123456, prev: -1 },
        checksum: -855196043,
      },
    ]);
  });

  it('maps an update to a delta with seq {last: seqId, prev: prevSeqId}', () => {
    const [event] = events(
      mapper.map(ws(books('update', { asks: [], bids: [['1.5', '0', '0', '0']], ts: '5', checksum: 7, prevSeqId: 10, seqId: 11 }))),
    );
    expect(event).toMatchObject({ type: 'book_delta', bids: [['1.5', '0']], asks: [], seq: { last: 11, prev: 10 }, checksum: 7 });
  });

  it('leaves seq empty for the older protocol (no seqId) and omits an absent checksum', () => {
    const [event] = events(mapper.map(ws(books('update', { asks: [['2', '1']], bids: [], ts: '5' }))));
    expect(event).toMatchObject({ type: 'book_delta', seq: {} });
    expect(event).not.toHaveProperty('checksum');
  });

  it('keeps a zero checksum as given (the sync treats 0 as none)', () => {
    const [event] = events(mapper.map(ws(books('update', { asks: [], bids: [], ts: '5', checksum: 0, seqId: 3, prevSeqId: 3 }))));
    expect(event).toMatchObject({ checksum: 0, seq: { last: 3, prev: 3 } });
  });

  it.each(['books-l2-tbt', 'books50-l2-tbt'])('treats %s like books', (channel) => {
    const [event] = events(mapper.map(ws(books('update', { asks: [], bids: [['1', '1']], ts: '1' }, channel))));
    expect(event?.type).toBe('book_delta');
  });

  it.each(['books5', 'bbo-tbt'])('maps %s (full pictures, no action) to snapshots', (channel) => {
    const [event] = events(
      mapper.map(ws(books(undefined, { asks: [['2', '1', '0', '1']], bids: [['1', '3', '0', '1']], ts: '9', seqId: 44 }, channel))),
    );
    expect(event).toMatchObject({ type: 'book_snapshot', symbol: 'BTC-USDT', asks: [['2', '1']], bids: [['1', '3']], exchangeTime: 9 });
  });
});

describe('OkxMapper: other channels', () => {
  it('maps tickers to a quote', () => {
    const data = [
      { instType: 'SWAP', instId: 'UNI-USD-SWAP', last: '5.123', askPx: '5.142', askSz: '25', bidPx: '5.134', bidSz: '96', ts: '1652459223143' },
    ];
    expect(events(mapper.map(ws({ arg: { channel: 'tickers', instId: 'UNI-USD-SWAP' }, data })))).toEqual([
      {
        type: 'quote',
        venue: 'okx',
        symbol: 'UNI-USD-SWAP',
        exchangeTime: 1652459223143,
        receiveTime: 1000,
        bidPrice: 5.134,
        bidSize: 96,
        askPrice: 5.142,
        askSize: 25,
      },
    ]);
  });

  it('maps mark-price to a reference with markPrice', () => {
    const data = [{ instType: 'SWAP', instId: 'BTC-USDT-SWAP', markPx: '42310.6', ts: '1630049139746' }];
    expect(events(mapper.map(ws({ arg: { channel: 'mark-price', instId: 'BTC-USDT-SWAP' }, data })))).toEqual([
      { type: 'reference', venue: 'okx', symbol: 'BTC-USDT-SWAP', exchangeTime: 1630049139746, receiveTime: 1000, markPrice: 42310.6 },
    ]);
  });

  it('maps funding-rate to a reference; the next funding is when fundingRate settles (fundingTime)', () => {
    const data = [
      {
        instType: 'SWAP',
        instId: 'BTC-USD-SWAP',
        fundingRate: '0.0001875391284828',
        fundingTime: '1700726400000',
        nextFundingRate: '0.000099',
        nextFundingTime: '1700755200000',
        ts: '1700724675402',
      },
    ];
    expect(events(mapper.map(ws({ arg: { channel: 'funding-rate', instId: 'BTC-USD-SWAP' }, data })))).toEqual([
      {
        type: 'reference',
        venue: 'okx',
        symbol: 'BTC-USD-SWAP',
        exchangeTime: 1700724675402,
        receiveTime: 1000,
        fundingRate: 0.0001875391284828,
        nextFundingTime: 1700726400000,
        // 1700755200000 - 1700726400000: an 8 h swap.
        fundingIntervalMs: 8 * 3_600_000,
      },
    ]);
  });

  it('maps index-tickers to an index_price named after the index', () => {
    const data = [{ instId: 'BTC-USDT', idxPx: '0.1', high24h: '0.5', open24h: '0.1', ts: '1597026383085' }];
    expect(events(mapper.map(ws({ arg: { channel: 'index-tickers', instId: 'BTC-USDT' }, data })))).toEqual([
      { type: 'index_price', venue: 'okx', symbol: 'BTC-USDT', exchangeTime: 1597026383085, receiveTime: 1000, price: 0.1 },
    ]);
  });

  it('ignores trades and unknown channels, naming them', () => {
    const trade = { instId: 'UNI-USD-SWAP', tradeId: '1', px: '5.1', sz: '1', side: 'sell', ts: '1' };
    expect(mapper.map(ws({ arg: { channel: 'trades', instId: 'UNI-USD-SWAP' }, data: [trade] }))).toEqual({ kind: 'ignored', what: 'trades' });
    expect(mapper.map(ws({ arg: { channel: 'candle1m', instId: 'X' }, data: [] }))).toEqual({ kind: 'ignored', what: 'candle1m' });
  });

  it('ignores subscription acks, pongs and service notices; rejects errors as venue_error', () => {
    expect(mapper.map(ws({ event: 'subscribe', arg: { channel: 'books', instId: 'UNI-USD-SWAP' } }))).toEqual({ kind: 'ignored', what: 'subscribe' });
    expect(mapper.map(ws('pong'))).toEqual({ kind: 'ignored', what: 'pong' });
    expect(mapper.map(ws({ event: 'notice', code: '64008', msg: 'The connection will soon be closed for a service upgrade.', connId: 'a4d3ae55' }))).toEqual({
      kind: 'ignored',
      what: 'notice',
    });
    const error = rejected(mapper.map(ws({ event: 'error', code: '60012', msg: 'Invalid request' })));
    expect(error.reason).toBe('venue_error');
    expect(error.detail).toContain('60012');
  });
});

describe('OkxMapper: REST', () => {
  const instrument = (fields: Record<string, string>) => ({
    ctMult: '',
    ctType: '',
    ctVal: '',
    ctValCcy: '',
    baseCcy: '',
    quoteCcy: '',
    uly: '',
    tickSz: '0.1',
    ...fields,
  });

  it('maps public/instruments: spot, linear and inverse swaps, futures; skips options', () => {
    const body = {
      code: '0',
      msg: '',
      data: [
        instrument({ instType: 'SPOT', instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT' }),
        instrument({ instType: 'SWAP', instId: 'BTC-USDT-SWAP', ctType: 'linear', ctVal: '0.01', ctMult: '1', ctValCcy: 'BTC', uly: 'BTC-USDT' }),
        instrument({ instType: 'SWAP', instId: 'UNI-USD-SWAP', ctType: 'inverse', ctVal: '10', ctMult: '1', ctValCcy: 'USD', uly: 'UNI-USD', tickSz: '0.001' }),
        instrument({ instType: 'FUTURES', instId: 'BTC-USD-220624', ctType: 'inverse', ctVal: '100', ctValCcy: 'USD', uly: 'BTC-USD' }),
        instrument({ instType: 'SWAP', instId: 'PEPE-USDT-SWAP', ctType: 'linear', ctVal: '1000', ctMult: '10', ctValCcy: 'PEPE', uly: 'PEPE-USDT' }),
        instrument({ instType: 'OPTION', instId: 'BTC-USD-220624-30000-C', ctType: '', ctVal: '1', ctMult: '0.1', uly: 'BTC-USD' }),
        instrument({ instType: 'SWAP', instId: 'BAD-USDT-SWAP', ctType: 'linear', ctVal: 'x' }),
      ],
    };
    const result = mapper.map(rest('https://www.okx.com/api/v5/public/instruments?instType=SWAP', body));
    if (result.kind !== 'instruments') throw new Error(JSON.stringify(result));
    const common = { venue: 'okx' };
    expect(result.instruments).toEqual([
      { ...common, symbol: 'BTC-USDT', id: 'BTC-USDT-SPOT', type: 'spot', base: 'BTC', quote: 'USDT', tickSize: 0.1, contractKind: 'spot', contractValue: 1 },
      {
        ...common,
        symbol: 'BTC-USDT-SWAP',
        id: 'BTC-USDT-PERP',
        type: 'perpetual',
        base: 'BTC',
        quote: 'USDT',
        tickSize: 0.1,
        contractKind: 'linear',
        contractValue: 0.01,
        indexSymbol: 'BTC-USDT',
      },
      {
        ...common,
        symbol: 'UNI-USD-SWAP',
        id: 'UNI-USD-PERP',
        type: 'perpetual',
        base: 'UNI',
        quote: 'USD',
        tickSize: 0.001,
        contractKind: 'inverse',
        contractValue: 10,
        indexSymbol: 'UNI-USD',
      },
      {
        ...common,
        symbol: 'BTC-USD-220624',
        id: 'BTC-USD-220624',
        type: 'future',
        base: 'BTC',
        quote: 'USD',
        tickSize: 0.1,
        contractKind: 'inverse',
        contractValue: 100, // ctMult empty -> 1
        indexSymbol: 'BTC-USD',
      },
      {
        ...common,
        symbol: 'PEPE-USDT-SWAP',
        id: 'PEPE-USDT-PERP',
        type: 'perpetual',
        base: 'PEPE',
        quote: 'USDT',
        tickSize: 0.1,
        contractKind: 'linear',
        contractValue: 10000, // ctVal x ctMult
        indexSymbol: 'PEPE-USDT',
      },
    ]);
  });

  it('maps market/books and books-full to a snapshot named by the instId query, seq {last: seqId}', () => {
    const body = { code: '0', msg: '', data: [{ asks: [['41006.8', '0.6', '0', '1']], bids: [['41006.3', '0.3', '0', '2']], ts: '1629966436396', seqId: 3235, prevSeqId: 3230 }] };
    const [event] = events(mapper.map(rest('https://www.okx.com/api/v5/market/books?instId=BTC-USDT&sz=400', body)));
    expect(event).toEqual({
      type: 'book_snapshot',
      venue: 'okx',
      symbol: 'BTC-USDT',
      exchangeTime: 1629966436396,
      receiveTime: 2000,
      asks: [['41006.8', '0.6']],
      bids: [['41006.3', '0.3']],
      seq: { last: 3235 },
    });
    const [full] = events(mapper.map(rest('https://www.okx.com/api/v5/market/books-full?instId=ETH-USDT&sz=5000', { code: '0', data: [{ asks: [], bids: [], ts: '1' }] })));
    expect(full).toMatchObject({ type: 'book_snapshot', symbol: 'ETH-USDT', seq: {} });
  });

  it('rejects REST errors: code != "0" as venue_error, HTTP >= 400 as http_error', () => {
    const error = rejected(mapper.map(rest('https://www.okx.com/api/v5/market/books?instId=NOPE', { code: '51001', msg: "Instrument ID doesn't exist", data: [] })));
    expect(error).toMatchObject({ reason: 'venue_error' });
    expect(error.detail).toContain('51001');
    expect(rejected(mapper.map(rest('https://www.okx.com/api/v5/market/books?instId=BTC-USDT', 'Too Many Requests', 429))).reason).toBe('http_error');
    expect(rejected(mapper.map(rest('https://www.okx.com/api/v5/public/instruments?instType=SPOT', '<html>', 503))).reason).toBe('http_error');
  });

  it('ignores REST endpoints it does not use', () => {
    expect(mapper.map(rest('https://www.okx.com/api/v5/market/tickers?instType=SWAP', { code: '0', data: [] }))).toEqual({
      kind: 'ignored',
      what: 'rest /api/v5/market/tickers',
    });
  });
});

describe('OkxMapper: malformed frames are rejected, never thrown', () => {
  const cases: [string, RawFrame, string][] = [
    ['truncated JSON', ws('{"arg":{"channel":"books"'), 'bad_json'],
    ['a JSON array', ws('[1,2]'), 'unknown_message'],
    ['neither event nor push', ws({ hello: 1 }), 'unknown_message'],
    ['books without data', ws({ arg: { channel: 'books', instId: 'X' }, action: 'update' }), 'missing_field'],
    ['books without instId', ws({ arg: { channel: 'books' }, action: 'update', data: [{ asks: [], bids: [] }] }), 'missing_field'],
    ['books without action', ws(books(undefined, { asks: [], bids: [] })), 'missing_field'],
    ['books with an unknown action', ws(books('partial', { asks: [], bids: [] })), 'unknown_message'],
    ['books without asks', ws(books('update', { bids: [] })), 'missing_field'],
    ['a level that is not a pair', ws(books('update', { asks: [['1']], bids: [] })), 'missing_field'],
    ['a NaN price', ws(books('update', { asks: [['abc', '1']], bids: [] })), 'bad_number'],
    ['an empty size', ws(books('update', { asks: [['1', '']], bids: [] })), 'bad_number'],
    ['a zero price', ws(books('update', { asks: [['0', '1']], bids: [] })), 'bad_number'],
    ['a negative size', ws(books('update', { asks: [], bids: [['1', '-3']] })), 'negative_size'],
    ['a non-numeric checksum', ws(books('update', { asks: [], bids: [], checksum: 'x' })), 'bad_number'],
    ['a checksum beyond 32 bits', ws(books('update', { asks: [], bids: [], checksum: 2 ** 32 })), 'bad_number'],
    ['a non-numeric seqId', ws(books('update', { asks: [], bids: [], seqId: 'x', prevSeqId: 1 })), 'bad_number'],
    ['a NaN ts', ws(books('update', { asks: [], bids: [], ts: 'soon' })), 'bad_number'],
    ['a ticker without bidPx', ws({ arg: { channel: 'tickers', instId: 'X' }, data: [{ instId: 'X', bidSz: '1', askPx: '2', askSz: '1' }] }), 'missing_field'],
    ['a ticker with an empty bidPx', ws({ arg: { channel: 'tickers', instId: 'X' }, data: [{ instId: 'X', bidPx: '', bidSz: '1', askPx: '2', askSz: '1' }] }), 'bad_number'],
    ['a mark price NaN', ws({ arg: { channel: 'mark-price', instId: 'X' }, data: [{ instId: 'X', markPx: 'NaN' }] }), 'bad_number'],
    ['an index ticker without idxPx', ws({ arg: { channel: 'index-tickers', instId: 'BTC-USDT' }, data: [{ instId: 'BTC-USDT' }] }), 'missing_field'],
    ['a data entry that is not an object', ws({ arg: { channel: 'tickers', instId: 'X' }, data: [7] }), 'missing_field'],
    ['a REST body that is not JSON', rest('https://www.okx.com/api/v5/market/books?instId=X', '<html>'), 'bad_json'],
    ['a REST book without instId', rest('https://www.okx.com/api/v5/market/books?sz=5', { code: '0', data: [{ asks: [], bids: [] }] }), 'missing_field'],
    ['a REST book with empty data', rest('https://www.okx.com/api/v5/market/books?instId=X', { code: '0', data: [] }), 'missing_field'],
    ['a REST body without code', rest('https://www.okx.com/api/v5/public/instruments', { data: [] }), 'missing_field'],
  ];
  it.each(cases)('%s', (_name, frame, reason) => {
    const result = rejected(mapper.map(frame));
    expect(result.reason).toBe(reason);
    expect(result.detail.length).toBeGreaterThan(0);
    expect(result.detail.length).toBeLessThanOrEqual(130);
  });

  it('survives junk of every shape', () => {
    const junk = ['', 'null', '0', '"x"', 'true', '{}', '{"event":5}', '{"arg":null}', '{"arg":{"channel":7}}', '{"arg":{"channel":"books","instId":"X"},"action":"update","data":[null]}', '{"arg":{"channel":"tickers"},"data":{}}'];
    for (const data of junk) {
      expect(() => mapper.map(ws(data))).not.toThrow();
      expect(() => mapper.map(rest('https://www.okx.com/api/v5/market/books?instId=X', data))).not.toThrow();
      expect(() => mapper.map(rest('not a url at all ::', data))).not.toThrow();
    }
  });
});
