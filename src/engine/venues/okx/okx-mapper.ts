import type {
  BookDeltaEvent,
  BookSnapshotEvent,
  IndexPriceEvent,
  MarketEvent,
  QuoteEvent,
  ReferencePriceEvent,
  SequenceFields,
} from '../../../shared/core/model';
import type { LimitsSettings } from '../../../shared/config';
import { frameSizeLimits, type FrameSizeLimits } from '../wire/frame-json';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult, VenueMapper } from '../venue';
import {
  clip,
  describeValue,
  forBook,
  isRecord,
  mapFrame,
  optionalInt32,
  optionalInteger,
  optionalTime,
  parseJson,
  pathOf,
  queryParam,
  reject,
  requireDecimal,
  requireSize,
  requireLevels,
  requireList,
  requireObject,
  requireString,
} from '../wire';
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

/** Exchange time from `ts` (epoch ms as a string), spread into an event only when present. */
function exchangeTime(ts: unknown, where: string): { exchangeTime?: number } {
  const time = optionalTime(ts, `${where}: ts`);
  return time === undefined ? {} : { exchangeTime: time };
}

/** Where a book entry came from: its sequence fields are read differently. */
type BookSource = 'socket' | 'rest' | 'partial';

/** Sequence fields of a book entry: OKX `seqId` -> last, `prevSeqId` -> prev, each only when sent. */
function sequence(book: OkxWireBook, source: BookSource, where: string): SequenceFields {
  const last = optionalInteger(book.seqId, `${where}: seqId`);
  // A partial-book push replaces the book whole and arrives in stream order,
  // so it needs no sequence; its seqId (checked above) restarts after
  // maintenance, and the sync would take a lower one for a late REST snapshot
  // and keep a frozen book.
  if (source === 'partial') return {};
  const rest = source === 'rest';
  // A REST snapshot's prevSeqId (when sent) says nothing about the stream: keep
  // only seqId. Its absence also tells the sync that the first socket update
  // may straddle the snapshot (a socket snapshot sends prevSeqId -1).
  const prev = rest ? undefined : optionalInteger(book.prevSeqId, `${where}: prevSeqId`);
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
  const bids = requireLevels(book.bids, `${where}: bids`);
  const asks = requireLevels(book.asks, `${where}: asks`);
  const seq = sequence(book, source, where);
  const checksum = optionalInt32(book.checksum, `${where}: checksum`);
  return {
    type,
    venue: OKX_VENUE_ID,
    symbol,
    ...exchangeTime(book.ts, where),
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
    return reject('venue_error', clip(`error ${code}: ${msg}`, 120));
  }
  // `notice`: service upgrade / disconnect warnings pushed before maintenance;
  // the live feed reconnects on the close that follows, replay has nothing to do.
  // https://www.okx.com/docs-v5/en/#overview-websocket-notification-of-websocket-disconnect
  if (event === 'notice') return { kind: 'ignored', what: 'notice' };
  if (typeof event === 'string') return { kind: 'ignored', what: event };
  return reject('unknown_message', 'event is not a string');
}

function mapPush(message: OkxWirePush, receiveTime: number): MapResult {
  const arg: OkxWireArg = isRecord(message.arg) ? message.arg : reject('unknown_message', 'arg is not an object');
  const channel = requireString(arg.channel, 'arg.channel');
  const incremental = INCREMENTAL_BOOK_CHANNELS.has(channel);

  if (incremental || FULL_BOOK_CHANNELS.has(channel)) {
    const symbol = requireString(arg.instId, `${channel}: arg.instId`);
    let type: 'book_snapshot' | 'book_delta' = 'book_snapshot';
    if (incremental) {
      const action = message.action;
      if (action === 'update') type = 'book_delta';
      else if (action !== 'snapshot') {
        return action === undefined
          ? reject('missing_field', `missing ${channel}: action`)
          : reject('unknown_message', `${channel}: action ${describeValue(action)}`);
      }
    }
    return forBook(symbol, () => {
      const events: MarketEvent[] = [];
      for (const entry of requireList(message.data, `${channel}: data`)) {
        events.push(bookEvent(requireObject(entry, `${channel}: data[]`) as OkxWireBook, type, symbol, receiveTime, channel, incremental ? 'socket' : 'partial'));
      }
      return { kind: 'events', events };
    });
  }

  switch (channel) {
    case 'tickers':
      return valueEvents(message, arg, channel, (t: OkxWireTicker, symbol, time): QuoteEvent => ({
        type: 'quote',
        venue: OKX_VENUE_ID,
        symbol,
        ...time,
        receiveTime,
        bidPrice: requireSize(t.bidPx, 'tickers: bidPx'),
        bidSize: requireSize(t.bidSz, 'tickers: bidSz'),
        askPrice: requireSize(t.askPx, 'tickers: askPx'),
        askSize: requireSize(t.askSz, 'tickers: askSz'),
      }));
    case 'mark-price':
      return valueEvents(message, arg, channel, (m: OkxWireMarkPrice, symbol, time): ReferencePriceEvent => ({
        type: 'reference',
        venue: OKX_VENUE_ID,
        symbol,
        ...time,
        receiveTime,
        markPrice: requireDecimal(m.markPx, 'mark-price: markPx'),
      }));
    case 'funding-rate':
      return valueEvents(message, arg, channel, (f: OkxWireFundingRate, symbol, time): ReferencePriceEvent => {
        // `fundingRate` is the rate settled at `fundingTime`, so `fundingTime` is
        // the model's next funding time; OKX's own `nextFundingTime` is the
        // settlement after that (paired with `nextFundingRate`).
        // https://www.okx.com/docs-v5/en/#public-data-websocket-funding-rate-channel
        const next = optionalTime(f.fundingTime, 'funding-rate: fundingTime');
        const after = optionalTime(f.nextFundingTime, 'funding-rate: nextFundingTime');
        // Two consecutive settlement times give the interval (OKX has 8 h, 4 h, 2 h and 1 h swaps).
        const interval = next !== undefined && after !== undefined && after > next ? after - next : undefined;
        return {
          type: 'reference',
          venue: OKX_VENUE_ID,
          symbol,
          ...time,
          receiveTime,
          fundingRate: requireDecimal(f.fundingRate, 'funding-rate: fundingRate'),
          ...(next === undefined ? {} : { nextFundingTime: next }),
          ...(interval === undefined ? {} : { fundingIntervalMs: interval }),
        };
      });
    case 'index-tickers':
      // instId is the index itself (`BTC-USDT`), which instruments name in `uly`.
      // https://www.okx.com/docs-v5/en/#public-data-websocket-index-tickers-channel
      return valueEvents(message, arg, channel, (x: OkxWireIndexTicker, symbol, time): IndexPriceEvent => ({
        type: 'index_price',
        venue: OKX_VENUE_ID,
        symbol,
        ...time,
        receiveTime,
        price: requireDecimal(x.idxPx, 'index-tickers: idxPx'),
      }));
    default:
      // trades, candles, open-interest, ...: read but not used.
      return { kind: 'ignored', what: channel };
  }
}

