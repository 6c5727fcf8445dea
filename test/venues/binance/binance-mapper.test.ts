import { describe, expect, it } from 'vitest';
import { BinanceMapper, binanceSpot, binanceUsdm, yymmdd } from '../../../src/engine/venues/binance';
import { numericLevelsOf } from '../../../src/engine/decode/numeric-book-message';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { MapResult } from '../../../src/engine/venues/venue';

const spot = binanceSpot.createMapper();
const usdm = binanceUsdm.createMapper();

function ws(data: unknown, url = 'wss://stream.binance.com:9443/stream'): RawFrame {
  return { t: 1000, venue: 'binance-spot', kind: 'ws', url, data: typeof data === 'string' ? data : JSON.stringify(data) };
}

function rest(url: string, data: unknown, status?: number): RawFrame {
  const frame: RawFrame = { t: 2000, venue: 'binance-spot', kind: 'rest', url, data: JSON.stringify(data) };
  return status === undefined ? frame : { ...frame, status };
}

function combined(stream: string, data: unknown): RawFrame {
  return ws({ stream, data });
}

function only(result: MapResult) {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  expect(result.events).toHaveLength(1);
  const event = result.events[0]!;
  // Book levels the hot decoder read as numbers, seen as the plain event with strings they stand for.
  const numeric = event.type === 'book_snapshot' || event.type === 'book_delta' ? numericLevelsOf(event) : undefined;
  return numeric === undefined ? event : numeric.plain();
}

function reason(result: MapResult): string {
  if (result.kind !== 'rejected') throw new Error(`expected a rejection, got ${result.kind}`);
  expect(result.detail.length).toBeGreaterThan(0);
  return result.reason;
}

const diff = { e: 'depthUpdate', E: 123, s: 'NKNUSDT', U: 10, u: 12, b: [['0.35', '100']], a: [['0.36', '0']] };

describe('BinanceMapper depth', () => {
  it('maps a spot diff to book_delta with U/u', () => {
    const event = only(spot.map(combined('nknusdt@depth@100ms', diff)));
    expect(event).toEqual({
      type: 'book_delta', venue: 'binance-spot', symbol: 'NKNUSDT', exchangeTime: 123, receiveTime: 1000,
      bids: [['0.35', '100']], asks: [['0.36', '0']], seq: { first: 10, last: 12 },
    });
  });

  it('accepts a raw, unwrapped payload', () => {
    expect(only(spot.map(ws(diff, 'wss://stream.binance.com:9443/ws/nknusdt@depth@100ms'))).type).toBe('book_delta');
  });

  it('maps a USD-M diff with pu', () => {
    const event = only(usdm.map(combined('sushiusdt@depth@100ms', { ...diff, s: 'SUSHIUSDT', pu: 9 })));
    expect(event).toMatchObject({ type: 'book_delta', venue: 'binance-usdm', seq: { first: 10, last: 12, prev: 9 } });
  });

  it('requires pu on USD-M', () => {
    expect(reason(usdm.map(combined('sushiusdt@depth@100ms', diff)))).toBe('missing_field');
  });

  it('maps spot partial depth to a snapshot, symbol from the stream name', () => {
    const payload = { lastUpdateId: 77, bids: [['1.0', '2']], asks: [['1.1', '3']] };
    expect(only(spot.map(combined('nknusdt@depth20@100ms', payload)))).toEqual({
      type: 'book_snapshot', venue: 'binance-spot', symbol: 'NKNUSDT', exchangeTime: undefined, receiveTime: 1000,
      bids: [['1.0', '2']], asks: [['1.1', '3']], seq: { last: 77 },
    });
    // Raw stream endpoint: the name is in the URL.
    expect(only(spot.map(ws(payload, 'wss://stream.binance.com:9443/ws/nknusdt@depth20'))).symbol).toBe('NKNUSDT');
    // Nowhere to learn the symbol from.
    expect(reason(spot.map(ws(payload)))).toBe('missing_field');
  });

  it('maps USD-M partial depth (a depthUpdate on @depth20) to a snapshot', () => {
    const event = only(usdm.map(combined('sushiusdt@depth20@100ms', { ...diff, s: 'SUSHIUSDT', pu: 9 })));
    expect(event).toMatchObject({ type: 'book_snapshot', symbol: 'SUSHIUSDT', seq: { first: 10, last: 12, prev: 9 } });
  });

  it('maps REST depth with the symbol from the URL and E as exchange time', () => {
    const body = { lastUpdateId: 600859605926, E: 1626992741264, T: 1626992741261, bids: [['7.6', '1']], asks: [] };
    const event = only(usdm.map(rest('https://fapi.binance.com/fapi/v1/depth?symbol=sushiusdt&limit=1000', body)));
    expect(event).toEqual({
      type: 'book_snapshot', venue: 'binance-usdm', symbol: 'SUSHIUSDT', exchangeTime: 1626992741264, receiveTime: 2000,
      bids: [['7.6', '1']], asks: [], seq: { last: 600859605926 },
    });
    const spotEvent = only(spot.map(rest('https://api.binance.com/api/v3/depth?limit=1000&symbol=NKNUSDT', { lastUpdateId: 5, bids: [], asks: [] })));
    expect(spotEvent).toMatchObject({ symbol: 'NKNUSDT', exchangeTime: undefined, seq: { last: 5 } });
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/depth', { lastUpdateId: 5, bids: [], asks: [] })))).toBe('missing_field');
  });
});

