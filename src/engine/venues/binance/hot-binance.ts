import type { MarketEvent, QuoteEvent, ReferencePriceEvent, VenueId } from '../../../shared/core/model';
import { copyOf, JsonCursor } from '../../decode/json-cursor';
import { readNumericLevelArray } from '../../decode/level-array';
import { NumericBookMessage } from '../../decode/numeric-book-message';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult } from '../venue';
import type { BinanceMarket } from './exchange-info';

/**
 * The hot Binance frames read without JSON.parse (docs/decoder.md): diff and
 * partial depth (`depthUpdate`; spot's `{"lastUpdateId",..}` partial book),
 * `bookTicker` (USD-M and COIN-M with `e`, COIN-M with its `ps` pair too; spot without)
 * and `markPriceUpdate` (alone or as the `!markPrice@arr` array), raw or in
 * the combined-stream wrapper `{"stream":..,"data":..}`.
 *
 * The decoder only ever answers with events, and only for a frame it has
 * read whole and found to be exactly what the JSON path would map to events:
 * every field the mapper checks passes the same check here (level-rules for
 * levels, plain integers for ids, plain decimals for prices). Book levels
 * come out as numbers (NumericBookMessage), read in place from the text.
 * Anything else,
 * a rejection to be, a field it does not know, a duplicate key, whitespace,
 * an escape, returns undefined and the mapper's JSON path decides, so a
 * frame's fate never depends on this file.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams
 */

/** Payload keys read, one bit each: a key seen twice is left to JSON.parse (which keeps the last). */
const K_e = 1;
const K_E = 2;
const K_T = 4;
const K_s = 8;
const K_U = 16;
const K_u = 32;
const K_pu = 64;
const K_b = 128;
const K_a = 256;
const K_B = 512;
const K_A = 1024;
const K_p = 2048;
const K_P = 4096;
const K_i = 8192;
const K_r = 16384;
/** COIN-M's `ps` (pair, `ETCUSD`) on depth and bookTicker: the mapper does not read it. */
const K_ps = 32768;

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const MINUS = 45;

/** Which hot event a payload's `e` names. */
const enum Kind {
  None,
  Depth,
  BookTicker,
  MarkPrice,
}

/** A string field read as its bounds in the text (no copy until an event needs it). */
interface Span {
  start: number;
  end: number;
}

export class HotBinanceDecoder {
  private readonly cursor = new JsonCursor();
  // One payload's fields, reused for every payload (no allocation per frame).
  private seen = 0;
  private kind = Kind.None;
  private time = NaN;
  private tradeTime = NaN;
  private first = NaN;
  private last = NaN;
  private prev = NaN;
  private bids: number[] | null = null;
  private asks: number[] | null = null;
  private readonly symbol: Span = { start: 0, end: 0 };
  private readonly b: Span = { start: 0, end: 0 };
  private readonly a: Span = { start: 0, end: 0 };
  private readonly bQty: Span = { start: 0, end: 0 };
  private readonly aQty: Span = { start: 0, end: 0 };
  private readonly mark: Span = { start: 0, end: 0 };
  private readonly index: Span = { start: 0, end: 0 };
  private readonly funding: Span = { start: 0, end: 0 };
  /** Bounds of the combined stream's name, or -1 for a raw stream. */
  private streamStart = -1;
  private streamEnd = -1;

  constructor(
    private readonly venue: VenueId,
    private readonly market: BinanceMarket,
    /** Event types the mapper reads and does not use (`aggTrade`, `kline`, ...): answered `ignored`. */
    private readonly ignoredEvents: ReadonlySet<string> = new Set(),
  ) {}

