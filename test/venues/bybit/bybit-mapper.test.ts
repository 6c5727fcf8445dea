import { describe, expect, it } from 'vitest';
import { BybitMapper } from '../../../src/engine/venues/bybit/bybit-mapper';
import { bybitBookSymbol, bybitMarketOf } from '../../../src/engine/venues/bybit/instruments';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';

// Frames shaped as Bybit's v5 docs print them:
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker
// https://bybit-exchange.github.io/docs/v5/market/instrument

const LINEAR = 'wss://stream.bybit.com/v5/public/linear';
const SPOT = 'wss://stream.bybit.com/v5/public/spot';
const INVERSE = 'wss://stream.bybit.com/v5/public/inverse';
const ws = (url: string, data: unknown): RawFrame => ({ t: 1_700_000_000_500, venue: 'bybit', kind: 'ws', url, data: typeof data === 'string' ? data : JSON.stringify(data) });
const rest = (url: string, data: unknown, status?: number): RawFrame => ({ t: 1_700_000_000_500, venue: 'bybit', kind: 'rest', url, data: JSON.stringify(data), ...(status === undefined ? {} : { status }) });
const mapper = new BybitMapper();

const book = (type: string, u: number, extra: Record<string, unknown> = {}) => ({
  topic: 'orderbook.50.BTCUSDT',
  type,
  ts: 1_671_179_923_028,
  data: { s: 'BTCUSDT', b: [['17440.00', '40.833'], ['17439.50', '0.513']], a: [['17440.50', '78.815']], u, seq: 22_520_573_250, ...extra },
  cts: 1_671_179_923_020,
});

