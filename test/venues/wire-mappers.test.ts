import { describe, expect, it } from 'vitest';
import { numericLevelsOf } from '../../src/engine/decode/numeric-book-message';
import { BinanceMapper } from '../../src/engine/venues/binance/binance-mapper';
import { OkxMapper } from '../../src/engine/venues/okx/okx-mapper';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { MapResult } from '../../src/engine/venues/venue';

/**
 * The behaviour the two mappers changed when they moved onto the shared
 * wire module (src/engine/venues/wire, issue 12): each change named, on
 * both venues where it applies, and each frame mapped with the hot decoder
 * and without it to the same result (the decoders take none of these
 * frames, or take them exactly as the JSON path maps them).
 */

const spot = new BinanceMapper('spot');
const usdm = new BinanceMapper('usdm');
const okx = new OkxMapper();
const mappers = {
  spot: [spot, new BinanceMapper('spot', undefined, { hotDecoder: false })],
  usdm: [usdm, new BinanceMapper('usdm', undefined, { hotDecoder: false })],
  okx: [okx, new OkxMapper(undefined, { hotDecoder: false })],
} as const;

const text = (data: unknown): string => (typeof data === 'string' ? data : JSON.stringify(data));
const binanceWs = (data: unknown): RawFrame => ({ t: 1000, venue: 'binance-spot', kind: 'ws', url: 'wss://stream.binance.com:9443/stream', data: text(data) });
const binanceRest = (url: string, data: unknown): RawFrame => ({ t: 1000, venue: 'binance-spot', kind: 'rest', url, data: text(data) });
const okxWs = (data: unknown): RawFrame => ({ t: 1000, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data: text(data) });
const okxRest = (url: string, data: unknown, status?: number): RawFrame => ({
  t: 1000, venue: 'okx', kind: 'rest', url, data: text(data), ...(status === undefined ? {} : { status }),
});

/** A book message the hot decoder read as numbers, seen as the plain event it stands for. */
function plain(result: MapResult): MapResult {
  if (result.kind !== 'events') return result;
  return {
    kind: 'events',
    events: result.events.map((event) => {
      const numeric = event.type === 'book_snapshot' || event.type === 'book_delta' ? numericLevelsOf(event) : undefined;
      return numeric === undefined ? event : numeric.plain();
    }),
  };
}

/** Maps with and without the hot decoder, requires the same result, returns it. */
function map(venue: keyof typeof mappers, frame: RawFrame): MapResult {
  const [hot, json] = mappers[venue];
  const result = json.map(frame);
  expect(plain(hot.map(frame))).toStrictEqual(result);
  return result;
}