  /** The events of a hot frame, or undefined: let the JSON path map it. */
  decode(frame: RawFrame): MapResult | undefined {
    const c = this.cursor;
    c.reset(frame.data);
    this.streamStart = -1;
    let result: MapResult | undefined;
    if (c.lit('{"stream":')) {
      if (!c.str()) return undefined;
      this.streamStart = c.start;
      this.streamEnd = c.end;
      if (!c.lit(',"data":')) return undefined;
      result = c.peek() === OPEN_BRACKET ? this.array(frame) : this.single(frame);
      if (result === undefined || !c.eat(CLOSE_BRACE)) return undefined;
    } else {
      result = c.peek() === OPEN_BRACKET ? this.array(frame) : this.single(frame);
    }
    return result !== undefined && c.done() ? result : undefined;
  }

  private single(frame: RawFrame): MapResult | undefined {
    // Only inside the combined wrapper does the JSON path go straight to the payload's `e`
    // (a raw frame is first asked whether it is an ack, an error or a shutdown notice).
    if (this.streamStart >= 0) {
      const c = this.cursor;
      const at = c.pos;
      // Spot partial depth: the long tail's book stream, the bulk of a whole-market spot feed.
      if (this.market === 'spot' && c.peek() === OPEN_BRACE && c.text.startsWith('{"lastUpdateId":', at)) return this.partialDepth(frame);
      if (c.lit('{"e":') && c.str()) {
        const what = this.ignoredName();
        if (what !== undefined) return this.skipRest() ? { kind: 'ignored', what } : undefined;
      }
      c.pos = at;
    }
    const event = this.payload(frame);
    return event === undefined ? undefined : { kind: 'events', events: [event] };
  }

  /** The ignored event type the string just read names (the set's own string), or undefined. */
  private ignoredName(): string | undefined {
    for (const name of this.ignoredEvents) if (this.cursor.is(name)) return name;
    return undefined;
  }

  /** The rest of an ignored payload after its `e`: well-formed, and no second `e` (JSON.parse would keep that one). */
  private skipRest(): boolean {
    const c = this.cursor;
    for (;;) {
      if (c.eat(CLOSE_BRACE)) return true;
      if (!c.eat(COMMA) || !c.key() || c.isChar(101 /* e */) || !c.skip()) return false;
    }
  }

  /**
   * A REST depth snapshot (`/api/v3/depth`, `/fapi/v1/depth`) for `symbol`
   * (from the request URL, as the mapper reads it): as BinanceMapper's
   * restDepth, only for a body that passes all of its checks.
   */
  restDepth(frame: RawFrame, symbol: string): MapResult | undefined {
    const c = this.cursor;
    c.reset(frame.data);
    const event = this.depthBody(frame, symbol, true);
    return event !== undefined && c.done() ? { kind: 'events', events: [event] } : undefined;
  }

  /**
   * `{"lastUpdateId":..,"bids":..,"asks":..}` at the cursor -> a snapshot of
   * `symbol`. REST bodies may carry `E` and `T` (USD-M, COIN-M), read as the
   * mapper's restDepth does; a spot partial-depth payload (`withTimes`
   * false) is read with those three keys only, its time undefined as in the
   * mapper's depthSnapshot.
   */
  private depthBody(frame: RawFrame, symbol: string, withTimes: boolean): MarketEvent | undefined {
    const c = this.cursor;
    if (!c.lit('{"lastUpdateId":')) return undefined;
    const last = c.int();
    if (Number.isNaN(last)) return undefined;
    let time = NaN;
    let tradeTime = NaN;
    let bids: number[] | null = null;
    let asks: number[] | null = null;
    while (c.eat(COMMA)) {
      if (!c.key()) return undefined;
      if (withTimes && c.isChar(69 /* E */) && Number.isNaN(time)) {
        if (Number.isNaN((time = this.readTime()))) return undefined;
      } else if (withTimes && c.isChar(84 /* T */) && Number.isNaN(tradeTime)) {
        if (Number.isNaN((tradeTime = this.readTime()))) return undefined;
      } else if (withTimes && (c.is('symbol') || c.is('pair'))) {
        // COIN-M bodies name the symbol and pair too; the mapper takes the symbol from the URL and reads neither.
        if (!c.str()) return undefined;
      } else if (c.is('bids') && bids === null) {
        if ((bids = readNumericLevelArray(this.cursor, false)) === null) return undefined;
      } else if (c.is('asks') && asks === null) {
        if ((asks = readNumericLevelArray(this.cursor, false)) === null) return undefined;
      } else {
        return undefined;
      }
    }
    if (!c.eat(CLOSE_BRACE) || bids === null || asks === null) return undefined;
    const exchangeTime = !Number.isNaN(time) ? time : !Number.isNaN(tradeTime) ? tradeTime : undefined;
    return new NumericBookMessage('book_snapshot', this.venue, symbol, exchangeTime, frame.t, bids, asks, { last }).event();
  }

