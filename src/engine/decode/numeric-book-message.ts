import type { BookDeltaEvent, BookSnapshotEvent, RawLevel, SequenceFields, VenueId } from '../../shared/core/model';
import { DIGITS_BASE, type NumericLevels } from '../../shared/core/order-book';

/**
 * A book message read by a hot decoder with its levels as numbers
 * ({@link NumericLevels}: price, size and their fraction digits), so the
 * book sync hands them to the book without a string or an array per level
 * (docs/decoder.md). It is still a full `book_snapshot` / `book_delta`
 * event: `bids` and `asks` give the exchange's strings, made on first read
 * (`toFixed` of each value with its digits gives back the exact text for
 * what the decoders accept), for any reader that wants them.
 */
export class NumericBookMessage {
  private bidTexts: RawLevel[] | undefined;
  private askTexts: RawLevel[] | undefined;
  /** OKX CRC32 (signed); absent when the message has none. */
  declare readonly checksum?: number;

  constructor(
    readonly type: 'book_snapshot' | 'book_delta',
    readonly venue: VenueId,
    readonly symbol: string,
    readonly exchangeTime: number | undefined,
    readonly receiveTime: number,
    readonly bidLevels: NumericLevels,
    readonly askLevels: NumericLevels,
    readonly seq: SequenceFields,
    checksum?: number,
    /** The JSON path's event has an `exchangeTime` key even when undefined (Binance) or only when sent (OKX). */
    private readonly timeKey = true,
  ) {
    if (checksum !== undefined) (this as { checksum?: number }).checksum = checksum;
  }

  get bids(): readonly RawLevel[] {
    return (this.bidTexts ??= textsOf(this.bidLevels));
  }

  get asks(): readonly RawLevel[] {
    return (this.askTexts ??= textsOf(this.askLevels));
  }

  /** As the model's event type (what mappers return). */
  event(): BookSnapshotEvent | BookDeltaEvent {
    return this as unknown as BookSnapshotEvent | BookDeltaEvent;
  }

  /** The same event as a plain object with string levels: what the JSON path makes of the frame. */
  plain(): BookSnapshotEvent | BookDeltaEvent {
    const { type, venue, symbol, exchangeTime, receiveTime, bids, asks, seq } = this;
    const out = { type, venue, symbol, exchangeTime, receiveTime, bids, asks, seq } as BookSnapshotEvent | BookDeltaEvent;
    if (exchangeTime === undefined && !this.timeKey) delete (out as { exchangeTime?: number }).exchangeTime;
    if (this.checksum !== undefined) (out as { checksum?: number }).checksum = this.checksum;
    return out;
  }
}

/** The message has no level at all (OKX's keepalive), known without making its strings. */
export function hasNoLevels(event: BookSnapshotEvent | BookDeltaEvent): boolean {
  const numeric = numericLevelsOf(event);
  return numeric === undefined ? event.bids.length === 0 && event.asks.length === 0 : numeric.bidLevels.length === 0 && numeric.askLevels.length === 0;
}

/** The numeric levels of a book event read by a hot decoder; undefined for one with string levels. */
export function numericLevelsOf(event: BookSnapshotEvent | BookDeltaEvent): NumericBookMessage | undefined {
  return event instanceof NumericBookMessage ? event : undefined;
}

function textsOf(levels: NumericLevels): RawLevel[] {
  const out: RawLevel[] = [];
  for (let i = 0; i + 2 < levels.length; i += 3) {
    const digits = levels[i + 2]!;
    const priceDigits = Math.floor(digits / DIGITS_BASE);
    out.push([levels[i]!.toFixed(priceDigits), levels[i + 1]!.toFixed(digits - priceDigits * DIGITS_BASE)]);
  }
  return out;
}
