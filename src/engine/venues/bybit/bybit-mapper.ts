import type { BookDeltaEvent, BookSnapshotEvent, MarketEvent, QuoteEvent, ReferencePriceEvent } from '../../../shared/core/model';
import type { LimitsSettings } from '../../../shared/config';
import { frameSizeLimits, type FrameSizeLimits } from '../wire/frame-json';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult, VenueMapper } from '../venue';
import {
  clip,
  describeValue,
  forBook,
  isAbsent,
  isRecord,
  mapFrame,
  optionalDecimal,
  optionalInteger,
  optionalTime,
  parseJson,
  pathOf,
  reject,
  requireSize,
  requireInteger,
  requireLevels,
  requireList,
  requireObject,
  requireString,
} from '../wire';
import { bybitBookSymbol, bybitCategoryOfUrl, BYBIT_VENUE_ID, mapBybitInstruments, type BybitCategory } from './instruments';
import type { BybitWireBook, BybitWirePush, BybitWireReply, BybitWireRest, BybitWireTicker } from './wire-types';

/**
 * Bybit v5 public frames -> normalized records. Pure and stateless: one
 * JSON.parse per frame, no clocks, never throws on a malformed frame.
 *
 * - `orderbook.{depth}.{symbol}`: `snapshot` and `delta` with the update id
 *   `u` (seq.last) and the cross sequence `seq`; `data.s` must name the
 *   topic's symbol. https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
 * - `tickers.{symbol}`: derivatives send a snapshot, then deltas holding
 *   only the fields that changed; a field absent is unchanged, so the
 *   reference event carries exactly the fields sent (mark, index, funding
 *   rate, next funding time) and a quote is made only when the push holds
 *   the whole best bid and offer (spot tickers carry none).
 *   https://bybit-exchange.github.io/docs/v5/websocket/public/ticker
 * - Replies to our requests (`op`: subscribe, ping, pong) are ignored, a
 *   refused one (`success: false`) is `venue_error`.
 * - REST `market/instruments-info` pages become instruments; a REST error
 *   comes back with HTTP 200 and a non-zero `retCode`: `venue_error`.
 *
 * The category (spot, linear, inverse) is the socket's (its URL's last part)
 * or the REST request's `category=`: the frames do not carry it.
 */
export class BybitMapper implements VenueMapper {
  private readonly sizes: FrameSizeLimits;

  constructor(limits?: Partial<LimitsSettings>) {
    this.sizes = frameSizeLimits(limits);
  }

  map(frame: RawFrame): MapResult {
    return mapFrame(frame, this.sizes, mapJson);
  }
}

function mapJson(frame: RawFrame): MapResult {
  return frame.kind === 'rest' ? mapRest(frame) : mapWs(frame);
}

function categoryOf(frame: RawFrame): BybitCategory {
  return bybitCategoryOfUrl(frame.url) ?? reject('unknown_message', `cannot tell spot, linear or inverse from ${clip(frame.url, 80)}`);
}

function mapWs(frame: RawFrame): MapResult {
  const message = parseJson(frame);
  if (!isRecord(message)) return reject('unknown_message', 'not a JSON object');
  if ('topic' in message) return mapPush(message as BybitWirePush, categoryOf(frame), frame.t);
  if ('op' in message) return mapReply(message as BybitWireReply);
  return reject('unknown_message', 'neither a topic push nor a reply');
}

function mapReply(reply: BybitWireReply): MapResult {
  const op = typeof reply.op === 'string' ? reply.op : '?';
  // https://bybit-exchange.github.io/docs/v5/ws/connect: a refused subscribe (unknown topic, too many args) says why in ret_msg.
  if (reply.success === false) return reject('venue_error', clip(`${op} refused: ${typeof reply.ret_msg === 'string' ? reply.ret_msg : ''}`, 120));
  return { kind: 'ignored', what: op };
}

function mapPush(push: BybitWirePush, category: BybitCategory, receiveTime: number): MapResult {
  const topic = requireString(push.topic, 'topic');
  const dot = topic.indexOf('.');
  const channel = dot === -1 ? topic : topic.slice(0, dot);
  if (channel === 'orderbook') return mapBook(push, topic, category, receiveTime);
  if (channel === 'tickers') return mapTicker(push, topic, category, receiveTime);
  // publicTrade, kline, liquidation, ...: read but not used.
  return { kind: 'ignored', what: channel };
}

/** `orderbook.50.BTCUSDT` -> `BTCUSDT` (a symbol may itself hold dots? Bybit's do not; the part after the depth is the symbol). */
function topicSymbol(topic: string, parts: number): string {
  const pieces = topic.split('.');
  if (pieces.length < parts) return reject('unknown_message', `topic ${clip(topic)} has no symbol`);
  return pieces.slice(parts - 1).join('.');
}