  /**
   * A spot partial-depth payload in the combined wrapper: no symbol inside,
   * the stream's name says whose book it is (the mapper's symbolOfStream:
   * the name up to its first `@`, upper case).
   */
  private partialDepth(frame: RawFrame): MapResult | undefined {
    const text = this.cursor.text;
    let end = text.indexOf('@', this.streamStart);
    if (end < 0 || end > this.streamEnd) end = this.streamEnd;
    if (end === this.streamStart) return undefined;
    const event = this.depthBody(frame, text.slice(this.streamStart, end).toUpperCase(), false);
    return event === undefined ? undefined : { kind: 'events', events: [event] };
  }

  /** `!markPrice@arr`-style arrays: every item must be a hot payload (an empty one is the JSON path's `ignored`). */
  private array(frame: RawFrame): MapResult | undefined {
    const c = this.cursor;
    c.eat(OPEN_BRACKET);
    if (c.peek() === CLOSE_BRACKET) return undefined;
    const events: MarketEvent[] = [];
    for (;;) {
      const event = this.payload(frame);
      if (event === undefined) return undefined;
      events.push(event);
      if (c.eat(COMMA)) continue;
      if (c.eat(CLOSE_BRACKET)) return { kind: 'events', events };
      return undefined;
    }
  }

  /** One payload object -> its event, or undefined. */
  private payload(frame: RawFrame): MarketEvent | undefined {
    if (!this.fields()) return undefined;
    switch (this.kind) {
      case Kind.Depth:
        return this.depth(frame);
      case Kind.BookTicker:
        return this.quote(frame);
      case Kind.MarkPrice:
        return this.reference(frame);
      default:
        // Spot bookTicker has no `e` (spot partial depth was taken in `single`).
        return this.seen === (K_u | K_s | K_b | K_B | K_a | K_A) || this.seen === (K_s | K_b | K_B | K_a | K_A) ? this.quote(frame) : undefined;
    }
  }

  /** Reads a payload object's keys into the fields above; false on anything unexpected. */
  private fields(): boolean {
    const c = this.cursor;
    this.seen = 0;
    this.kind = Kind.None;
    this.time = NaN;
    this.tradeTime = NaN;
    this.bids = null;
    this.asks = null;
    if (!c.eat(OPEN_BRACE)) return false;
    if (c.eat(CLOSE_BRACE)) return false;
    for (;;) {
      if (!c.key()) return false;
      const bit = this.field();
      if (bit === 0 || (this.seen & bit) !== 0) return false;
      this.seen |= bit;
      if (c.eat(COMMA)) continue;
      return c.eat(CLOSE_BRACE);
    }
  }

