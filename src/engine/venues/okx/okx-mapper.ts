import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  IndexPriceEvent,
  MarketEvent,
  QuoteEvent,
  RawLevel,
  ReferencePriceEvent,
  SequenceFields,
} from '../../../shared/core/model';
import type { LimitsSettings } from '../../../shared/config';
import { checkLevels, describeValue } from '../../../shared/core/level-rules';
import { frameSizeLimits, guardMapper, oversize, type FrameSizeLimits } from '../frame-json';
import type { MapResult, RawFrame, RejectReason, VenueMapper } from '../venue';
import { HotOkxDecoder } from './hot-okx';
import { mapOkxInstruments, OKX_VENUE_ID } from './instruments';
import type {
  OkxWireArg,
  OkxWireBook,
  OkxWireEvent,
  OkxWireFundingRate,
  OkxWireIndexTicker,
  OkxWireMarkPrice,
  OkxWirePush,
  OkxWireRestResponse,
  OkxWireTicker,
} from './wire-types';

/**
 * Incremental book channels: `action` says snapshot or update, levels carry
 * `seqId` / `prevSeqId` (since 2022) and a `checksum`.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 */
const INCREMENTAL_BOOK_CHANNELS = new Set(['books', 'books-l2-tbt', 'books50-l2-tbt']);

/**
 * Partial-book channels: every push is the whole top of the book (`books5`:
 * 5 levels per side, `bbo-tbt`: 1), with no `action`, no `checksum` and a
 * `seqId` but no `prevSeqId` ("only applicable to books, books-l2-tbt,
 * books50-l2-tbt"). Mapped as snapshots, as Binance `@depth20` is: a book of
 * a few levels whose deeper depth bands the depth metrics report as not covered.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 */
const FULL_BOOK_CHANNELS = new Set(['books5', 'bbo-tbt']);

/** REST paths that return an order book snapshot. */
const REST_BOOK_PATHS = ['/api/v5/market/books', '/api/v5/market/books-full'];

/** Thrown inside the mapper only, turned into a `rejected` result by `map`: frames never make `map` throw. */
class Rejection {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
    /** The book the refused message was for, when it could be read. */
    readonly symbol?: string,
  ) {}
}

/** Runs `fn`, tagging a refusal with the book's symbol: that book missed a message and must not stay valid. */
function forBook<T>(symbol: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Rejection && error.symbol === undefined) throw new Rejection(error.reason, error.detail, symbol);
    throw error;
  }
}