describe('BinanceMapper quotes and references', () => {
  it('maps spot bookTicker (no e field)', () => {
    const event = only(spot.map(combined('nknusdt@bookTicker', { u: 400, s: 'NKNUSDT', b: '0.3527', B: '31', a: '0.3531', A: '40.5' })));
    expect(event).toEqual({
      type: 'quote', venue: 'binance-spot', symbol: 'NKNUSDT', exchangeTime: undefined, receiveTime: 1000,
      bidPrice: 0.3527, bidSize: 31, askPrice: 0.3531, askSize: 40.5, updateId: 400,
    });
  });

  it('carries the bookTicker update id u (the diff depth id space) for the book cross-check', () => {
    const quote = (u: unknown) => spot.map(combined('nknusdt@bookTicker', { u, s: 'NKNUSDT', b: '0.3527', B: '31', a: '0.3531', A: '40.5' }));
    expect(only(quote(499869768))).toMatchObject({ updateId: 499869768 });
    expect(reason(quote('x'))).toBe('bad_number');
    expect(only(spot.map(combined('nknusdt@bookTicker', { s: 'NKNUSDT', b: '1', B: '1', a: '2', A: '1' })))).not.toHaveProperty('updateId');
  });

  it('maps USD-M bookTicker (e, E, T)', () => {
    const payload = { e: 'bookTicker', u: 1, s: 'SUSHIUSDT', b: '7.6110', B: '2', a: '7.6120', A: '297', T: 1626992741012, E: 1626992741017 };
    expect(only(usdm.map(combined('sushiusdt@bookTicker', payload)))).toMatchObject({
      type: 'quote', symbol: 'SUSHIUSDT', exchangeTime: 1626992741017, bidPrice: 7.611, askPrice: 7.612, askSize: 297, updateId: 1,
    });
  });

  it('maps markPriceUpdate to a reference event', () => {
    const payload = { e: 'markPriceUpdate', E: 1562305380000, s: 'BTCUSDT', p: '11794.15', i: '11784.62', P: '11784.25', r: '-0.00038167', T: 1562306400000 };
    expect(only(usdm.map(combined('btcusdt@markPrice', payload)))).toEqual({
      type: 'reference', venue: 'binance-usdm', symbol: 'BTCUSDT', exchangeTime: 1562305380000, receiveTime: 1000,
      markPrice: 11794.15, indexPrice: 11784.62, fundingRate: -0.00038167, nextFundingTime: 1562306400000,
    });
  });

  it('omits an empty funding rate (delivery contracts) and maps the all-market array', () => {
    const a = { e: 'markPriceUpdate', E: 1, s: 'BTCUSDT_210924', p: '100', i: '99', r: '', T: 0 };
    const b = { e: 'markPriceUpdate', E: 1, s: 'BTCUSDT', p: '101', i: '99', r: '0.0001', T: 5 };
    const result = usdm.map(combined('!markPrice@arr', [a, b]));
    if (result.kind !== 'events') throw new Error(result.kind);
    expect(result.events).toHaveLength(2);
    expect(result.events[0]).not.toHaveProperty('fundingRate');
    expect(result.events[0]).not.toHaveProperty('nextFundingTime');
    expect(result.events[1]).toMatchObject({ fundingRate: 0.0001, nextFundingTime: 5 });
  });
});

