import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  MarketEvent,
  QuoteEvent,
  ReferencePriceEvent,
  SequenceFields,
  VenueId,
} from '../../../shared/core/model';
import type { LimitsSettings } from '../../../shared/config';
import { frameSizeLimits, type FrameSizeLimits } from '../wire/frame-json';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult, VenueMapper } from '../venue';
import {
  describeValue,
  forBook,
  isRecord,
  mapFrame,
  optionalDecimal,
  optionalTime,
  parseJson,
  pathOf,
  queryParam,
  reject,
  requireInteger,
  requireLevels,
  requireList,
  requireSize,
  requireString,
} from '../wire';
import { BINANCE_VENUE_IDS, instrumentsFromExchangeInfo, type BinanceMarket } from './exchange-info';
import { HotBinanceDecoder } from './hot-binance';
import type {
  WireBookTicker,
  WireCombined,
  WireDepthSnapshot,
  WireDepthUpdate,
  WireError,
  WireExchangeInfo,
  WireMarkPrice,
  WirePayload,
} from './wire-types';

/** Event types we read and deliberately do not use. */
const IGNORED_EVENTS = new Set([
  'trade',
  'aggTrade',
  'kline',
  'continuous_kline',
  'markPriceKline',
  'indexPriceKline',
  '24hrTicker',
  '24hrMiniTicker',
  'forceOrder',
  'compositeIndex',
]);

/** Partial book depth streams: `<symbol>@depth5`, `@depth10`, `@depth20`, optionally `@100ms`/`@500ms`. */
const PARTIAL_DEPTH = /@depth\d+/;

/** REST paths per service. */
const REST_PATHS: Readonly<Record<BinanceMarket, { readonly depth: string; readonly exchangeInfo: string }>> = {
  spot: { depth: '/api/v3/depth', exchangeInfo: '/api/v3/exchangeInfo' },
  usdm: { depth: '/fapi/v1/depth', exchangeInfo: '/fapi/v1/exchangeInfo' },
  // https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Order-Book
  coinm: { depth: '/dapi/v1/depth', exchangeInfo: '/dapi/v1/exchangeInfo' },
};

/**
 * Binance frames -> normalized events, for spot, USD-M or COIN-M. One JSON.parse per
 * frame; level strings are checked by the shared rule (level-rules.ts: no
 * copies, Number only for long or exponent forms) and handed to the book,
 * which parses them once. A book message with any malformed level is
 * rejected whole, tagged with its symbol so the book is invalidated.
 */
export class BinanceMapper implements VenueMapper {
  readonly venue: VenueId;
  private readonly paths: (typeof REST_PATHS)[BinanceMarket];

  private readonly sizes: FrameSizeLimits;
  /** Depth, bookTicker and markPrice frames without JSON.parse; undefined: the JSON path below decides. */
  private readonly hot: HotBinanceDecoder | undefined;

  constructor(
    readonly market: BinanceMarket,
    limits?: Partial<LimitsSettings>,
    options: { readonly hotDecoder?: boolean } = {},
  ) {
    this.venue = BINANCE_VENUE_IDS[market];
    this.paths = REST_PATHS[market];
    this.sizes = frameSizeLimits(limits);
    this.hot = options.hotDecoder === false ? undefined : new HotBinanceDecoder(this.venue, market, IGNORED_EVENTS);
  }

  map(frame: RawFrame): MapResult {
    return mapFrame(frame, this.sizes, this.json, this.hotMap);
  }

  /** The hot decoder's answer (depth, bookTicker, markPrice; REST depth), or undefined: the JSON path decides. */
  private readonly hotMap = (frame: RawFrame): MapResult | undefined =>
    this.hot === undefined ? undefined : frame.kind === 'ws' ? this.hot.decode(frame) : this.hotRest(frame);

  private readonly json = (frame: RawFrame): MapResult => {
    const value = parseJson(frame);
    return frame.kind === 'rest' ? this.mapRest(frame, value) : this.mapWs(frame, value);
  };

  /** A REST depth snapshot read by the hot decoder, the symbol taken from the URL as restDepth takes it. */
  private hotRest(frame: RawFrame): MapResult | undefined {
    if (!pathOf(frame.url).endsWith(this.paths.depth)) return undefined;
    const symbol = querySymbol(frame.url);
    return symbol === undefined ? undefined : this.hot!.restDepth(frame, symbol);
  }

