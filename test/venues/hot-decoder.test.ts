import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { BinanceMapper } from '../../src/engine/venues/binance/binance-mapper';
import { HotBinanceDecoder } from '../../src/engine/venues/binance/hot-binance';
import { HotOkxDecoder } from '../../src/engine/venues/okx/hot-okx';
import { OkxMapper } from '../../src/engine/venues/okx/okx-mapper';
import { JsonCursor } from '../../src/engine/decode/json-cursor';
import { numericLevelsOf } from '../../src/engine/decode/numeric-book-message';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { MapResult, VenueMapper } from '../../src/engine/venues/venue';
import { mutateCapture, type Rng } from '../fuzz/mutator';
import { mulberry32 } from '../support/prng';
import { REAL, realRecording } from '../support/shared-data';

/**
 * The hot-frame decoders (docs/decoder.md) against the JSON.parse path they
 * stand in for: on every real frame and on many mutated ones, the mapper with
 * the decoder and the mapper without it give identical MapResults, events or
 * the same rejection. The decoder must also really take the real hot frames,
 * or the comparison would test the JSON path against itself.
 */

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

/** Positions of a regex's matches (group 1 when present). */
function spans(text: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) {
    const start = m.index + (m[1] === undefined ? 0 : m[0].indexOf(m[1]));
    out.push([start, start + (m[1] ?? m[0]).length]);
  }
  return out;
}

const splice = (text: string, [start, end]: [number, number], value: string): string => `${text.slice(0, start)}${value}${text.slice(end)}`;