describe('BinanceMapper ignored frames', () => {
  it.each([
    ['trade', { e: 'trade', E: 1, s: 'NKNUSDT', t: 1, p: '1', q: '1' }],
    ['aggTrade', { e: 'aggTrade', E: 1, s: 'NKNUSDT', a: 1, p: '1', q: '1' }],
    ['kline', { e: 'kline', E: 1, s: 'NKNUSDT', k: {} }],
  ])('ignores %s', (what, payload) => {
    expect(spot.map(combined(`nknusdt@${what}`, payload))).toEqual({ kind: 'ignored', what });
  });

  it('ignores subscription acks', () => {
    expect(spot.map(ws({ result: null, id: 1 }))).toEqual({ kind: 'ignored', what: 'subscription ack' });
  });

  it('reads serverShutdown (bare, wrapped in event, inside a combined stream) as ignored: the feed rotates on it', () => {
    const ignored = { kind: 'ignored', what: 'serverShutdown' };
    expect(spot.map(ws({ e: 'serverShutdown', E: 1770123456789 }))).toEqual(ignored);
    expect(usdm.map(ws({ event: { e: 'serverShutdown', E: 1770123456789 } }))).toEqual(ignored);
    expect(usdm.map(combined('btcusdt@depth@100ms', { e: 'serverShutdown', E: 1770123456789 }))).toEqual(ignored);
  });
});

describe('BinanceMapper rejections', () => {
  it('bad JSON', () => {
    expect(reason(spot.map(ws('{"stream":"nknusdt@depth@100ms","data":{')))).toBe('bad_json');
  });

  it('NaN or non-numeric prices and sizes', () => {
    expect(reason(spot.map(combined('x@depth', { ...diff, b: [['NaN', '1']] })))).toBe('bad_number');
    expect(reason(spot.map(combined('x@depth', { ...diff, b: [['abc', '1']] })))).toBe('bad_number');
    expect(reason(spot.map(combined('x@depth', { ...diff, a: [['1.0', '']] })))).toBe('bad_number');
    expect(reason(spot.map(combined('x@depth', { ...diff, a: [[1.0, '1']] })))).toBe('bad_number');
    expect(reason(spot.map(combined('x@depth', { ...diff, U: 'ten' })))).toBe('bad_number');
    expect(reason(spot.map(combined('x@bookTicker', { u: 1, s: 'X', b: 'NaN', B: '1', a: '2', A: '1' })))).toBe('bad_number');
    expect(reason(usdm.map(combined('x@markPrice', { e: 'markPriceUpdate', E: 1, s: 'X', p: 'oops' })))).toBe('bad_number');
  });

  it('negative sizes', () => {
    expect(reason(spot.map(combined('x@depth', { ...diff, b: [['0.35', '-1']] })))).toBe('negative_size');
    expect(reason(spot.map(combined('x@bookTicker', { u: 1, s: 'X', b: '1', B: '1', a: '2', A: '-3' })))).toBe('negative_size');
    // A negative price is not a size problem but an impossible number.
    expect(reason(spot.map(combined('x@depth', { ...diff, b: [['-0.35', '1']] })))).toBe('bad_number');
  });

  it('missing fields', () => {
    const { s: _s, ...noSymbol } = diff;
    expect(reason(spot.map(combined('x@depth', noSymbol)))).toBe('missing_field');
    const { u: _u, ...noLast } = diff;
    expect(reason(spot.map(combined('x@depth', noLast)))).toBe('missing_field');
    const { b: _b, ...noBids } = diff;
    expect(reason(spot.map(combined('x@depth', noBids)))).toBe('missing_field');
    expect(reason(spot.map(combined('x@depth', { ...diff, b: [['1.0']] })))).toBe('missing_field');
    expect(reason(usdm.map(combined('x@bookTicker', { e: 'bookTicker', s: 'X', b: '1', B: '1', a: '2' })))).toBe('missing_field');
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/depth?symbol=X', { bids: [], asks: [] })))).toBe('missing_field');
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/exchangeInfo', { timezone: 'UTC' })))).toBe('missing_field');
  });

  it('HTTP errors, before looking at the body', () => {
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/depth?symbol=NKNUSDT', '<html>busy</html>', 503)))).toBe('http_error');
    expect(reason(usdm.map(rest('https://fapi.binance.com/fapi/v1/depth?symbol=X', { code: -1003, msg: 'Too many requests' }, 429)))).toBe('http_error');
  });

  it('venue errors', () => {
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/depth?symbol=NOPE', { code: -1121, msg: 'Invalid symbol.' })))).toBe('venue_error');
    expect(reason(spot.map(ws({ error: { code: 2, msg: 'Invalid request' }, id: 3 })))).toBe('venue_error');
  });

  it('unknown messages', () => {
    expect(reason(spot.map(combined('x@y', { e: 'somethingNew', s: 'X' })))).toBe('unknown_message');
    expect(reason(spot.map(combined('x@y', { hello: 'world' })))).toBe('unknown_message');
    expect(reason(spot.map(ws('42')))).toBe('unknown_message');
    expect(reason(spot.map(rest('https://api.binance.com/api/v3/ticker/price', { symbol: 'X', price: '1' })))).toBe('unknown_message');
    // The other service's REST path is not this mapper's to read.
    expect(reason(spot.map(rest('https://fapi.binance.com/fapi/v1/depth?symbol=X', { lastUpdateId: 1, bids: [], asks: [] })))).toBe('unknown_message');
  });

  it('never throws on arbitrary input', () => {
    const inputs = ['', 'null', '[]', '[1,2]', '{"stream":5,"data":null}', '{"stream":"a","data":[null]}', '{"e":null}', '"text"'];
    for (const data of inputs) {
      for (const mapper of [spot, usdm]) {
        expect(() => mapper.map(ws(data))).not.toThrow();
        expect(() => mapper.map({ ...ws(data), kind: 'rest' })).not.toThrow();
      }
    }
  });
});