function rejection(result: MapResult): { reason: string; detail: string; symbol?: string } {
  if (result.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
  return result;
}

function onlyEvent(result: MapResult): Record<string, unknown> {
  if (result.kind !== 'events' || result.events.length !== 1) throw new Error(`expected one event, got ${JSON.stringify(result)}`);
  return result.events[0] as unknown as Record<string, unknown>;
}

const diff = { e: 'depthUpdate', E: 123, s: 'NKNUSDT', U: 10, u: 12, b: [['0.35', '100']], a: [['0.36', '0']] };
const ticker = (values: Record<string, unknown>) => ({
  arg: { channel: 'tickers', instId: 'BTC-USDT' },
  data: [{ instId: 'BTC-USDT', ts: '1652400000000', bidPx: '1', bidSz: '2', askPx: '3', askSz: '4', ...values }],
});
const book = (entry: Record<string, unknown>) => ({
  arg: { channel: 'books', instId: 'BTC-USDT' },
  action: 'update',
  data: [{ asks: [], bids: [['1.5', '2', '0', '1']], ts: '1652400000000', seqId: 11, prevSeqId: 10, checksum: 7, ...entry }],
});

describe('one time rule: an integer of ms, as a JSON number or a string of digits', () => {
  it('Binance E / T present but not an integer is bad_number on the book, quote and mark price (it was dropped, or kept as 1.5)', () => {
    for (const E of [1.5, 'soon', true, 1e300]) {
      expect(rejection(map('spot', binanceWs({ stream: 'nknusdt@depth@100ms', data: { ...diff, E } })))).toMatchObject({ reason: 'bad_number', symbol: 'NKNUSDT' });
      expect(rejection(map('usdm', binanceWs({ stream: 'x@bookTicker', data: { e: 'bookTicker', u: 1, s: 'X', b: '1', B: '1', a: '2', A: '1', E } }))).reason).toBe('bad_number');
      expect(rejection(map('usdm', binanceWs({ stream: 'x@markPrice', data: { e: 'markPriceUpdate', s: 'X', p: '1', E } }))).detail).toMatch(/^E .* is not a time in ms$/);
    }
    expect(rejection(map('usdm', binanceWs({ stream: 'x@markPrice', data: { e: 'markPriceUpdate', E: 1, s: 'X', p: '1', T: 'x' } }))).detail).toContain('T "x"');
  });

  it('Binance E written as a string of digits is read (it was dropped); absent, null and "" still give no time', () => {
    expect(onlyEvent(map('spot', binanceWs({ stream: 'nknusdt@depth@100ms', data: { ...diff, E: '456' } }))).exchangeTime).toBe(456);
    for (const E of [undefined, null, '']) {
      expect(onlyEvent(map('spot', binanceWs({ stream: 'nknusdt@depth@100ms', data: { ...diff, E } }))).exchangeTime).toBeUndefined();
    }
  });

  it('OKX ts / fundingTime that are not a plain integer are bad_number (they were read by Number: "1.5", "1e3", " 12", "0x10")', () => {
    for (const ts of ['1.5', '1e3', ' 12', '0x10']) {
      expect(rejection(map('okx', okxWs(book({ ts }))))).toMatchObject({ reason: 'bad_number', symbol: 'BTC-USDT', detail: expect.stringContaining('books: ts') });
      expect(rejection(map('okx', okxWs(ticker({ ts })))).detail).toContain('tickers: ts');
      const funding = { arg: { channel: 'funding-rate', instId: 'BTC-USDT-SWAP' }, data: [{ instId: 'BTC-USDT-SWAP', fundingRate: '0.0001', fundingTime: ts }] };
      expect(rejection(map('okx', okxWs(funding))).detail).toContain('funding-rate: fundingTime');
    }
    expect(onlyEvent(map('okx', okxWs(book({ ts: 1652400000001 })))).exchangeTime).toBe(1652400000001);
    expect(onlyEvent(map('okx', okxWs(ticker({ ts: '' })))).exchangeTime).toBeUndefined();
  });
});

describe('one integer rule: ids, sequence numbers and checksums are JSON numbers that are safe integers', () => {
  it('OKX seqId / prevSeqId / checksum as strings are bad_number (they were read by Number)', () => {
    for (const field of ['seqId', 'prevSeqId', 'checksum']) {
      expect(rejection(map('okx', okxWs(book({ [field]: '11' }))))).toMatchObject({ reason: 'bad_number', symbol: 'BTC-USDT', detail: expect.stringContaining(`books: ${field}`) });
    }
    expect(rejection(map('okx', okxWs(book({ seqId: 2 ** 60 })))).reason).toBe('bad_number');
    expect(onlyEvent(map('okx', okxWs(book({ seqId: '', prevSeqId: null })))).seq).toStrictEqual({});
  });

  it('Binance ids keep the rule they had, now naming the value', () => {
    expect(rejection(map('spot', binanceWs({ stream: 'x@depth', data: { ...diff, U: 'ten' } })))).toMatchObject({ reason: 'bad_number', detail: 'U "ten" is not an integer' });
  });
});

describe('one decimal rule: decimal strings in the syntax of level-rules.ts', () => {
  it('OKX prices written as JSON numbers, with spaces or in hex are bad_number (they were read by Number)', () => {
    for (const bidPx of [5, ' 5', '0x1A', '5 ']) {
      expect(rejection(map('okx', okxWs(ticker({ bidPx }))))).toMatchObject({ reason: 'bad_number', detail: expect.stringContaining('tickers: bidPx') });
    }
    const mark = (markPx: unknown) => ({ arg: { channel: 'mark-price', instId: 'BTC-USDT-SWAP' }, data: [{ instId: 'BTC-USDT-SWAP', markPx }] });
    expect(rejection(map('okx', okxWs(mark(30000)))).detail).toContain('mark-price: markPx');
    expect(onlyEvent(map('okx', okxWs(mark('3e4')))).markPrice).toBe(30000);
  });

  it('the same strings on Binance: a mark price as a JSON number or in hex is bad_number, as before', () => {
    for (const p of [5, '0x1A', ' 5']) {
      expect(rejection(map('usdm', binanceWs({ stream: 'x@markPrice', data: { e: 'markPriceUpdate', E: 1, s: 'X', p } }))).reason).toBe('bad_number');
    }
  });

  it('top-of-book values are sizes on every venue: a negative OKX ticker value is refused, as a negative Binance bookTicker value is', () => {
    expect(rejection(map('okx', okxWs(ticker({ bidSz: '-2' })))).reason).toBe('negative_size');
    expect(rejection(map('okx', okxWs(ticker({ askPx: '-100' })))).reason).toBe('negative_size');
    expect(onlyEvent(map('okx', okxWs(ticker({ bidSz: '0' })))).bidSize).toBe(0);
    expect(rejection(map('usdm', binanceWs({ stream: 'x@bookTicker', data: { e: 'bookTicker', u: 1, s: 'X', b: '1', B: '-2', a: '2', A: '1' } }))).reason).toBe('negative_size');
  });
});

describe('one level rule, one level shape: [price, size] with the strings untouched', () => {
  it('Binance levels with extra fields come out as [price, size] (they were passed on as they were)', () => {
    const event = onlyEvent(map('spot', binanceWs({ stream: 'nknusdt@depth@100ms', data: { ...diff, b: [['0.35', '100', 'x']] } })));
    expect(event.bids).toStrictEqual([['0.35', '100']]);
  });

  it('a bad level refuses the whole message on both venues with the same detail', () => {
    const binance = rejection(map('spot', binanceWs({ stream: 'nknusdt@depth@100ms', data: { ...diff, b: [['0.35', '-1']] } })));
    const okxResult = rejection(map('okx', okxWs(book({ bids: [['0.35', '-1', '0', '1']] }))));
    expect(binance).toStrictEqual({ kind: 'rejected', reason: 'negative_size', detail: 'b[0] size "-1" is negative', symbol: 'NKNUSDT' });
    expect(okxResult).toStrictEqual({ kind: 'rejected', reason: 'negative_size', detail: 'books: bids[0] size "-1" is negative', symbol: 'BTC-USDT' });
  });
});

describe('one safe map wrapper: the same order and the same rejections on both venues', () => {
  it('OKX: an HTTP error status is http_error whatever the body size (it was too_large past the limit), naming status and path', () => {
    const limited = new OkxMapper({ restBodyBytes: 100 });
    const result = rejection(limited.map(okxRest('https://www.okx.com/api/v5/market/books?instId=X', 'x'.repeat(500), 503)));
    expect(result.reason).toBe('http_error');
    expect(result.detail).toMatch(/^HTTP 503 from \/api\/v5\/market\/books: x+\.\.\.$/);
    const binance = rejection(new BinanceMapper('spot', { restBodyBytes: 100 }).map({ ...binanceRest('https://api.binance.com/api/v3/depth?symbol=X', 'x'.repeat(500)), status: 503 }));
    expect(binance.reason).toBe('http_error');
    expect(binance.detail).toMatch(/^HTTP 503 from \/api\/v3\/depth: x+\.\.\.$/);
  });

  it('bad_json says the same on both venues', () => {
    expect(rejection(map('spot', binanceWs('{"stream":')))).toStrictEqual({ kind: 'rejected', reason: 'bad_json', detail: 'ws frame of 10 characters is not JSON: {"stream":' });
    expect(rejection(map('okx', okxWs('{"arg":')))).toStrictEqual({ kind: 'rejected', reason: 'bad_json', detail: 'ws frame of 7 characters is not JSON: {"arg":' });
  });
});

describe('smaller changes, each named', () => {
  it('OKX REST URLs are read as Binance\'s (pathOf / queryParam): an empty instId= is missing_field (it made a book named "")', () => {
    const body = { code: '0', data: [{ asks: [], bids: [], ts: '1', seqId: 1 }] };
    expect(rejection(map('okx', okxRest('https://www.okx.com/api/v5/market/books?instId=', body)))).toMatchObject({ reason: 'missing_field', detail: 'missing instId= in the REST URL' });
    expect(onlyEvent(map('okx', okxRest('/api/v5/market/books?instId=BTC-USDT', body))).symbol).toBe('BTC-USDT');
  });

  it('OKX REST code must be "0" or 0 to be a success (String(code) let ["0"] pass)', () => {
    const result = rejection(map('okx', okxRest('https://www.okx.com/api/v5/market/books?instId=X', { code: ['0'], data: [] })));
    expect(result).toMatchObject({ reason: 'venue_error', detail: 'code an array of 1: ' });
    expect(onlyEvent(map('okx', okxRest('https://www.okx.com/api/v5/market/books?instId=X', { code: 0, data: [{ asks: [], bids: [] }] }))).symbol).toBe('X');
  });

  it('OKX arg.channel "" is missing_field (it was ignored as channel "")', () => {
    expect(rejection(map('okx', okxWs({ arg: { channel: '' }, data: [] })))).toMatchObject({ reason: 'missing_field', detail: 'missing arg.channel' });
  });

  it('Binance: a REST body or an `error` that is a JSON array is not read as an object', () => {
    expect(rejection(map('spot', binanceRest('https://api.binance.com/api/v3/depth?symbol=X', [])))).toMatchObject({ reason: 'unknown_message', detail: 'REST body is not an object' });
    expect(rejection(map('spot', binanceWs({ error: [1], id: 3 }))).reason).toBe('unknown_message');
    expect(rejection(map('spot', binanceWs({ error: { code: 2, msg: 'Invalid request' }, id: 3 }))).reason).toBe('venue_error');
  });
});