/** Valid-but-unusual JSON and near misses the decoder must either read exactly as JSON.parse does or leave to it. */
const TWEAKS: readonly ((data: string, rng: Rng) => string | undefined)[] = [
  // whitespace between tokens
  (d, rng) => {
    const found = spans(d, /[:,]/g);
    return found.length === 0 ? undefined : splice(d, pick(rng, found), `${d[pick(rng, found)[0]]} `);
  },
  (d) => ` ${d}`,
  (d) => `${d}\n`,
  // a key twice: JSON.parse keeps the last
  (d, rng) => {
    const found = spans(d, /"[A-Za-z]+":(?:"[^"]*"|-?\d+),/g);
    if (found.length === 0) return undefined;
    const [s, e] = pick(rng, found);
    return `${d.slice(0, e)}${d.slice(s, e)}${d.slice(e)}`;
  },
  // an escape inside a string that means the same character
  (d, rng) => {
    const found = spans(d, /"[^"\\]*?(\d)[^"\\]*"/g);
    if (found.length === 0) return undefined;
    const at = pick(rng, found);
    return splice(d, at, `\\u003${d[at[0]]}`);
  },
  // integers written otherwise
  (d, rng) => {
    const found = spans(d, /[:,[](\d{4,})[,}\]]/g);
    if (found.length === 0) return undefined;
    return splice(d, pick(rng, found), pick(rng, ['1e3', '01', '-0', '1.0', '12345678901234567', '-5', '0', '9007199254740993', '123456789012345']));
  },
  // decimals written otherwise
  (d, rng) => {
    const found = spans(d, /"(-?\d+(?:\.\d+)?)"/g);
    if (found.length === 0) return undefined;
    const value = pick(rng, ['0.0000000000000001234', '1e-5', '-1', '+1', '.5', '5.', '007.5', '1234567890123456', '-0', '0', '0.000', '123456789012345', '12345.6789012345', '1.', '-0.00010000', '', '0.000000000000000000000000000000000000000001', '1234567890123456789012345678901234567890', '0.0000000000000000000000000000000000000000', '1.2.3']);
    return splice(d, pick(rng, found), value);
  },
  // OKX: an action, a channel, an entry key changed; numbers as JSON numbers; prevSeqId and instId added
  (d) => d.replace('"action":"update"', '"action":"snapshot"'),
  (d) => d.replace('"action":"update"', '"action":"partial"'),
  (d) => d.replace(/,"action":"[a-z]+"/, ''),
  (d) => d.replace('"channel":"books"', '"channel":"books5"'),
  (d) => d.replace('"channel":"books"', '"channel":"bbo-tbt"'),
  (d) => d.replace('"channel":"tickers"', '"channel":"mark-price"'),
  (d) => d.replace('"channel":"tickers"', '"channel":"index-tickers"'),
  (d) => d.replace(/"ts":"(\d+)"/, '"ts":$1'),
  (d) => d.replace(/"ts":"(\d+)"/, '"ts":""'),
  (d) => d.replace(/"ts":"(\d+)"/, '"ts":" $1"'),
  (d) => d.replace(/"checksum":(-?\d+)/, '"checksum":"$1"'),
  (d) => d.replace(/"checksum":(-?\d+)/, '"checksum":4294967296'),
  (d) => d.replace(/"checksum":(-?\d+)/, '"checksum":$1,"seqId":123,"prevSeqId":-1'),
  (d) => d.replace(/"checksum":(-?\d+)/, '"checksum":$1,"seqId":"123","instId":"UNI-USD-SWAP"'),
  (d) => d.replace(/"instId":"[^"]*"\}/, '"instId":""}'),
  (d) => d.replace(/"bidPx":"[^"]*"/, '"bidPx":""'),
  (d) => d.replace(/"askSz":"[^"]*"/, '"askSz":25'),
  (d) => d.replace(/"data":\[\{/, '"data":[{"x":[1],'),
  (d) => d.replace(/"data":\[(\{.*\})\]\}$/, '"data":[$1,$1]}'),
  (d) => d.replace(/"data":\[.*\]\}$/, '"data":[]}'),
  (d) => d.replace(/^\{"arg":(\{[^}]*\}),/, '{"event":"subscribe","arg":$1,'),
  // a REST body with Binance's error fields, or E missing
  (d) => d.replace(/^\{"lastUpdateId"/, '{"code":-1121,"msg":"Invalid symbol.","lastUpdateId"'),
  (d) => d.replace(/,"E":\d+/, ''),
  (d) => d.replace(/"m":(true|false)/, '"m":tru'),
  (d) => d.replace(/"m":(true|false)/, '"m":null'),
  (d) => d.replace(/"a":(\d+),/, '"a":$1e2,'),
  (d) => d.replace(/"a":(\d+),/, '"a":-0.5,'),
  (d) => d.replace(/"a":(\d+),/, '"a":$1.,'),
  (d) => d.replace(/"a":(\d+),/, '"a":{"x":[1,{"y":[[[[[[[[[1]]]]]]]]]}]},'),
  (d) => d.replace(/"E":(\d+),/, '"E":$1,"e":"depthUpdate",'),
  // an unknown key, first or last
  (d) => (d.startsWith('{"stream"') ? d.replace('"data":{', '"data":{"x":1,') : d.replace(/^\{/, '{"x":1,')),
  (d) => d.replace(/\}\}$/, ',"zz":"q"}}'),
  // `e` moved to the end of the payload
  (d) => {
    const m = /"e":"[A-Za-z]+",/.exec(d);
    return m === null ? undefined : d.replace(m[0], '').replace(/\}\}$/, `,${m[0].slice(0, -1)}}}`);
  },
  // the payload without its wrapper, and as a one-item array
  (d) => {
    const m = /^\{"stream":"[^"]*","data":(.*)\}$/.exec(d);
    return m?.[1];
  },
  (d) => d.replace(/"data":(\{.*\})\}$/, '"data":[$1,$1]}'),
  // the stream named as a partial book
  (d) => d.replace(/@depth@100ms/, '@depth20@100ms'),
  (d) => d.replace(/@depth@100ms/, '@depth5'),
  // a level with a third element, or one element
  (d) => d.replace(/\["([\d.]+)","([\d.]+)"\]/, '["$1","$2","0"]'),
  (d) => d.replace(/\["([\d.]+)","([\d.]+)"\]/, '["$1"]'),
  // a long level string (a view of 13+ characters)
  (d) => d.replace(/\["([\d.]+)","([\d.]+)"\]/, '["$1","1234.5678901234"]'),
  // negative top-of-book values and negative times: refused by the JSON path (wire/readers.ts), so never taken by a decoder
  (d) => d.replace(/"bidPx":"([^"]+)"/, '"bidPx":"-$1"'),
  (d) => d.replace(/"askSz":"([^"]+)"/, '"askSz":"-$1"'),
  (d) => d.replace(/"b":"([\d.]+)"/, '"b":"-$1"'),
  (d) => d.replace(/"ts":"(\d+)"/, '"ts":"-$1"'),
  (d) => d.replace(/"E":(\d+)/, '"E":-$1'),
  (d) => d.replace(/"T":(\d+)/, '"T":-$1'),
  (d) => d.replace(/"E":(\d+)/, '"E":-0'),
];