function mapBook(push: BybitWirePush, topic: string, category: BybitCategory, receiveTime: number): MapResult {
  const venueSymbol = topicSymbol(topic, 3);
  const symbol = bybitBookSymbol(category, venueSymbol);
  return forBook(symbol, () => {
    const type = push.type === 'snapshot' ? 'book_snapshot' : push.type === 'delta' ? 'book_delta' : undefined;
    if (type === undefined) return push.type === undefined ? reject('missing_field', 'missing orderbook: type') : reject('unknown_message', `orderbook: type ${describeValue(push.type)}`);
    const data = requireObject(push.data, 'orderbook: data') as BybitWireBook;
    const s = requireString(data.s, 'orderbook: data.s');
    if (s !== venueSymbol) return reject('unknown_message', `orderbook: data.s ${clip(s)} is not the topic's ${clip(venueSymbol)}`);
    const bids = requireLevels(data.b, 'orderbook: b');
    const asks = requireLevels(data.a, 'orderbook: a');
    const u = requireInteger(data.u, 'orderbook: u');
    if (u < 1) return reject('bad_number', `orderbook: u ${u} is not an update id`);
    // The cross sequence is checked as an integer: it is the venue's, and a frame with a broken one is not trusted.
    optionalInteger(data.seq, 'orderbook: seq');
    const time = optionalTime(push.ts, 'orderbook: ts');
    const event: BookSnapshotEvent | BookDeltaEvent = {
      type,
      venue: BYBIT_VENUE_ID,
      symbol,
      ...(time === undefined ? {} : { exchangeTime: time }),
      receiveTime,
      bids,
      asks,
      seq: { last: u },
    };
    return { kind: 'events', events: [event] };
  });
}

function mapTicker(push: BybitWirePush, topic: string, category: BybitCategory, receiveTime: number): MapResult {
  const data = requireObject(push.data, 'tickers: data') as BybitWireTicker;
  const venueSymbol = requireString(data.symbol ?? topicSymbol(topic, 2), 'tickers: symbol');
  const symbol = bybitBookSymbol(category, venueSymbol);
  const time = optionalTime(push.ts, 'tickers: ts');
  const stamp = { venue: BYBIT_VENUE_ID, symbol, ...(time === undefined ? {} : { exchangeTime: time }), receiveTime };
  const events: MarketEvent[] = [];
  // Every field is read (and so judged) before any event is made: one bad field refuses the push.
  const markPrice = optionalDecimal(data.markPrice, 'tickers: markPrice');
  const indexPrice = optionalDecimal(data.indexPrice, 'tickers: indexPrice');
  const fundingRate = optionalDecimal(data.fundingRate, 'tickers: fundingRate');
  const nextFundingTime = optionalTime(data.nextFundingTime, 'tickers: nextFundingTime');
  // The best bid and offer: each part judged as a size (never negative); a quote only when the push holds all four (a delta's part-top is completed by an earlier push).
  const bidPrice = optionalSize(data.bid1Price, 'tickers: bid1Price');
  const bidSize = optionalSize(data.bid1Size, 'tickers: bid1Size');
  const askPrice = optionalSize(data.ask1Price, 'tickers: ask1Price');
  const askSize = optionalSize(data.ask1Size, 'tickers: ask1Size');
  const quote = bidPrice !== undefined && bidSize !== undefined && askPrice !== undefined && askSize !== undefined ? { bidPrice, bidSize, askPrice, askSize } : undefined;
  if (markPrice !== undefined || indexPrice !== undefined || fundingRate !== undefined || nextFundingTime !== undefined) {
    const reference: ReferencePriceEvent = {
      type: 'reference',
      ...stamp,
      ...(markPrice === undefined ? {} : { markPrice }),
      ...(indexPrice === undefined ? {} : { indexPrice }),
      ...(fundingRate === undefined ? {} : { fundingRate }),
      ...(nextFundingTime === undefined ? {} : { nextFundingTime }),
    };
    events.push(reference);
  }
  if (quote !== undefined) events.push({ type: 'quote', ...stamp, ...quote } satisfies QuoteEvent);
  return events.length === 0 ? { kind: 'ignored', what: 'tickers (no field the engine reads)' } : { kind: 'events', events };
}

const optionalSize = (value: unknown, field: string): number | undefined => (isAbsent(value) ? undefined : requireSize(value, field));

function mapRest(frame: RawFrame): MapResult {
  const path = pathOf(frame.url);
  if (!path.endsWith('/v5/market/instruments-info')) return { kind: 'ignored', what: `rest ${path}` };
  const category = categoryOf(frame);
  const body = parseJson(frame);
  if (!isRecord(body)) return reject('unknown_message', 'REST body is not a JSON object');
  const response = body as BybitWireRest;
  // https://bybit-exchange.github.io/docs/v5/error: errors come back with HTTP 200 and a non-zero retCode.
  if (response.retCode === undefined) return reject('missing_field', 'missing REST retCode');
  if (response.retCode !== 0) return reject('venue_error', clip(`retCode ${describeValue(response.retCode)}: ${typeof response.retMsg === 'string' ? response.retMsg : ''}`, 120));
  const result = requireObject(response.result, `${path}: result`);
  const list = requireList(result.list, `${path}: result.list`);
  return { kind: 'instruments', instruments: mapBybitInstruments(category, list).instruments };
}