describe('exchangeInfo', () => {
  const filters = [{ filterType: 'PRICE_FILTER', minPrice: '0.1', maxPrice: '500', tickSize: '0.0010' }];

  it('maps spot symbols', () => {
    const body = { symbols: [{ symbol: 'NKNUSDT', status: 'TRADING', baseAsset: 'NKN', quoteAsset: 'USDT', filters }] };
    expect(spot.map(rest('https://api.binance.com/api/v3/exchangeInfo', body))).toEqual({
      kind: 'instruments',
      instruments: [{ venue: 'binance-spot', symbol: 'NKNUSDT', id: 'NKN-USDT-SPOT', type: 'spot', base: 'NKN', quote: 'USDT', tickSize: 0.001, contractKind: 'spot', contractValue: 1 }],
    });
  });

  it('maps USD-M perpetuals and delivery contracts, skips unusable entries', () => {
    const body = {
      symbols: [
        { symbol: 'BTCUSDT', contractType: 'PERPETUAL', deliveryDate: 4133404800000, baseAsset: 'BTC', quoteAsset: 'USDT', filters },
        { symbol: 'BTCUSDT_210924', contractType: 'CURRENT_QUARTER', deliveryDate: 1632470400000, baseAsset: 'BTC', quoteAsset: 'USDT', filters },
        { symbol: 'NOFILTER', contractType: 'PERPETUAL', baseAsset: 'A', quoteAsset: 'B', filters: [] },
        null,
      ],
    };
    const result = new BinanceMapper('usdm').map(rest('https://fapi.binance.com/fapi/v1/exchangeInfo', body));
    if (result.kind !== 'instruments') throw new Error(result.kind);
    expect(result.instruments.map((i) => [i.symbol, i.id, i.type, i.contractKind, i.contractValue])).toEqual([
      ['BTCUSDT', 'BTC-USDT-PERP', 'perpetual', 'linear', 1],
      ['BTCUSDT_210924', 'BTC-USDT-210924', 'future', 'linear', 1],
    ]);
  });

  it('formats delivery dates in UTC', () => {
    expect(yymmdd(Date.UTC(2021, 8, 24, 8))).toBe('210924');
    expect(yymmdd(Date.UTC(2022, 0, 1, 0))).toBe('220101');
  });
});