/** Numeric levels a decoder read, checked against the JSON path's strings: each value is Number() of its string, and its digits write that string back. */
let numericLevelsChecked = 0;
function checkNumeric(levels: readonly number[], texts: readonly (readonly [string, string])[], where: string): void {
  if (levels.length !== texts.length * 3) expect(levels.length, where).toBe(texts.length * 3);
  for (let i = 0; i < texts.length; i += 1) {
    const [price, size] = texts[i]!;
    const digits = levels[i * 3 + 2]!;
    const got = [levels[i * 3], levels[i * 3 + 1], levels[i * 3]!.toFixed(Math.floor(digits / 32)), levels[i * 3 + 1]!.toFixed(digits % 32)];
    // Object.is: a -0 for a 0 would be a different number too.
    if (!Object.is(got[0], Number(price)) || !Object.is(got[1], Number(size)) || got[2] !== price || got[3] !== size) {
      expect(got, `${where} level ${i}`).toStrictEqual([Number(price), Number(size), price, size]);
    }
    numericLevelsChecked += 1;
  }
}

/**
 * A MapResult with every numeric book message as the plain event the JSON
 * path makes; the numbers themselves are checked against `slow`'s strings.
 */
function plainResult(fast: MapResult, slow: MapResult, where: string): MapResult {
  if (fast.kind !== 'events') return fast;
  const events = fast.events.map((event, i) => {
    if (event.type !== 'book_snapshot' && event.type !== 'book_delta') return event;
    const numeric = numericLevelsOf(event);
    if (numeric === undefined) return event;
    const other = slow.kind === 'events' ? slow.events[i] : undefined;
    if (other !== undefined && (other.type === 'book_snapshot' || other.type === 'book_delta')) {
      checkNumeric(numeric.bidLevels, other.bids, `${where} bids`);
      checkNumeric(numeric.askLevels, other.asks, `${where} asks`);
    }
    return numeric.plain();
  });
  return { kind: 'events', events };
}

function compare(hotMapper: VenueMapper, jsonMapper: VenueMapper, frames: readonly RawFrame[]): number {
  let compared = 0;
  for (const frame of frames) {
    const fast = hotMapper.map(frame);
    const slow = jsonMapper.map(frame);
    const where = `${frame.venue} frame ${frame.data.slice(0, 300)}`;
    expect(plainResult(fast, slow, where), where).toStrictEqual(slow);
    compared += 1;
  }
  return compared;
}

const binance: Record<string, { market: 'spot' | 'usdm'; frames: RawFrame[] }> = {};
let okxFrames: RawFrame[] = [];
beforeAll(async () => {
  okxFrames = await readCaptureFrames(realRecording(REAL.okx));
  binance.spot = { market: 'spot', frames: await readCaptureFrames(realRecording(REAL.binanceSpot)) };
  binance.usdm = { market: 'usdm', frames: await readCaptureFrames(realRecording(REAL.binanceUsdm)) };
});