  /** Reads the value of the key just read; returns its bit, 0 when unknown or malformed. */
  private field(): number {
    const c = this.cursor;
    const length = c.end - c.start;
    const k = c.text.charCodeAt(c.start);
    if (length === 2) {
      if (k !== 112 /* p */) return 0;
      const second = c.text.charCodeAt(c.start + 1);
      if (second === 117 /* u */) return Number.isNaN((this.prev = c.int())) ? 0 : K_pu;
      // `ps` must be well-formed JSON: a string, as COIN-M sends it; anything else is left to JSON.parse.
      return second === 115 /* s */ && c.str() ? K_ps : 0;
    }
    if (length !== 1) return 0;
    switch (k) {
      case 101 /* e */:
        if (!c.str()) return 0;
        this.kind = c.is('depthUpdate') ? Kind.Depth : c.is('bookTicker') ? Kind.BookTicker : c.is('markPriceUpdate') ? Kind.MarkPrice : Kind.None;
        return this.kind === Kind.None ? 0 : K_e;
      case 69 /* E */:
        return Number.isNaN((this.time = this.readTime())) ? 0 : K_E;
      case 84 /* T */:
        return Number.isNaN((this.tradeTime = this.readTime())) ? 0 : K_T;
      case 115 /* s */:
        return this.span(this.symbol) && this.symbol.end > this.symbol.start ? K_s : 0;
      case 85 /* U */:
        return Number.isNaN((this.first = c.int())) ? 0 : K_U;
      case 117 /* u */:
        return Number.isNaN((this.last = c.int())) ? 0 : K_u;
      case 98 /* b */:
        if (c.peek() === OPEN_BRACKET) return (this.bids = readNumericLevelArray(this.cursor, false)) === null ? 0 : K_b;
        return this.span(this.b) ? K_b : 0;
      case 97 /* a */:
        if (c.peek() === OPEN_BRACKET) return (this.asks = readNumericLevelArray(this.cursor, false)) === null ? 0 : K_a;
        return this.span(this.a) ? K_a : 0;
      case 66 /* B */:
        return this.span(this.bQty) ? K_B : 0;
      case 65 /* A */:
        return this.span(this.aQty) ? K_A : 0;
      case 112 /* p */:
        return this.span(this.mark) ? K_p : 0;
      case 80 /* P */:
        // Estimated settle price: the mapper does not read it, but it must be well-formed JSON.
        return c.str() ? K_P : 0;
      case 105 /* i */:
        return this.span(this.index) ? K_i : 0;
      case 114 /* r */:
        return this.span(this.funding) ? K_r : 0;
      default:
        return 0;
    }
  }

  private span(into: Span): boolean {
    const c = this.cursor;
    if (!c.str()) return false;
    into.start = c.start;
    into.end = c.end;
    return true;
  }

  private text(span: Span): string {
    return copyOf(this.cursor.text, span.start, span.end);
  }

  /** `depthUpdate`: as BinanceMapper.depthUpdate, only for a payload that passes all of its checks. */
  private depth(frame: RawFrame): MarketEvent | undefined {
    // Every futures service (USD-M, COIN-M) chains by `pu`, as the mapper requires.
    const futures = this.market !== 'spot';
    const need = K_s | K_U | K_u | K_b | K_a | (futures ? K_pu : 0);
    if ((this.seen & need) !== need || (this.seen & (K_B | K_A | K_p | K_P | K_i | K_r)) !== 0) return undefined;
    const bids = this.bids;
    const asks = this.asks;
    if (bids === null || asks === null) return undefined;
    // The partial-depth test reads the stream's name: combined, or the raw endpoint's (not parsed here).
    if (this.streamStart < 0 && frame.url.includes('/ws/')) return undefined;
    return new NumericBookMessage(
      this.partialStream() ? 'book_snapshot' : 'book_delta',
      this.venue,
      this.text(this.symbol),
      (this.seen & K_E) !== 0 ? this.time : undefined,
      frame.t,
      bids,
      asks,
      futures ? { first: this.first, last: this.last, prev: this.prev } : { first: this.first, last: this.last },
    ).event();
  }

