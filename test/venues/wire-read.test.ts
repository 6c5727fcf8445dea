import { describe, expect, it } from 'vitest';
import { checkLevels } from '../../src/shared/core/level-rules';
import { frameSizeLimits } from '../../src/engine/venues/wire/frame-json';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { MapResult } from '../../src/engine/venues/venue';
import {
  forBook,
  isAbsent,
  mapFrame,
  optionalDecimal,
  optionalInt32,
  optionalInteger,
  optionalTime,
  parseJson,
  pathOf,
  queryParam,
  reject,
  requireDecimal,
  requireInteger,
  requireLevels,
  requireList,
  requireObject,
  requireSize,
  requireString,
  WireReject,
} from '../../src/engine/venues/wire';

/** The WireReject `read` throws, or a failure when it returns. */
function refusal(read: () => unknown): WireReject {
  try {
    read();
  } catch (error) {
    if (error instanceof WireReject) return error;
    throw error;
  }
  throw new Error('expected a WireReject, the read returned');
}

/** `read` is refused for `reason`, with the field named in the detail. */
function refuses(read: () => unknown, reason: WireReject['reason'], field: string): void {
  const error = refusal(read);
  expect(error.reason).toBe(reason);
  expect(error.detail).toContain(field);
  expect(error.symbol).toBeUndefined();
}

describe('field readers: one rule each, the field named in every refusal', () => {
  it('requireString: a non-empty string; anything else is missing_field', () => {
    expect(requireString('BTCUSDT', 's')).toBe('BTCUSDT');
    for (const value of [undefined, null, '', 5, {}, ['x']]) refuses(() => requireString(value, 'the-symbol'), 'missing_field', 'the-symbol');
  });

  it('requireObject / requireList: missing_field, saying missing or of what kind the value is', () => {
    const entry = { a: 1 };
    expect(requireObject(entry, 'data[]')).toBe(entry);
    expect(requireList([1], 'data')).toEqual([1]);
    refuses(() => requireObject(undefined, 'tickers: data[]'), 'missing_field', 'missing tickers: data[]');
    for (const value of [7, 'x', [], null]) refuses(() => requireObject(value, 'tickers: data[]'), 'missing_field', 'tickers: data[]');
    refuses(() => requireList(undefined, 'books: data'), 'missing_field', 'missing books: data');
    for (const value of [{}, 'x', 3]) refuses(() => requireList(value, 'books: data'), 'missing_field', 'books: data is not a list');
  });

  it('requireInteger: a JSON number that is a safe integer', () => {
    expect(requireInteger(0, 'u')).toBe(0);
    expect(requireInteger(-1, 'prevSeqId')).toBe(-1);
    expect(requireInteger(2 ** 53 - 1, 'u')).toBe(2 ** 53 - 1);
    refuses(() => requireInteger(undefined, 'lastUpdateId'), 'missing_field', 'missing lastUpdateId');
    refuses(() => requireInteger(null, 'lastUpdateId'), 'missing_field', 'lastUpdateId');
    for (const value of ['12', 1.5, 2 ** 53, Number.NaN, Infinity, true, [1]]) refuses(() => requireInteger(value, 'U'), 'bad_number', 'U ');
  });

  it('optionalInteger / optionalInt32: absent is undefined, null or ""; checksums are signed 32-bit', () => {
    for (const value of [undefined, null, '']) {
      expect(optionalInteger(value, 'seqId')).toBeUndefined();
      expect(optionalInt32(value, 'checksum')).toBeUndefined();
    }
    expect(optionalInteger(7, 'seqId')).toBe(7);
    refuses(() => optionalInteger('7', 'seqId'), 'bad_number', 'seqId');
    expect(optionalInt32(-0x80000000, 'checksum')).toBe(-0x80000000);
    expect(optionalInt32(0x7fffffff, 'checksum')).toBe(0x7fffffff);
    refuses(() => optionalInt32(0x80000000, 'books: checksum'), 'bad_number', 'books: checksum 2147483648 is not a signed 32-bit integer');
    refuses(() => optionalInt32(-0x80000001, 'checksum'), 'bad_number', 'checksum');
    refuses(() => optionalInt32('x', 'checksum'), 'bad_number', 'checksum');
  });

  it('optionalTime: a safe integer of ms that is not negative, as a JSON number or a string of digits', () => {
    for (const value of [undefined, null, '']) expect(optionalTime(value, 'E')).toBeUndefined();
    expect(optionalTime(1_700_000_000_000, 'E')).toBe(1_700_000_000_000);
    expect(optionalTime('1652400000123', 'ts')).toBe(1_652_400_000_123);
    expect(optionalTime('0123', 'ts')).toBe(123);
    expect(optionalTime(0, 'E')).toBe(0);
    for (const value of [-5, '-5', -1_700_000_000_000, 1.5, '1.5', '1e3', ' 12', '0x10', 'soon', true, 1e300, '99999999999999999', {}]) {
      refuses(() => optionalTime(value, 'books: ts'), 'bad_number', 'books: ts');
    }
  });

  it('requireDecimal / optionalDecimal: a finite decimal string of either sign (level-rules syntax)', () => {
    expect(requireDecimal('-0.0001', 'r')).toBe(-0.0001);
    expect(requireDecimal('1e3', 'p')).toBe(1000);
    expect(optionalDecimal('', 'r')).toBeUndefined();
    expect(optionalDecimal(null, 'r')).toBeUndefined();
    expect(optionalDecimal('0.5', 'r')).toBe(0.5);
    refuses(() => requireDecimal(undefined, 'tickers: bidPx'), 'missing_field', 'missing tickers: bidPx');
    for (const value of ['', ' 5', '0x1A', 'NaN', 'Infinity', '1e999', 5, '5 ', '--1']) {
      refuses(() => requireDecimal(value, 'mark-price: markPx'), 'bad_number', 'mark-price: markPx');
    }
    refuses(() => optionalDecimal('oops', 'p'), 'bad_number', 'p "oops" is not a decimal');
  });

  it('requireSize: a finite decimal string, zero allowed, negative is negative_size', () => {
    expect(requireSize('0.00000000', 'B')).toBe(0);
    expect(requireSize('12.5', 'b')).toBe(12.5);
    refuses(() => requireSize(undefined, 'A'), 'missing_field', 'missing A');
    refuses(() => requireSize('-3', 'A'), 'negative_size', 'A "-3" is negative');
    for (const value of ['NaN', '', 3, '1e999']) refuses(() => requireSize(value, 'bidSz'), 'bad_number', 'bidSz');
  });

  it('isAbsent: undefined, null and "" only', () => {
    expect([undefined, null, ''].every(isAbsent)).toBe(true);
    expect([0, ' ', false, [], {}].some(isAbsent)).toBe(false);
  });
});

