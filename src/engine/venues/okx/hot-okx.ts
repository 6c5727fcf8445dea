import type { MarketEvent, SequenceFields } from '../../../shared/core/model';
import { JsonCursor } from '../../decode/json-cursor';
import { readNumericLevelArray } from '../../decode/level-array';
import { NumericBookMessage } from '../../decode/numeric-book-message';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult } from '../venue';
import { OKX_VENUE_ID } from './instruments';

/**
 * The hot OKX pushes read without JSON.parse (docs/decoder.md): the book
 * channels (`books`, `books-l2-tbt`, `books50-l2-tbt`, `books5`, `bbo-tbt`),
 * `tickers`, `mark-price` and `index-tickers`.
 *
 * As for Binance (hot-binance.ts), the decoder answers only with events, and
 * only for a push it has read whole and found to pass every check of the
 * mapper's JSON path (okx-mapper.ts); anything else (an `event` message, a
 * field value it would have to convert differently, a key it does not know
 * in a book entry, whitespace, escapes) returns undefined and the JSON path
 * decides.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-tickers-channel
 */

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const QUOTE = 34;
const MINUS = 45;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

const enum Channel {
  IncrementalBook,
  PartialBook,
  Tickers,
  MarkPrice,
  IndexTickers,
}

/** A book entry's fields, reused for every entry. */
interface BookEntry {
  bids: number[] | null;
  asks: number[] | null;
  ts: number;
  checksum: number;
  seqId: number;
  prevSeqId: number;
  seen: number;
}

const B_BIDS = 1;
const B_ASKS = 2;
const B_TS = 4;
const B_CHECKSUM = 8;
const B_SEQ = 16;
const B_PREV = 32;
const B_INST = 64;

export class HotOkxDecoder {
  private readonly cursor = new JsonCursor();
  private readonly entry: BookEntry = { bids: null, asks: null, ts: NaN, checksum: NaN, seqId: NaN, prevSeqId: NaN, seen: 0 };

  /** The events of a hot push, or undefined: let the JSON path map it. */
  decode(frame: RawFrame): MapResult | undefined {
    const c = this.cursor;
    c.reset(frame.data);
    if (!c.lit('{"arg":{"channel":') || !c.str()) return undefined;
    const channel = this.channel();
    if (channel === undefined) return undefined;
    // The rest of arg: instId (the book's or the index's name) and instType, each once.
    let symbol: string | undefined;
    let instType = false;
    while (c.eat(COMMA)) {
      if (!c.key()) return undefined;
      if (c.is('instId') && symbol === undefined) {
        if (!c.str()) return undefined;
        symbol = c.value();
      } else if (c.is('instType') && !instType) {
        if (!c.str()) return undefined;
        instType = true;
      } else {
        return undefined;
      }
    }
    if (!c.eat(CLOSE_BRACE) || !c.eat(COMMA)) return undefined;
    let type: 'book_snapshot' | 'book_delta' = 'book_snapshot';
    if (c.lit('"action":')) {
      if (!c.str()) return undefined;
      if (channel === Channel.IncrementalBook) {
        if (c.is('update')) type = 'book_delta';
        else if (!c.is('snapshot')) return undefined;
      }
      if (!c.eat(COMMA)) return undefined;
    } else if (channel === Channel.IncrementalBook) {
      return undefined;
    }
    if (!c.lit('"data":[')) return undefined;
    const events: MarketEvent[] = [];
    const book = channel === Channel.IncrementalBook || channel === Channel.PartialBook;
    if (book && (symbol === undefined || symbol === '')) return undefined;
    if (!c.eat(CLOSE_BRACKET)) {
      for (;;) {
        const event = book ? this.bookEntry(frame, symbol!, type, channel === Channel.PartialBook) : this.valueEntry(frame, channel, symbol);
        if (event === undefined) return undefined;
        events.push(event);
        if (c.eat(COMMA)) continue;
        if (c.eat(CLOSE_BRACKET)) break;
        return undefined;
      }
    }
    if (!c.eat(CLOSE_BRACE) || !c.done()) return undefined;
    return { kind: 'events', events };
  }

  private channel(): Channel | undefined {
    const c = this.cursor;
    if (c.is('books') || c.is('books-l2-tbt') || c.is('books50-l2-tbt')) return Channel.IncrementalBook;
    if (c.is('books5') || c.is('bbo-tbt')) return Channel.PartialBook;
    if (c.is('tickers')) return Channel.Tickers;
    if (c.is('mark-price')) return Channel.MarkPrice;
    if (c.is('index-tickers')) return Channel.IndexTickers;
    return undefined;
  }

  /** One `books`-family entry -> its event, as okx-mapper's bookEvent for a socket push. */
  private bookEntry(frame: RawFrame, symbol: string, type: 'book_snapshot' | 'book_delta', partial: boolean): MarketEvent | undefined {
    const c = this.cursor;
    const e = this.entry;
    e.seen = 0;
    e.bids = null;
    e.asks = null;
    if (!c.eat(OPEN_BRACE) || c.eat(CLOSE_BRACE)) return undefined;
    for (;;) {
      if (!c.key()) return undefined;
      const bit = this.bookField();
      if (bit === 0 || (e.seen & bit) !== 0) return undefined;
      e.seen |= bit;
      if (c.eat(COMMA)) continue;
      if (!c.eat(CLOSE_BRACE)) return undefined;
      break;
    }
    const { bids, asks } = e;
    if (bids === null || asks === null) return undefined;
    let seq: SequenceFields = {};
    if (!partial) {
      const last = (e.seen & B_SEQ) !== 0 ? e.seqId : undefined;
      const prev = (e.seen & B_PREV) !== 0 ? e.prevSeqId : undefined;
      if (last !== undefined && prev !== undefined) seq = { last, prev };
      else if (last !== undefined) seq = { last };
      else if (prev !== undefined) seq = { prev };
    }
    const exchangeTime = (e.seen & B_TS) !== 0 ? e.ts : undefined;
    const checksum = (e.seen & B_CHECKSUM) !== 0 ? e.checksum : undefined;
    // Levels as numbers (okx-book-sync applies them so); the checksum reads the book's texts, made from them.
    return new NumericBookMessage(type, OKX_VENUE_ID, symbol, exchangeTime, frame.t, bids, asks, seq, checksum, false).event();
  }