const reject = (reason: RejectReason, detail: string): never => {
  throw new Rejection(reason, detail);
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Shortens text quoted in a rejection detail. */
const clip = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max)}...` : text);

/** A finite number from an OKX decimal string (or a JSON number); rejects `bad_number` otherwise. */
function decimal(value: unknown, what: string): number {
  if (value === undefined || value === null) return reject('missing_field', `${what} missing`);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return reject('bad_number', `${what} ${describeValue(value)} is not a number`);
  return n;
}

/** An optional number: absent (or the empty string OKX uses for "none") gives undefined. */
function optionalDecimal(value: unknown, what: string): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : decimal(value, what);
}

/** An optional integer field such as `seqId`; a non-integer is `bad_number`. */
function optionalInteger(value: unknown, what: string): number | undefined {
  const n = optionalDecimal(value, what);
  if (n !== undefined && !Number.isInteger(n)) return reject('bad_number', `${what} ${n} is not an integer`);
  return n;
}

/** OKX checksums are signed 32-bit integers; anything else is `bad_number`. */
function optionalChecksum(value: unknown): number | undefined {
  const n = optionalInteger(value, 'checksum');
  if (n !== undefined && (n < -0x80000000 || n > 0x7fffffff)) return reject('bad_number', `checksum ${n} is not a signed 32-bit integer`);
  return n;
}

/**
 * Book levels `[px, sz, "0", numOrders]` -> `[px, sz]` with the exchange's
 * strings kept byte for byte (checksums hash them). The whole list is checked
 * by the rule every venue shares (level-rules.ts) before anything is copied.
 */
function levels(value: unknown, what: string): RawLevel[] {
  const problem = checkLevels(value, what);
  if (problem !== undefined) return reject(problem.reason, problem.detail);
  const list = value as readonly (readonly [string, string])[];
  const out: RawLevel[] = new Array<RawLevel>(list.length);
  for (let i = 0; i < list.length; i += 1) out[i] = [list[i]![0], list[i]![1]];
  return out;
}

/** Exchange time from `ts` (epoch ms as a string), spread into an event only when present. */
function exchangeTime(ts: unknown): { exchangeTime?: number } {
  const time = optionalDecimal(ts, 'ts');
  return time === undefined ? {} : { exchangeTime: time };
}

function entries(data: unknown, channel: string): readonly unknown[] {
  if (!Array.isArray(data)) return reject('missing_field', `${channel}: data missing`);
  return data;
}

function entryObject(entry: unknown, channel: string): Record<string, unknown> {
  if (!isObject(entry)) return reject('missing_field', `${channel}: data entry is not an object`);
  return entry;
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') return reject('missing_field', `${what} missing`);
  return value;
}

/** Where a book entry came from: its sequence fields are read differently. */
type BookSource = 'socket' | 'rest' | 'partial';

/** Sequence fields of a book entry: OKX `seqId` -> last, `prevSeqId` -> prev, each only when sent. */
function sequence(book: OkxWireBook, source: BookSource): SequenceFields {
  const last = optionalInteger(book.seqId, 'seqId');
  // A partial-book push replaces the book whole and arrives in stream order,
  // so it needs no sequence; its seqId (checked above) restarts after
  // maintenance, and the sync would take a lower one for a late REST snapshot
  // and keep a frozen book.
  if (source === 'partial') return {};
  const rest = source === 'rest';
  // A REST snapshot's prevSeqId (when sent) says nothing about the stream: keep
  // only seqId. Its absence also tells the sync that the first socket update
  // may straddle the snapshot (a socket snapshot sends prevSeqId -1).
  const prev = rest ? undefined : optionalInteger(book.prevSeqId, 'prevSeqId');
  if (last === undefined && prev === undefined) return {};
  if (prev === undefined) return { last };
  if (last === undefined) return { prev };
  return { last, prev };
}

function bookEvent(
  book: OkxWireBook,
  type: 'book_snapshot' | 'book_delta',
  symbol: string,
  receiveTime: number,
  where: string,
  source: BookSource,
): BookSnapshotEvent | BookDeltaEvent {
  const bids = levels(book.bids, `${where}: bids`);
  const asks = levels(book.asks, `${where}: asks`);
  const seq = sequence(book, source);
  const checksum = optionalChecksum(book.checksum);
  return {
    type,
    venue: OKX_VENUE_ID,
    symbol,
    ...exchangeTime(book.ts),
    receiveTime,
    bids,
    asks,
    seq,
    ...(checksum === undefined ? {} : { checksum }),
  };
}

function mapEvent(message: OkxWireEvent): MapResult {
  const event = message.event;
  if (event === 'error') {
    const code = typeof message.code === 'string' || typeof message.code === 'number' ? String(message.code) : '?';
    const msg = typeof message.msg === 'string' ? message.msg : '';
    return { kind: 'rejected', reason: 'venue_error', detail: clip(`error ${code}: ${msg}`, 120) };
  }
  // `notice`: service upgrade / disconnect warnings pushed before maintenance;
  // the live feed reconnects on the close that follows, replay has nothing to do.
  // https://www.okx.com/docs-v5/en/#overview-websocket-notification-of-websocket-disconnect
  if (event === 'notice') return { kind: 'ignored', what: 'notice' };
  if (typeof event === 'string') return { kind: 'ignored', what: event };
  return { kind: 'rejected', reason: 'unknown_message', detail: 'event is not a string' };
}

function mapPush(message: OkxWirePush, receiveTime: number): MapResult {
  const arg: OkxWireArg = isObject(message.arg) ? message.arg : reject('unknown_message', 'no arg');
  const channel = typeof arg.channel === 'string' ? arg.channel : reject('missing_field', 'arg.channel missing');
  const incremental = INCREMENTAL_BOOK_CHANNELS.has(channel);

  if (incremental || FULL_BOOK_CHANNELS.has(channel)) {
    const symbol = requiredString(arg.instId, `${channel}: arg.instId`);
    let type: 'book_snapshot' | 'book_delta' = 'book_snapshot';
    if (incremental) {
      const action = message.action;
      if (action === 'update') type = 'book_delta';
      else if (action !== 'snapshot') {
        return action === undefined
          ? reject('missing_field', `${channel}: action missing`)
          : reject('unknown_message', `${channel}: action ${describeValue(action)}`);
      }
    }
    return forBook(symbol, () => {
      const events: MarketEvent[] = [];
      for (const entry of entries(message.data, channel)) {
        events.push(bookEvent(entryObject(entry, channel) as OkxWireBook, type, symbol, receiveTime, channel, incremental ? 'socket' : 'partial'));
      }
      return { kind: 'events', events };
    });
  }

  switch (channel) {
    case 'tickers': {
      const events: QuoteEvent[] = [];
      for (const entry of entries(message.data, channel)) {
        const t = entryObject(entry, channel) as OkxWireTicker;
        events.push({
          type: 'quote',
          venue: OKX_VENUE_ID,
          symbol: requiredString(t.instId ?? arg.instId, 'tickers: instId'),
          ...exchangeTime(t.ts),
          receiveTime,
          bidPrice: decimal(t.bidPx, 'tickers: bidPx'),
          bidSize: decimal(t.bidSz, 'tickers: bidSz'),
          askPrice: decimal(t.askPx, 'tickers: askPx'),
          askSize: decimal(t.askSz, 'tickers: askSz'),
        });
      }
      return { kind: 'events', events };
    }
    case 'mark-price': {
      const events: ReferencePriceEvent[] = [];
      for (const entry of entries(message.data, channel)) {
        const m = entryObject(entry, channel) as OkxWireMarkPrice;
        events.push({
          type: 'reference',
          venue: OKX_VENUE_ID,
          symbol: requiredString(m.instId ?? arg.instId, 'mark-price: instId'),
          ...exchangeTime(m.ts),
          receiveTime,
          markPrice: decimal(m.markPx, 'mark-price: markPx'),
        });
      }
      return { kind: 'events', events };
    }
    case 'funding-rate': {
      const events: ReferencePriceEvent[] = [];
      for (const entry of entries(message.data, channel)) {
        const f = entryObject(entry, channel) as OkxWireFundingRate;
        // `fundingRate` is the rate settled at `fundingTime`, so `fundingTime` is
        // the model's next funding time; OKX's own `nextFundingTime` is the
        // settlement after that (paired with `nextFundingRate`).
        // https://www.okx.com/docs-v5/en/#public-data-websocket-funding-rate-channel
        const next = optionalDecimal(f.fundingTime, 'funding-rate: fundingTime');
        const after = optionalDecimal(f.nextFundingTime, 'funding-rate: nextFundingTime');
        // Two consecutive settlement times give the interval (OKX has 8 h, 4 h, 2 h and 1 h swaps).
        const interval = next !== undefined && after !== undefined && after > next ? after - next : undefined;
        events.push({
          type: 'reference',
          venue: OKX_VENUE_ID,
          symbol: requiredString(f.instId ?? arg.instId, 'funding-rate: instId'),
          ...exchangeTime(f.ts),
          receiveTime,
          fundingRate: decimal(f.fundingRate, 'funding-rate: fundingRate'),
          ...(next === undefined ? {} : { nextFundingTime: next }),
          ...(interval === undefined ? {} : { fundingIntervalMs: interval }),
        });
      }
      return { kind: 'events', events };
    }
    case 'index-tickers': {
      // instId is the index itself (`BTC-USDT`), which instruments name in `uly`.
      // https://www.okx.com/docs-v5/en/#public-data-websocket-index-tickers-channel
      const events: IndexPriceEvent[] = [];
      for (const entry of entries(message.data, channel)) {
        const x = entryObject(entry, channel) as OkxWireIndexTicker;
        events.push({
          type: 'index_price',
          venue: OKX_VENUE_ID,
          symbol: requiredString(x.instId ?? arg.instId, 'index-tickers: instId'),
          ...exchangeTime(x.ts),
          receiveTime,
          price: decimal(x.idxPx, 'index-tickers: idxPx'),
        });
      }
      return { kind: 'events', events };
    }
    default:
      // trades, candles, open-interest, ...: read but not used.
      return { kind: 'ignored', what: channel };
  }
}

function mapWs(frame: RawFrame): MapResult {
  // Replies to our text "ping" keepalive are the bare text "pong", not JSON.
  // https://www.okx.com/docs-v5/en/#overview-websocket-connect
  if (frame.data === 'pong') return { kind: 'ignored', what: 'pong' };
  let message: unknown;
  try {
    message = JSON.parse(frame.data);
  } catch {
    return { kind: 'rejected', reason: 'bad_json', detail: `not JSON: ${clip(frame.data, 40)}` };
  }
  if (!isObject(message)) return { kind: 'rejected', reason: 'unknown_message', detail: 'not a JSON object' };
  if ('event' in message) return mapEvent(message as unknown as OkxWireEvent);
  if ('arg' in message) return mapPush(message as OkxWirePush, frame.t);
  return { kind: 'rejected', reason: 'unknown_message', detail: 'neither event nor push' };
}

/** The request URL; a relative one (a hand-made capture) is read against the OKX host. */
function restUrl(url: string): URL {
  try {
    return new URL(url, 'https://www.okx.com');
  } catch {
    return reject('unknown_message', `bad REST url ${clip(url)}`);
  }
}

function mapRest(frame: RawFrame): MapResult {
  if (frame.status !== undefined && frame.status >= 400) {
    return { kind: 'rejected', reason: 'http_error', detail: clip(`HTTP ${frame.status}: ${frame.data}`, 120) };
  }
  const url = restUrl(frame.url);
  const path = url.pathname;
  const isInstruments = path.endsWith('/api/v5/public/instruments');
  const isBook = REST_BOOK_PATHS.some((p) => path.endsWith(p));
  if (!isInstruments && !isBook) return { kind: 'ignored', what: `rest ${path}` };

  let body: unknown;
  try {
    body = JSON.parse(frame.data);
  } catch {
    return { kind: 'rejected', reason: 'bad_json', detail: `not JSON: ${clip(frame.data, 40)}` };
  }
  if (!isObject(body)) return { kind: 'rejected', reason: 'unknown_message', detail: 'REST body is not a JSON object' };
  const response = body as OkxWireRestResponse;
  // REST errors come back with HTTP 200 and a non-"0" code.
  // https://www.okx.com/docs-v5/en/#error-code-rest-api
  if (response.code === undefined) return reject('missing_field', 'REST code missing');
  if (String(response.code) !== '0') {
    const msg = typeof response.msg === 'string' ? response.msg : '';
    return { kind: 'rejected', reason: 'venue_error', detail: clip(`code ${String(response.code)}: ${msg}`, 120) };
  }
  const data = entries(response.data, path);

  if (isInstruments) return { kind: 'instruments', instruments: mapOkxInstruments(data).instruments };

  // The book response does not name its instrument: the request did.
  const symbol = url.searchParams.get('instId') ?? reject('missing_field', 'instId query parameter missing');
  return forBook(symbol, () => {
    if (data.length === 0) return reject('missing_field', `${path}: empty data`);
    const book = entryObject(data[0], path) as OkxWireBook;
    return { kind: 'events', events: [bookEvent(book, 'book_snapshot', symbol, frame.t, 'rest books', 'rest')] };
  });
}

/**
 * OKX v5 public frames -> normalized records. Pure: one JSON.parse per
 * frame, no clocks (receive time comes with the frame), never throws on a
 * malformed frame: it is rejected with a reason and a short detail.
 */
export class OkxMapper implements VenueMapper {
  private readonly sizes: FrameSizeLimits;
  /** Book, tickers, mark and index pushes without JSON.parse; undefined: the JSON path decides. */
  private readonly hot: HotOkxDecoder | undefined;

  constructor(limits?: Partial<LimitsSettings>, options: { readonly hotDecoder?: boolean } = {}) {
    this.sizes = frameSizeLimits(limits);
    this.hot = options.hotDecoder === false ? undefined : new HotOkxDecoder();
  }

  /** Maps one websocket or REST frame. */
  map(frame: RawFrame): MapResult {
    return guardMapper(frame, () => this.decode(frame));
  }

  private decode(frame: RawFrame): MapResult {
    const tooLarge = oversize(frame, this.sizes);
    if (tooLarge !== undefined) return tooLarge;
    if (frame.kind === 'ws' && this.hot !== undefined) {
      const hot = this.hot.decode(frame);
      if (hot !== undefined) return hot;
    }
    try {
      return frame.kind === 'rest' ? mapRest(frame) : mapWs(frame);
    } catch (error) {
      if (error instanceof Rejection) {
        return error.symbol === undefined
          ? { kind: 'rejected', reason: error.reason, detail: error.detail }
          : { kind: 'rejected', reason: error.reason, detail: error.detail, symbol: error.symbol };
      }
      throw error;
    }
  }
}

/** A new OKX mapper (stateless, but one per feed keeps the door open for per-connection state). */
export function createOkxMapper(limits?: Partial<LimitsSettings>): OkxMapper {
  return new OkxMapper(limits);
}