describe('requireLevels: the one level rule of level-rules.ts, not a copy of it', () => {
  const cases: [unknown, WireReject['reason']][] = [
    [undefined, 'missing_field'],
    ['1', 'bad_number'],
    [[['1']], 'missing_field'],
    [[['0', '1']], 'bad_number'],
    [[['abc', '1']], 'bad_number'],
    [[['1', '']], 'bad_number'],
    [[['1', '-3']], 'negative_size'],
    [[['1', '1'], ['2', '1e999']], 'bad_number'],
  ];
  it.each(cases)('%j is refused exactly as checkLevels judges it', (value, reason) => {
    const error = refusal(() => requireLevels(value, 'books: asks'));
    expect(error.reason).toBe(reason);
    expect(error.detail).toBe(checkLevels(value, 'books: asks')!.detail);
    expect(error.detail).toContain('books: asks');
  });

  it('a list of pairs comes back as it is; longer levels (OKX) as [price, size] with the strings untouched', () => {
    const pairs = [['0.35', '100'], ['0.36', '0']];
    expect(requireLevels(pairs, 'b')).toBe(pairs);
    const okx = [['8.871', '11.59', '0', '2'], ['8.87', '0', '0', '0']];
    expect(requireLevels(okx, 'bids')).toStrictEqual([['8.871', '11.59'], ['8.87', '0']]);
    expect(requireLevels([], 'asks')).toStrictEqual([]);
  });
});

describe('WireReject and forBook', () => {
  it('reject throws a WireReject; result() is the rejected MapResult, symbol only when known', () => {
    const error = refusal(() => reject('venue_error', '-1121: Invalid symbol.'));
    expect(error.result()).toStrictEqual({ kind: 'rejected', reason: 'venue_error', detail: '-1121: Invalid symbol.' });
    expect(new WireReject('bad_number', 'u is not an integer', 'NKNUSDT').result()).toStrictEqual({
      kind: 'rejected',
      reason: 'bad_number',
      detail: 'u is not an integer',
      symbol: 'NKNUSDT',
    });
  });

  it('forBook puts the book on a refusal without one, keeps one already set, and passes other errors on', () => {
    expect(refusal(() => forBook('BTC-USDT', () => requireInteger('x', 'seqId'))).symbol).toBe('BTC-USDT');
    expect(refusal(() => forBook('OUTER', () => forBook('INNER', () => reject('missing_field', 'missing b')))).symbol).toBe('INNER');
    expect(refusal(() => forBook(undefined, () => reject('missing_field', 'missing b'))).symbol).toBeUndefined();
    expect(forBook('X', () => 5)).toBe(5);
    expect(() => forBook('X', () => { throw new TypeError('boom'); })).toThrow(TypeError);
  });
});