  private bookField(): number {
    const c = this.cursor;
    const e = this.entry;
    if (c.is('asks')) return (e.asks = readNumericLevelArray(this.cursor, true)) === null ? 0 : B_ASKS;
    if (c.is('bids')) return (e.bids = readNumericLevelArray(this.cursor, true)) === null ? 0 : B_BIDS;
    if (c.is('ts')) return Number.isNaN((e.ts = this.timeString())) ? 0 : B_TS;
    if (c.is('checksum')) {
      e.checksum = c.int();
      return e.checksum >= INT32_MIN && e.checksum <= INT32_MAX ? B_CHECKSUM : 0;
    }
    if (c.is('seqId')) return Number.isNaN((e.seqId = c.int())) ? 0 : B_SEQ;
    if (c.is('prevSeqId')) return Number.isNaN((e.prevSeqId = c.int())) ? 0 : B_PREV;
    // books5 entries name their instrument again; the mapper goes by arg.instId.
    if (c.is('instId')) return c.str() ? B_INST : 0;
    return 0;
  }

  /** `ts` as OKX sends it, epoch ms in a string of plain digits; NaN for anything else. */
  private timeString(): number {
    const c = this.cursor;
    if (!c.str()) return NaN;
    return c.digits();
  }

  /**
   * A tickers price or size at the cursor's string: a plain decimal that is
   * not negative (the JSON path refuses those as wire/readers.ts requireSize
   * does); NaN for anything else, "-0" included, which the JSON path decides.
   */
  private size(): number {
    const c = this.cursor;
    return c.end > c.start && c.text.charCodeAt(c.start) === MINUS ? NaN : c.decimal();
  }

  /** One `tickers`, `mark-price` or `index-tickers` entry -> its event; every value a plain string. */
  private valueEntry(frame: RawFrame, channel: Channel, argSymbol: string | undefined): MarketEvent | undefined {
    const c = this.cursor;
    if (!c.eat(OPEN_BRACE) || c.eat(CLOSE_BRACE)) return undefined;
    let symbol = argSymbol;
    let ts = NaN;
    let hasTime = false;
    let bidPrice = NaN;
    let bidSize = NaN;
    let askPrice = NaN;
    let askSize = NaN;
    let price = NaN;
    let seen = 0;
    for (;;) {
      if (!c.key()) return undefined;
      // Which field, as a bit (0: a field the mapper does not read, any plain string).
      const bit = c.is('instId')
        ? 1
        : c.is('ts')
          ? 2
          : channel === Channel.Tickers
            ? c.is('bidPx') ? 4 : c.is('bidSz') ? 8 : c.is('askPx') ? 16 : c.is('askSz') ? 32 : 0
            : channel === Channel.MarkPrice
              ? c.is('markPx') ? 64 : 0
              : c.is('idxPx') ? 64 : 0;
      if (c.peek() !== QUOTE || !c.str()) return undefined;
      if (bit !== 0) {
        if ((seen & bit) !== 0) return undefined;
        seen |= bit;
        switch (bit) {
          case 1:
            if (c.end === c.start) return undefined;
            symbol = c.value();
            break;
          case 2:
            ts = c.digits();
            if (Number.isNaN(ts)) return undefined;
            hasTime = true;
            break;
          case 4:
            bidPrice = this.size();
            break;
          case 8:
            bidSize = this.size();
            break;
          case 16:
            askPrice = this.size();
            break;
          case 32:
            askSize = this.size();
            break;
          default:
            price = c.decimal();
        }
      }
      if (c.eat(COMMA)) continue;
      if (!c.eat(CLOSE_BRACE)) return undefined;
      break;
    }
    if (symbol === undefined || symbol === '') return undefined;
    const venue = OKX_VENUE_ID;
    const receiveTime = frame.t;
    const exchangeTime = ts;
    switch (channel) {
      case Channel.Tickers:
        if (Number.isNaN(bidPrice + bidSize + askPrice + askSize)) return undefined;
        return hasTime
          ? { type: 'quote', venue, symbol, exchangeTime, receiveTime, bidPrice, bidSize, askPrice, askSize }
          : { type: 'quote', venue, symbol, receiveTime, bidPrice, bidSize, askPrice, askSize };
      case Channel.MarkPrice:
        if (Number.isNaN(price)) return undefined;
        return hasTime ? { type: 'reference', venue, symbol, exchangeTime, receiveTime, markPrice: price } : { type: 'reference', venue, symbol, receiveTime, markPrice: price };
      default:
        if (Number.isNaN(price)) return undefined;
        return hasTime ? { type: 'index_price', venue, symbol, exchangeTime, receiveTime, price } : { type: 'index_price', venue, symbol, receiveTime, price };
    }
  }
}