describe('hot decoders', () => {
  for (const market of ['spot', 'usdm'] as const) {
    it(`${market}: reads every real depth and bookTicker frame itself, with the JSON path's result`, () => {
      const { frames } = binance[market]!;
      const decoder = new HotBinanceDecoder(market === 'spot' ? 'binance-spot' : 'binance-usdm', market);
      const hotFrames = frames.filter((f) => f.kind === 'ws' && /@depth@100ms|@bookTicker/.test(f.data.slice(0, 60)));
      expect(hotFrames.length).toBeGreaterThan(200);
      const taken = hotFrames.filter((f) => decoder.decode(f) !== undefined);
      expect(taken.length).toBe(hotFrames.length);
      const snapshots = frames.filter((f) => f.kind === 'rest' && /\/depth\?/.test(f.url));
      expect(snapshots.length).toBeGreaterThan(1);
      for (const f of snapshots) expect(decoder.restDepth(f, new URL(f.url).searchParams.get('symbol')!)).toBeDefined();
      // aggTrade and kline frames: answered `ignored` without JSON.parse once the decoder knows them.
      const withIgnored = new HotBinanceDecoder(market === 'spot' ? 'binance-spot' : 'binance-usdm', market, new Set(['aggTrade', 'kline']));
      const trades = frames.filter((f) => f.kind === 'ws' && /@aggTrade|@kline/.test(f.data.slice(0, 60)));
      expect(trades.length).toBeGreaterThan(3);
      for (const f of trades) expect(withIgnored.decode(f)?.kind).toBe('ignored');
      const before = numericLevelsChecked;
      compare(new BinanceMapper(market), new BinanceMapper(market, undefined, { hotDecoder: false }), frames);
      // Every level of every real depth frame and snapshot went to the book as numbers.
      expect(numericLevelsChecked - before).toBeGreaterThan(4_000);
    });

    it(`${market}: identical MapResults on tweaked and fuzz-mutated real frames`, () => {
      const { frames } = binance[market]!;
      const hotMapper = new BinanceMapper(market);
      const jsonMapper = new BinanceMapper(market, undefined, { hotDecoder: false });
      const rng = mulberry32(market === 'spot' ? 11 : 12);
      const ws = frames.filter((f) => f.kind === 'ws' || /\/depth\?/.test(f.url));
      const tweaked: RawFrame[] = [];
      for (const frame of ws) {
        for (const tweak of TWEAKS) {
          const data = tweak(frame.data, rng);
          if (data !== undefined && data !== frame.data) tweaked.push({ ...frame, data });
        }
      }
      expect(tweaked.length).toBeGreaterThan(ws.length * 8);
      compare(hotMapper, jsonMapper, tweaked);
      // The fuzz suite's own mutations (docs/fuzz.md), many per capture.
      for (let seed = 1; seed <= 6; seed += 1) {
        const { frames: mutated } = mutateCapture(ws, mulberry32(seed), { count: Math.floor(ws.length / 2), protect: new Set(), sequenced: false });
        compare(hotMapper, jsonMapper, mutated.filter((f) => f.data.length < 100_000));
      }
    });
  }

  it('okx: reads every real books and tickers push itself, with the JSON path\'s result', () => {
    const decoder = new HotOkxDecoder();
    const hotFrames = okxFrames.filter((f) => f.kind === 'ws' && /"channel":"(books|tickers)"/.test(f.data.slice(0, 60)) && !f.data.startsWith('{"event"'));
    expect(hotFrames.length).toBeGreaterThan(90);
    expect(hotFrames.filter((f) => decoder.decode(f) !== undefined).length).toBe(hotFrames.length);
    compare(new OkxMapper(), new OkxMapper(undefined, { hotDecoder: false }), okxFrames);
  });

  it('okx: identical MapResults on tweaked and fuzz-mutated real pushes', () => {
    const hotMapper = new OkxMapper();
    const jsonMapper = new OkxMapper(undefined, { hotDecoder: false });
    const rng = mulberry32(13);
    const ws = okxFrames.filter((f) => f.kind === 'ws');
    const tweaked: RawFrame[] = [];
    for (const frame of ws) {
      for (const tweak of TWEAKS) {
        const data = tweak(frame.data, rng);
        if (data !== undefined && data !== frame.data) tweaked.push({ ...frame, data });
      }
    }
    expect(tweaked.length).toBeGreaterThan(ws.length * 8);
    compare(hotMapper, jsonMapper, tweaked);
    for (let seed = 1; seed <= 20; seed += 1) {
      const { frames: mutated } = mutateCapture(ws, mulberry32(seed), { count: Math.floor(ws.length / 2), protect: new Set(), sequenced: false });
      compare(hotMapper, jsonMapper, mutated.filter((f) => f.data.length < 100_000));
    }
  });

  it('refuses negative tickers values and negative times on both paths, for the JSON path\'s reason', () => {
    const okx = (data: string): RawFrame => ({ t: 1_700_000_000_500, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data });
    const ticker = (bidPx: string, ts: string) =>
      okx(`{"arg":{"channel":"tickers","instId":"BTC-USDT-SWAP"},"data":[{"instType":"SWAP","instId":"BTC-USDT-SWAP","bidPx":"${bidPx}","bidSz":"2","askPx":"101","askSz":"3","ts":"${ts}"}]}`);
    const binanceFrame = (stream: string, payload: string): RawFrame => ({ t: 1_700_000_000_500, venue: 'binance-usdm', kind: 'ws', url: 'wss://fstream.binance.com/stream', data: `{"stream":"${stream}","data":${payload}}` });
    const depth = (e: string) => binanceFrame('btcusdt@depth@100ms', `{"e":"depthUpdate","E":${e},"T":1700000000100,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["100.5","1"]],"a":[["101","2"]]}`);
    // T is the next funding time here.
    const mark = (t: string) => binanceFrame('btcusdt@markPrice@1s', `{"e":"markPriceUpdate","E":1700000000000,"s":"BTCUSDT","p":"100.5","i":"100.4","P":"100.6","r":"0.0001","T":${t}}`);
    const hotOkx = new OkxMapper();
    const jsonOkx = new OkxMapper(undefined, { hotDecoder: false });
    const hotBinance = new BinanceMapper('usdm');
    const jsonBinance = new BinanceMapper('usdm', undefined, { hotDecoder: false });
    const reason = (r: MapResult) => (r.kind === 'rejected' ? r.reason : r.kind);
    // The well-formed frames are taken by the decoders themselves, so the refusals below are theirs to make.
    expect(new HotOkxDecoder().decode(ticker('100', '1700000000000'))?.kind).toBe('events');
    expect(new HotBinanceDecoder('binance-usdm', 'usdm').decode(depth('1700000000000'))?.kind).toBe('events');
    expect(new HotBinanceDecoder('binance-usdm', 'usdm').decode(mark('1700003600000'))?.kind).toBe('events');
    for (const [hot, json, frame, expected] of [
      [hotOkx, jsonOkx, ticker('-100', '1700000000000'), 'negative_size'],
      [hotOkx, jsonOkx, ticker('100', '-1700000000000'), 'bad_number'],
      [hotBinance, jsonBinance, depth('-1700000000000'), 'bad_number'],
      [hotBinance, jsonBinance, mark('-1700003600000'), 'bad_number'],
    ] as const) {
      expect(reason(json.map(frame)), frame.data).toBe(expected);
      expect(hot.map(frame), frame.data).toStrictEqual(json.map(frame));
    }
    expect(new HotOkxDecoder().decode(ticker('-100', '1700000000000'))).toBeUndefined();
    expect(new HotBinanceDecoder('binance-usdm', 'usdm').decode(depth('-1700000000000'))).toBeUndefined();
  });

  it('okx: reads books5, bbo-tbt, mark-price and index-tickers pushes as the JSON path does', () => {
    const hot = new OkxMapper();
    const json = new OkxMapper(undefined, { hotDecoder: false });
    const decoder = new HotOkxDecoder();
    const push = (data: string): RawFrame => ({ t: 9, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data });
    const samples = [
      '{"arg":{"channel":"books5","instId":"BCH-USDT-SWAP"},"data":[{"asks":[["111.06","55154","0","2"],["111.07","53276","0","2"]],"bids":[["111.05","57745","0","2"]],"instId":"BCH-USDT-SWAP","ts":"1670324386802","seqId":363996337}]}',
      '{"arg":{"channel":"bbo-tbt","instId":"BCH-USDT-SWAP"},"data":[{"asks":[["111.06","55154","0","2"]],"bids":[["111.05","57745","0","2"]],"ts":"1670324386802","seqId":363996337}]}',
      '{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}]}',
      '{"arg":{"channel":"index-tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","idxPx":"43350","high24h":"43649.7","sodUtc0":"43444.1","open24h":"43640.8","low24h":"43261.9","sodUtc8":"43328.7","ts":"1649419644492"}]}',
      '{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["8476.98","415","0","13"]],"bids":[["8476.97","256","0","12"]],"ts":"1597026383085","checksum":-855196043,"prevSeqId":-1,"seqId":123456}]}',
    ];
    for (const data of samples) {
      expect(decoder.decode(push(data)), data).toBeDefined();
      const slow = json.map(push(data));
      expect(plainResult(hot.map(push(data)), slow, data)).toStrictEqual(slow);
    }
  });

  it('reads spot bookTicker (no `e`), markPrice alone and as `!markPrice@arr`, and partial depth streams', () => {
    const spot = new BinanceMapper('spot');
    const usdm = new BinanceMapper('usdm');
    const spotJson = new BinanceMapper('spot', undefined, { hotDecoder: false });
    const usdmJson = new BinanceMapper('usdm', undefined, { hotDecoder: false });
    const frame = (venue: 'binance-spot' | 'binance-usdm', data: string): RawFrame => ({ t: 5, venue, kind: 'ws', url: 'wss://fstream.binance.com/stream?streams=x', data });
    const mark = '{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"-0.00038167","T":1562306400000}';
    const samples: [VenueMapper, VenueMapper, RawFrame][] = [
      [spot, spotJson, frame('binance-spot', '{"stream":"bnbusdt@bookTicker","data":{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}}')],
      [usdm, usdmJson, frame('binance-usdm', `{"stream":"btcusdt@markPrice","data":${mark}}`)],
      [usdm, usdmJson, frame('binance-usdm', `{"stream":"!markPrice@arr","data":[${mark},${mark.replace('BTCUSDT', 'ETHUSDT').replace('"r":"-0.00038167"', '"r":""')}]}`)],
      [usdm, usdmJson, frame('binance-usdm', '{"stream":"btcusdt@depth20@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["1.5","2"]],"a":[]}}')],
    ];
    const decoders = { 'binance-spot': new HotBinanceDecoder('binance-spot', 'spot'), 'binance-usdm': new HotBinanceDecoder('binance-usdm', 'usdm') };
    for (const [hot, json, f] of samples) {
      expect(decoders[f.venue as 'binance-spot' | 'binance-usdm'].decode(f), f.data).toBeDefined();
      const slow = json.map(f);
      expect(plainResult(hot.map(f), slow, f.data)).toStrictEqual(slow);
    }
    const partial = usdm.map(samples[3]![2]);
    expect(partial.kind === 'events' && partial.events[0]?.type).toBe('book_snapshot');
  });

  it('spot partial depth (`@depth20@100ms`, no symbol inside): read as the JSON path does, tweaked and mutated too', () => {
    const hot = new BinanceMapper('spot');
    const json = new BinanceMapper('spot', undefined, { hotDecoder: false });
    const decoder = new HotBinanceDecoder('binance-spot', 'spot');
    // Real spot depth frames of the recording, reshaped as the partial stream sends them: the top 20 of each side.
    const real = binance.spot!.frames.filter((f) => f.kind === 'ws' && f.data.includes('@depth@100ms'));
    const partials: RawFrame[] = real.map((f, i) => {
      const wrapper = JSON.parse(f.data) as { stream: string; data: { u: number; b: string[][]; a: string[][] } };
      const symbol = wrapper.stream.slice(0, wrapper.stream.indexOf('@'));
      const body = { lastUpdateId: wrapper.data.u, bids: wrapper.data.b.slice(0, 20), asks: wrapper.data.a.slice(0, 20) };
      return { ...f, data: JSON.stringify({ stream: `${symbol}@depth${i % 2 === 0 ? '20@100ms' : '5'}`, data: body }) };
    });
    expect(partials.length).toBeGreaterThan(100);
    for (const f of partials) expect(decoder.decode(f), f.data.slice(0, 120)).toBeDefined();
    const before = numericLevelsChecked;
    compare(hot, json, partials);
    // Every level went to the book as numbers, checked against the JSON path's strings.
    const levels = partials.reduce((n, f) => n + (f.data.match(/\["/g)?.length ?? 0), 0);
    expect(levels).toBeGreaterThan(300);
    expect(numericLevelsChecked - before).toBe(levels);
    const first = hot.map(partials[0]!);
    expect(first.kind === 'events' && first.events[0]).toMatchObject({ type: 'book_snapshot', exchangeTime: undefined });
    // Near misses: left to the JSON path or read identically, never read differently.
    const rng = mulberry32(21);
    const odd = [
      (d: string) => d.replace('{"lastUpdateId":', '{"e":"x","lastUpdateId":'),
      (d: string) => d.replace(',"asks":', ',"E":5,"asks":'),
      (d: string) => d.replace(/"stream":"[a-z0-9]+@/, '"stream":"@'),
      (d: string) => d.replace(/"stream":"([a-z0-9]+)@[^"]*"/, '"stream":"$1"'),
      (d: string) => d.replace(',"asks":[', ',"asks":[],"x":['),
    ];
    const tweaked: RawFrame[] = [];
    for (const frame of partials) {
      for (const tweak of [...TWEAKS, ...odd]) {
        const data = tweak(frame.data, rng);
        if (data !== undefined && data !== frame.data) tweaked.push({ ...frame, data });
      }
    }
    expect(tweaked.length).toBeGreaterThan(partials.length * 8);
    compare(hot, json, tweaked);
    for (let seed = 1; seed <= 4; seed += 1) {
      const { frames: mutated } = mutateCapture(partials, mulberry32(seed), { count: Math.floor(partials.length / 2), protect: new Set(), sequenced: false });
      compare(hot, json, mutated.filter((f) => f.data.length < 100_000));
    }
  });
});

describe('JsonCursor.levelNumber', () => {
  const read = (text: string): { value: number; fraction: number; pos: number } => {
    const c = new JsonCursor();
    c.reset(`"${text}"]`);
    const value = c.levelNumber();
    return { value, fraction: c.fraction, pos: c.pos };
  };
  const SHORTEST = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

  it('is exactly Number() on shortest plain decimals of up to 15 digits, and toFixed(fraction) writes them back', () => {
    const rng = mulberry32(21);
    let checked = 0;
    for (let n = 0; n < 200_000; n += 1) {
      const digits = 1 + Math.floor(rng() * 15);
      let all = '';
      for (let i = 0; i < digits; i += 1) all += String(Math.floor(rng() * 10));
      const fraction = Math.floor(rng() * digits);
      let whole = all.slice(0, digits - fraction).replace(/^0+(?=\d)/, '');
      if (whole === '') whole = '0';
      const text = fraction === 0 ? whole : `${whole}.${all.slice(digits - fraction)}`;
      if (text.replace('.', '').length > 15) continue;
      const got = read(text);
      if (!Object.is(got.value, Number(text)) || got.value.toFixed(got.fraction) !== text || got.pos !== text.length + 2) {
        expect({ text, ...got }).toStrictEqual({ text, value: Number(text), fraction, pos: text.length + 2 });
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(150_000);
  });

  it('leaves every other string to the caller, cursor unmoved', () => {
    for (const text of ['', '-1', '+1', '.5', '5.', '007.5', '00', '01', '1e5', '1E5', '0x1A', ' 5', '5 ', '1.2.3', '1234567890123456', '0.000000000000001', '12345678.90123456', '1,5', '\\u0035']) {
      const got = read(text);
      expect(Number.isNaN(got.value), text).toBe(true);
      expect(got.pos, text).toBe(0);
    }
    // Accepted: the same forms the exchanges send.
    for (const text of ['0', '0.0', '7.6120', '0.01734', '6195.00000000', '123456789012345', '0.00000000000001']) {
      expect(SHORTEST.test(text)).toBe(true);
      expect(read(text).value, text).toBe(Number(text));
    }
  });
});