  /** `@depth<N>` in the stream name (the mapper's PARTIAL_DEPTH): a complete top-N picture. */
  private partialStream(): boolean {
    if (this.streamStart < 0) return false;
    const text = this.cursor.text;
    for (let at = text.indexOf('@depth', this.streamStart); at >= 0 && at + 6 < this.streamEnd; at = text.indexOf('@depth', at + 1)) {
      const d = text.charCodeAt(at + 6);
      if (d >= 48 && d <= 57) return true;
    }
    return false;
  }

  /** `bookTicker`: as BinanceMapper.quote, for non-negative plain decimals only. */
  private quote(frame: RawFrame): QuoteEvent | undefined {
    const need = K_s | K_b | K_B | K_a | K_A;
    if ((this.seen & need) !== need || (this.seen & (K_U | K_pu | K_p | K_P | K_i | K_r)) !== 0) return undefined;
    if (this.bids !== null || this.asks !== null) return undefined;
    const bidPrice = this.size(this.b);
    const bidSize = this.size(this.bQty);
    const askPrice = this.size(this.a);
    const askSize = this.size(this.aQty);
    if (Number.isNaN(bidPrice + bidSize + askPrice + askSize)) return undefined;
    const exchangeTime = (this.seen & K_E) !== 0 ? this.time : (this.seen & K_T) !== 0 ? this.tradeTime : undefined;
    const symbol = this.text(this.symbol);
    const receiveTime = frame.t;
    const venue = this.venue;
    if ((this.seen & K_u) === 0) return { type: 'quote', venue, symbol, exchangeTime, receiveTime, bidPrice, bidSize, askPrice, askSize };
    return { type: 'quote', venue, symbol, exchangeTime, receiveTime, bidPrice, bidSize, askPrice, askSize, updateId: this.last };
  }

  /**
   * An epoch-ms time (`E`, `T`) at the cursor: an integer without a minus
   * (the JSON path refuses negative times, wire/readers.ts optionalTime);
   * NaN for anything else, "-0" included, which the JSON path decides.
   */
  private readTime(): number {
    return this.cursor.peek() === MINUS ? NaN : this.cursor.int();
  }

  /** A bookTicker price or size: a plain decimal that is not negative (the JSON path rejects those). */
  private size(span: Span): number {
    const text = this.cursor.text;
    if (span.end === span.start || text.charCodeAt(span.start) === MINUS) return NaN;
    this.cursor.start = span.start;
    this.cursor.end = span.end;
    return this.cursor.decimal();
  }

  /** `markPriceUpdate`: as BinanceMapper.reference; `p`, `i`, `r` optional, "" meaning none. */
  private reference(frame: RawFrame): ReferencePriceEvent | undefined {
    if ((this.seen & K_s) === 0 || (this.seen & (K_U | K_u | K_pu | K_b | K_a | K_B | K_A)) !== 0) return undefined;
    const mark = this.optional(this.mark, K_p);
    const index = this.optional(this.index, K_i);
    const funding = this.optional(this.funding, K_r);
    if (Number.isNaN(mark) || Number.isNaN(index) || Number.isNaN(funding)) return undefined;
    const event: { -readonly [K in keyof ReferencePriceEvent]: ReferencePriceEvent[K] } = {
      type: 'reference',
      venue: this.venue,
      symbol: this.text(this.symbol),
      exchangeTime: (this.seen & K_E) !== 0 ? this.time : undefined,
      receiveTime: frame.t,
    };
    if (mark !== undefined) event.markPrice = mark;
    if (index !== undefined) event.indexPrice = index;
    if (funding !== undefined) event.fundingRate = funding;
    if ((this.seen & K_T) !== 0 && this.tradeTime > 0) event.nextFundingTime = this.tradeTime;
    return event;
  }

  /** An optional decimal string: undefined when absent or "", NaN when not a plain decimal. */
  private optional(span: Span, bit: number): number | undefined {
    if ((this.seen & bit) === 0 || span.end === span.start) return undefined;
    this.cursor.start = span.start;
    this.cursor.end = span.end;
    return this.cursor.decimal();
  }
}