  private mapRest(frame: RawFrame, value: unknown): MapResult {
    if (!isRecord(value)) return reject('unknown_message', 'REST body is not an object');
    const error = value as WireError;
    if (typeof error.code === 'number' && typeof error.msg === 'string') {
      return reject('venue_error', `${error.code}: ${error.msg.slice(0, 120)}`);
    }
    const path = pathOf(frame.url);
    if (path.endsWith(this.paths.depth)) return this.restDepth(frame, value as WireDepthSnapshot);
    if (path.endsWith(this.paths.exchangeInfo)) {
      const symbols = requireList((value as WireExchangeInfo).symbols, 'exchangeInfo symbols');
      return { kind: 'instruments', instruments: instrumentsFromExchangeInfo(this.market, symbols) };
    }
    return reject('unknown_message', `unknown REST path ${path}`);
  }

  private restDepth(frame: RawFrame, body: WireDepthSnapshot): MapResult {
    const symbol = querySymbol(frame.url) ?? reject('missing_field', 'missing symbol= in the depth URL');
    return events([forBook(symbol, () => this.depthSnapshot(frame, symbol, body, optionalTime(body.E, 'E') ?? optionalTime(body.T, 'T')))]);
  }

  private mapWs(frame: RawFrame, value: unknown): MapResult {
    // `!markPrice@arr`-style raw streams send a bare array of payloads.
    if (!isRecord(value) && !Array.isArray(value)) return reject('unknown_message', 'frame is not an object');
    let payload: unknown = value;
    let stream: string | undefined;
    const combined = value as WireCombined;
    if (typeof combined.stream === 'string' && combined.data !== undefined) {
      stream = combined.stream;
      payload = combined.data;
    } else if ('result' in value && 'id' in value) {
      return { kind: 'ignored', what: 'subscription ack' };
    } else if (isServerShutdown(value)) {
      // The server is about to close the connection: the live feed has already
      // opened a replacement (see binance-feed.ts); replay has nothing to do.
      return { kind: 'ignored', what: SERVER_SHUTDOWN };
    } else if (isRecord((value as { error?: unknown }).error)) {
      const error = (value as { error: WireError }).error;
      return reject('venue_error', `${describeValue(error.code)}: ${describeValue(error.msg)}`);
    }
    // `!markPrice@arr` and `!bookTicker`-style all-market streams send arrays.
    if (Array.isArray(payload)) {
      const out: MarketEvent[] = [];
      for (const item of payload) {
        const result = this.mapPayload(frame, item, stream);
        if (result.kind === 'events') out.push(...result.events);
        else if (result.kind !== 'ignored') return result;
      }
      return out.length > 0 ? events(out) : { kind: 'ignored', what: 'empty array' };
    }
    return this.mapPayload(frame, payload, stream);
  }

  private mapPayload(frame: RawFrame, payload: unknown, stream: string | undefined): MapResult {
    if (!isRecord(payload)) return reject('unknown_message', 'payload is not an object');
    const p = payload as WirePayload;
    switch (p.e) {
      case SERVER_SHUTDOWN:
        return { kind: 'ignored', what: SERVER_SHUTDOWN };
      case 'depthUpdate': {
        const name = stream ?? rawStreamOf(frame.url);
        const symbol = typeof p.s === 'string' && p.s !== '' ? p.s : name === undefined ? undefined : symbolOfStream(name);
        return events([forBook(symbol, () => this.depthUpdate(frame, p as WireDepthUpdate, name))]);
      }
      case 'bookTicker':
        return events([this.quote(frame, p as WireBookTicker)]);
      case 'markPriceUpdate':
        return events([this.reference(frame, p as WireMarkPrice)]);
      case undefined:
        break;
      default:
        if (typeof p.e === 'string' && IGNORED_EVENTS.has(p.e)) return { kind: 'ignored', what: p.e };
        return reject('unknown_message', `unknown event type ${describeValue(p.e)}`);
    }
    // Spot sends two payloads without `e`: partial depth and bookTicker.
    if ('lastUpdateId' in p) {
      // Spot partial depth carries no symbol: only the stream name says whose book it is.
      const name = stream ?? rawStreamOf(frame.url);
      const symbol = name === undefined ? undefined : symbolOfStream(name);
      if (symbol === undefined) return reject('missing_field', 'missing the stream name that gives a partial depth its symbol');
      return events([forBook(symbol, () => this.depthSnapshot(frame, symbol, p as WireDepthSnapshot, undefined))]);
    }
    if ('b' in p && 'a' in p && 'B' in p && 'A' in p) return events([this.quote(frame, p as WireBookTicker)]);
    return reject('unknown_message', 'payload without event type');
  }