describe('mapFrame: the one safe map wrapper', () => {
  const sizes = frameSizeLimits({ wsMaxPayloadBytes: 100, restBodyBytes: 200 });
  const ws = (data: string): RawFrame => ({ t: 1, venue: 'okx', kind: 'ws', url: 'wss://x', data });
  const rest = (data: string, status?: number): RawFrame => ({
    t: 1, venue: 'binance-spot', kind: 'rest', url: 'https://api.binance.com/api/v3/depth?symbol=X', data, ...(status === undefined ? {} : { status }),
  });
  const fine: MapResult = { kind: 'ignored', what: 'ok' };

  it('passes the decoding through, and turns a thrown WireReject into its rejected result', () => {
    expect(mapFrame(ws('{}'), sizes, () => fine)).toBe(fine);
    const decode = (): MapResult => forBook('ETHUSDT', () => ({ kind: 'ignored', what: String(requireLevels([['1', '-1']], 'a').length) }));
    expect(mapFrame(ws('{}'), sizes, decode)).toStrictEqual({
      kind: 'rejected',
      reason: 'negative_size',
      detail: 'a[0] size "-1" is negative',
      symbol: 'ETHUSDT',
    });
  });

  it('asks the hot decoder first, the JSON path only when it answers undefined; a WireReject from either is a rejection', () => {
    const hotEvents: MapResult = { kind: 'events', events: [] };
    const never = (): MapResult => { throw new Error('decode ran'); };
    expect(mapFrame(ws('{}'), sizes, never, () => hotEvents)).toBe(hotEvents);
    expect(mapFrame(ws('{}'), sizes, () => fine, () => undefined)).toBe(fine);
    expect(mapFrame(ws('{}'), sizes, never, () => reject('bad_number', 'u is not an integer'))).toMatchObject({ kind: 'rejected', reason: 'bad_number' });
    const hotNever = (): MapResult => { throw new Error('hot ran'); };
    expect(mapFrame(ws('x'.repeat(101)), sizes, never, hotNever)).toMatchObject({ reason: 'too_large' });
    expect(mapFrame(rest('{}', 500), sizes, never, hotNever)).toMatchObject({ reason: 'http_error' });
  });

  it('http_error first, for any size of body, naming the status and the path; decode is not run', () => {
    const never = (): MapResult => { throw new Error('decode ran'); };
    const result = mapFrame(rest('<html>busy</html>'.repeat(50), 503), sizes, never);
    expect(result).toMatchObject({ kind: 'rejected', reason: 'http_error' });
    expect(result.kind === 'rejected' && result.detail).toMatch(/^HTTP 503 from \/api\/v3\/depth: <html>busy/);
    expect(mapFrame(rest('{}', 399), sizes, () => fine)).toBe(fine);
  });

  it('too_large before decode runs, per kind of frame', () => {
    const never = (): MapResult => { throw new Error('decode ran'); };
    expect(mapFrame(ws('x'.repeat(101)), sizes, never)).toMatchObject({ kind: 'rejected', reason: 'too_large' });
    expect(mapFrame(rest('x'.repeat(201)), sizes, never)).toMatchObject({ kind: 'rejected', reason: 'too_large' });
    expect(mapFrame(rest('x'.repeat(150)), sizes, () => fine)).toBe(fine);
  });

  it('too_deep for a refused frame nested past the limit, the symbol kept', () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const big = frameSizeLimits();
    expect(mapFrame(ws(deep), big, () => forBook('X', () => reject('missing_field', 'missing b')))).toMatchObject({
      kind: 'rejected',
      reason: 'too_deep',
      symbol: 'X',
    });
    expect(mapFrame(ws(deep), big, () => fine)).toBe(fine);
  });

  it('bad_json from parseJson, never turned into too_deep; a stray exception is a counted unknown_message', () => {
    const result = mapFrame(ws('{"a":'), sizes, () => ({ kind: 'ignored', what: String(parseJson(ws('{"a":'))) }));
    expect(result).toMatchObject({ kind: 'rejected', reason: 'bad_json' });
    expect(result.kind === 'rejected' && result.detail).toContain('ws frame of 5 characters is not JSON');
    expect(parseJson(ws('{"a":1}'))).toStrictEqual({ a: 1 });
    expect(mapFrame(ws('{}'), sizes, () => { throw new TypeError('boom'); })).toStrictEqual({
      kind: 'rejected',
      reason: 'unknown_message',
      detail: 'mapper error: boom',
    });
  });
});

describe('URL readers', () => {
  it('pathOf: the path without host or query, relative URLs too', () => {
    expect(pathOf('https://api.binance.com/api/v3/depth?symbol=X&limit=5')).toBe('/api/v3/depth');
    expect(pathOf('https://www.okx.com')).toBe('/');
    expect(pathOf('/api/v5/market/books?instId=X')).toBe('/api/v5/market/books');
  });

  it('queryParam: a parameter of the query, undefined when absent or empty', () => {
    expect(queryParam('https://www.okx.com/api/v5/market/books?instId=BTC-USDT&sz=5', 'instId')).toBe('BTC-USDT');
    expect(queryParam('https://www.okx.com/api/v5/market/books?instId=&sz=5', 'instId')).toBeUndefined();
    expect(queryParam('https://www.okx.com/api/v5/market/books', 'instId')).toBeUndefined();
  });
});