/**
 * The events of a value channel's push (tickers, mark and index prices,
 * funding): one per data entry, each named by its own `instId` or the arg's,
 * read in the order the fields are written in `build`.
 */
function valueEvents<E extends { instId?: unknown; ts?: unknown }>(
  message: OkxWirePush,
  arg: OkxWireArg,
  channel: string,
  build: (entry: E, symbol: string, time: { exchangeTime?: number }) => MarketEvent,
): MapResult {
  const events: MarketEvent[] = [];
  for (const item of requireList(message.data, `${channel}: data`)) {
    const entry = requireObject(item, `${channel}: data[]`) as E;
    // instId, then ts, then the values: the order the checks ran in before they shared this loop.
    const symbol = requireString(entry.instId ?? arg.instId, `${channel}: instId`);
    events.push(build(entry, symbol, exchangeTime(entry.ts, channel)));
  }
  return { kind: 'events', events };
}

function mapJson(frame: RawFrame): MapResult {
  return frame.kind === 'rest' ? mapRest(frame) : mapWs(frame);
}

function mapWs(frame: RawFrame): MapResult {
  // Replies to our text "ping" keepalive are the bare text "pong", not JSON.
  // https://www.okx.com/docs-v5/en/#overview-websocket-connect
  if (frame.data === 'pong') return { kind: 'ignored', what: 'pong' };
  const message = parseJson(frame);
  if (!isRecord(message)) return reject('unknown_message', 'not a JSON object');
  if ('event' in message) return mapEvent(message as unknown as OkxWireEvent);
  if ('arg' in message) return mapPush(message as OkxWirePush, frame.t);
  return reject('unknown_message', 'neither event nor push');
}

function mapRest(frame: RawFrame): MapResult {
  const path = pathOf(frame.url);
  const isInstruments = path.endsWith('/api/v5/public/instruments');
  const isBook = REST_BOOK_PATHS.some((p) => path.endsWith(p));
  if (!isInstruments && !isBook) return { kind: 'ignored', what: `rest ${path}` };

  const body = parseJson(frame);
  if (!isRecord(body)) return reject('unknown_message', 'REST body is not a JSON object');
  const response = body as OkxWireRestResponse;
  // REST errors come back with HTTP 200 and a non-"0" code.
  // https://www.okx.com/docs-v5/en/#error-code-rest-api
  if (response.code === undefined) return reject('missing_field', 'missing REST code');
  if (response.code !== '0' && response.code !== 0) {
    const msg = typeof response.msg === 'string' ? response.msg : '';
    return reject('venue_error', clip(`code ${describeValue(response.code)}: ${msg}`, 120));
  }
  const data = requireList(response.data, `${path}: data`);

  if (isInstruments) return { kind: 'instruments', instruments: mapOkxInstruments(data).instruments };

  // The book response does not name its instrument: the request did.
  const symbol = queryParam(frame.url, 'instId') ?? reject('missing_field', 'missing instId= in the REST URL');
  return forBook(symbol, () => {
    if (data.length === 0) return reject('missing_field', `${path}: empty data`);
    const book = requireObject(data[0], `${path}: data[0]`) as OkxWireBook;
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
    return mapFrame(frame, this.sizes, mapJson, this.hotMap);
  }

  /** The hot decoder's answer for a socket push, or undefined: the JSON path decides. */
  private readonly hotMap = (frame: RawFrame): MapResult | undefined =>
    frame.kind === 'ws' && this.hot !== undefined ? this.hot.decode(frame) : undefined;
}