  /**
   * Diff depth -> book_delta. USD-M partial depth (`@depth20`) has the diff
   * shape but is a complete top-N picture, so it becomes a snapshot.
   */
  private depthUpdate(frame: RawFrame, p: WireDepthUpdate, stream: string | undefined): BookDeltaEvent | BookSnapshotEvent {
    const symbol = requireString(p.s, 's');
    const first = requireInteger(p.U, 'U');
    const last = requireInteger(p.u, 'u');
    // Both futures services chain diffs by `pu` (USD-M and COIN-M "How to manage a local order book
    // correctly": https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly);
    // spot has no `pu` and chains by U = previous u + 1.
    const prev = this.market !== 'spot' ? requireInteger(p.pu, 'pu') : undefined;
    const bids = requireLevels(p.b, 'b');
    const asks = requireLevels(p.a, 'a');
    const seq: SequenceFields = prev === undefined ? { first, last } : { first, last, prev };
    const type = stream !== undefined && PARTIAL_DEPTH.test(stream) ? 'book_snapshot' : 'book_delta';
    return {
      type,
      venue: this.venue,
      symbol,
      exchangeTime: optionalTime(p.E, 'E'),
      receiveTime: frame.t,
      bids,
      asks,
      seq,
    };
  }

  private depthSnapshot(frame: RawFrame, symbol: string, body: WireDepthSnapshot, exchangeTime: number | undefined): BookSnapshotEvent {
    const last = requireInteger(body.lastUpdateId, 'lastUpdateId');
    return {
      type: 'book_snapshot',
      venue: this.venue,
      symbol,
      exchangeTime,
      receiveTime: frame.t,
      bids: requireLevels(body.bids, 'bids'),
      asks: requireLevels(body.asks, 'asks'),
      seq: { last },
    };
  }

  private quote(frame: RawFrame, p: WireBookTicker): QuoteEvent {
    const updateId = p.u === undefined ? undefined : requireInteger(p.u, 'u');
    return {
      type: 'quote',
      venue: this.venue,
      symbol: requireString(p.s, 's'),
      exchangeTime: optionalTime(p.E, 'E') ?? optionalTime(p.T, 'T'),
      receiveTime: frame.t,
      bidPrice: requireSize(p.b, 'b'),
      bidSize: requireSize(p.B, 'B'),
      askPrice: requireSize(p.a, 'a'),
      askSize: requireSize(p.A, 'A'),
      ...(updateId === undefined ? {} : { updateId }),
    };
  }

  private reference(frame: RawFrame, p: WireMarkPrice): ReferencePriceEvent {
    const event: { -readonly [K in keyof ReferencePriceEvent]: ReferencePriceEvent[K] } = {
      type: 'reference',
      venue: this.venue,
      symbol: requireString(p.s, 's'),
      exchangeTime: optionalTime(p.E, 'E'),
      receiveTime: frame.t,
    };
    const mark = optionalDecimal(p.p, 'p');
    if (mark !== undefined) event.markPrice = mark;
    const index = optionalDecimal(p.i, 'i');
    if (index !== undefined) event.indexPrice = index;
    // Delivery contracts send `"r": ""`: no funding, not an error.
    const funding = optionalDecimal(p.r, 'r');
    if (funding !== undefined) event.fundingRate = funding;
    const next = optionalTime(p.T, 'T');
    if (next !== undefined && next > 0) event.nextFundingTime = next;
    return event;
  }
}

/**
 * Binance's notice that a server is about to shut down and close our
 * connection: `{"e":"serverShutdown","E":...}`, or wrapped as
 * `{"event":{"e":"serverShutdown","E":...}}` (WebSocket API connection events);
 * on a combined stream it may also come inside `data`, handled in mapPayload.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * https://developers.binance.com/docs/binance-spot-api-docs/websocket-api/connection-events
 */
export const SERVER_SHUTDOWN = 'serverShutdown';

function isServerShutdown(value: object): boolean {
  const v = value as { e?: unknown; event?: unknown };
  if (v.e === SERVER_SHUTDOWN) return true;
  return isRecord(v.event) && v.event.e === SERVER_SHUTDOWN;
}

function events(list: readonly MarketEvent[]): MapResult {
  return { kind: 'events', events: list };
}

/** `symbol=` of a REST URL's query, uppercased as Binance symbols are. */
function querySymbol(url: string): string | undefined {
  return queryParam(url, 'symbol')?.toUpperCase();
}

/** Stream name of a raw (unwrapped) stream endpoint: `wss://.../ws/nknusdt@depth20` -> `nknusdt@depth20`. */
function rawStreamOf(url: string): string | undefined {
  const at = url.lastIndexOf('/ws/');
  if (at === -1) return undefined;
  const name = url.slice(at + 4);
  return name === '' || name.includes('/') ? undefined : name;
}

/** `nknusdt@depth20@100ms` -> `NKNUSDT`. */
function symbolOfStream(stream: string): string | undefined {
  const at = stream.indexOf('@');
  const symbol = at === -1 ? stream : stream.slice(0, at);
  return symbol === '' ? undefined : symbol.toUpperCase();
}