describe('the Bybit mapper', () => {
  it('maps an orderbook snapshot and delta with u as the sequence, the exchange time and the category from the socket', () => {
    const snap = mapper.map(ws(LINEAR, book('snapshot', 13_079_592)));
    expect(snap).toEqual({
      kind: 'events',
      events: [
        {
          type: 'book_snapshot',
          venue: 'bybit',
          symbol: 'BTCUSDT',
          exchangeTime: 1_671_179_923_028,
          receiveTime: 1_700_000_000_500,
          bids: [['17440.00', '40.833'], ['17439.50', '0.513']],
          asks: [['17440.50', '78.815']],
          seq: { last: 13_079_592 },
        },
      ],
    });
    const delta = mapper.map(ws(LINEAR, book('delta', 13_079_593)));
    expect(delta.kind === 'events' && delta.events[0]!.type).toBe('book_delta');
    // The same symbol on the spot socket is another book.
    const spot = mapper.map(ws(SPOT, book('snapshot', 5)));
    expect(spot.kind === 'events' && spot.events[0]!.symbol).toBe('BTCUSDT-SPOT');
    const inverse = mapper.map(ws(INVERSE, { ...book('snapshot', 9), topic: 'orderbook.50.BTCUSD', data: { ...book('snapshot', 9).data, s: 'BTCUSD' } }));
    expect(inverse.kind === 'events' && inverse.events[0]!.symbol).toBe('BTCUSD');
  });

  it('refuses a book message whole, naming the field and the book (so it is invalidated)', () => {
    const cases: [unknown, string, string][] = [
      [book('delta', 7, { b: [['17440.00', '-1']] }), 'negative_size', 'orderbook: b'],
      [book('delta', 7, { a: [['abc', '1']] }), 'bad_number', 'orderbook: a'],
      [book('delta', 7, { u: '7' }), 'bad_number', 'orderbook: u'],
      [book('delta', 0), 'bad_number', 'orderbook: u 0'],
      [book('delta', 7, { s: 'ETHUSDT' }), 'unknown_message', "not the topic's"],
      [{ ...book('delta', 7), type: 'partial' }, 'unknown_message', 'orderbook: type'],
      [{ ...book('delta', 7), ts: 'x' }, 'bad_number', 'orderbook: ts'],
    ];
    for (const [frame, reason, detail] of cases) {
      const result = mapper.map(ws(LINEAR, frame));
      expect(result, JSON.stringify(frame)).toMatchObject({ kind: 'rejected', reason, symbol: 'BTCUSDT' });
      expect(result.kind === 'rejected' && result.detail).toContain(detail);
    }
    // A frame from a socket whose category cannot be told is refused, not guessed.
    expect(mapper.map(ws('wss://example.test/somewhere', book('snapshot', 1)))).toMatchObject({ kind: 'rejected', reason: 'unknown_message' });
  });

  it('maps a derivatives ticker snapshot to a reference and a quote, and a delta to the fields it holds only', () => {
    const snapshot = {
      topic: 'tickers.BTCUSDT',
      type: 'snapshot',
      ts: 1_673_272_861_686,
      cs: 24_987_956_059,
      data: { symbol: 'BTCUSDT', lastPrice: '17216.00', markPrice: '17217.33', indexPrice: '17227.36', fundingRate: '-0.000212', nextFundingTime: '1673280000000', bid1Price: '17215.50', bid1Size: '84.489', ask1Price: '17216.00', ask1Size: '83.020' },
    };
    const result = mapper.map(ws(LINEAR, snapshot));
    expect(result).toMatchObject({
      kind: 'events',
      events: [
        { type: 'reference', symbol: 'BTCUSDT', markPrice: 17217.33, indexPrice: 17227.36, fundingRate: -0.000212, nextFundingTime: 1_673_280_000_000, exchangeTime: 1_673_272_861_686 },
        { type: 'quote', symbol: 'BTCUSDT', bidPrice: 17215.5, bidSize: 84.489, askPrice: 17216, askSize: 83.02 },
      ],
    });
    // A delta with the mark only: a reference with the mark only (the rest is unchanged), no quote from half a top.
    const delta = mapper.map(ws(LINEAR, { topic: 'tickers.BTCUSDT', type: 'delta', ts: 1_673_272_861_786, data: { symbol: 'BTCUSDT', markPrice: '17218.00', bid1Price: '17216.00' } }));
    expect(delta).toEqual({ kind: 'events', events: [{ type: 'reference', venue: 'bybit', symbol: 'BTCUSDT', exchangeTime: 1_673_272_861_786, receiveTime: 1_700_000_000_500, markPrice: 17218 }] });
    // One bad field refuses the push whole.
    expect(mapper.map(ws(LINEAR, { ...snapshot, data: { ...snapshot.data, bid1Size: '-1' } }))).toMatchObject({ kind: 'rejected', reason: 'negative_size' });
    expect(mapper.map(ws(LINEAR, { ...snapshot, data: { ...snapshot.data, fundingRate: 'NaN' } }))).toMatchObject({ kind: 'rejected', reason: 'bad_number' });
    // A spot ticker carries neither a mark nor a top: nothing the engine reads.
    expect(mapper.map(ws(SPOT, { topic: 'tickers.BTCUSDT', type: 'snapshot', ts: 1, data: { symbol: 'BTCUSDT', lastPrice: '1', usdIndexPrice: '1' } }))).toEqual({ kind: 'ignored', what: 'tickers (no field the engine reads)' });
  });

  it('ignores replies and refuses a refused subscribe as a venue error', () => {
    expect(mapper.map(ws(LINEAR, { success: true, ret_msg: 'pong', conn_id: 'x', op: 'ping' }))).toEqual({ kind: 'ignored', what: 'ping' });
    expect(mapper.map(ws(SPOT, { req_id: '1', op: 'pong', args: ['1675418560633'], conn_id: 'x' }))).toEqual({ kind: 'ignored', what: 'pong' });
    expect(mapper.map(ws(LINEAR, { success: false, ret_msg: 'error:handler not found,topic:orderbook.7.BTCUSDT', op: 'subscribe' }))).toMatchObject({ kind: 'rejected', reason: 'venue_error' });
    expect(mapper.map(ws(LINEAR, 'not json'))).toMatchObject({ kind: 'rejected', reason: 'bad_json' });
    expect(mapper.map(ws(LINEAR, { topic: 'publicTrade.BTCUSDT', type: 'snapshot', data: [] }))).toEqual({ kind: 'ignored', what: 'publicTrade' });
  });

  it('reads instruments-info pages per category: spot, linear and USDC perpetuals, inverse and futures with their expiry', () => {
    const page = (category: string, list: unknown[]) => rest(`https://api.bybit.com/v5/market/instruments-info?category=${category}&limit=1000`, { retCode: 0, retMsg: 'OK', result: { category, list, nextPageCursor: '' }, time: 1 });
    const linear = mapper.map(
      page('linear', [
        { symbol: 'BTCUSDT', contractType: 'LinearPerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT', deliveryTime: '0', priceFilter: { tickSize: '0.10' } },
        { symbol: 'BTCPERP', contractType: 'LinearPerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDC', deliveryTime: '0', priceFilter: { tickSize: '0.5' } },
        { symbol: 'BTCUSDT-26DEC25', contractType: 'LinearFutures', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT', deliveryTime: '1766736000000', priceFilter: { tickSize: '0.5' } },
        { symbol: 'BROKEN', contractType: 'LinearPerpetual', baseCoin: 'X', quoteCoin: 'USDT', priceFilter: { tickSize: '0' } },
      ]),
    );
    expect(linear.kind).toBe('instruments');
    const ids = linear.kind === 'instruments' ? linear.instruments.map((i) => [i.symbol, i.id, i.type, i.contractKind, i.tickSize, i.expiry]) : [];
    expect(ids).toEqual([
      ['BTCUSDT', 'BTC-USDT-PERP', 'perpetual', 'linear', 0.1, undefined],
      ['BTCPERP', 'BTC-USDC-PERP', 'perpetual', 'linear', 0.5, undefined],
      ['BTCUSDT-26DEC25', 'BTC-USDT-251226', 'future', 'linear', 0.5, 1_766_736_000_000],
    ]);
    const inverse = mapper.map(page('inverse', [{ symbol: 'BTCUSD', contractType: 'InversePerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USD', priceFilter: { tickSize: '0.50' } }]));
    expect(inverse).toMatchObject({ kind: 'instruments', instruments: [{ symbol: 'BTCUSD', id: 'BTC-USD-PERP', contractKind: 'inverse', contractValue: 1 }] });
    const spot = mapper.map(page('spot', [{ symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', status: 'Trading', priceFilter: { tickSize: '0.01' } }]));
    expect(spot).toMatchObject({ kind: 'instruments', instruments: [{ symbol: 'BTCUSDT-SPOT', id: 'BTC-USDT-SPOT', type: 'spot', contractKind: 'spot' }] });
    // Errors come back with HTTP 200 and a retCode.
    expect(mapper.map(rest('https://api.bybit.com/v5/market/instruments-info?category=linear', { retCode: 10006, retMsg: 'Too many visits!' }))).toMatchObject({ kind: 'rejected', reason: 'venue_error' });
    expect(mapper.map(rest('https://api.bybit.com/v5/market/instruments-info?category=linear', {}, 403))).toMatchObject({ kind: 'rejected', reason: 'http_error' });
  });
});

describe('Bybit symbols', () => {
  it('names the spot book apart and tells linear from inverse', () => {
    expect(bybitBookSymbol('spot', 'BTCUSDT')).toBe('BTCUSDT-SPOT');
    expect(bybitMarketOf('BTCUSDT-SPOT')).toEqual({ category: 'spot', venueSymbol: 'BTCUSDT' });
    expect(bybitMarketOf('BTCUSDT').category).toBe('linear');
    expect(bybitMarketOf('BTCPERP').category).toBe('linear');
    expect(bybitMarketOf('BTC-26DEC25').category).toBe('linear');
    expect(bybitMarketOf('BTCUSD').category).toBe('inverse');
    expect(bybitMarketOf('BTCUSDH25').category).toBe('inverse');
    expect(bybitMarketOf('BTCUSDC').category).toBe('linear');
  });
});
