import type { MapResult, RejectReason } from '../venue';

/**
 * The reasons a venue mapper itself may refuse a frame for: the closed list
 * every mapper shares. The others of `RejectReason` are decided elsewhere:
 * `too_large` and `too_deep` by the bounded parse (map-frame.ts,
 * frame-json.ts), `bad_time` and `too_many_levels` after the mapper.
 */
export type WireReason = Extract<
  RejectReason,
  'bad_json' | 'missing_field' | 'bad_number' | 'negative_size' | 'unknown_message' | 'http_error' | 'venue_error'
>;

/**
 * A refused frame, thrown by the field readers and the mappers and caught by
 * `mapFrame` (map-frame.ts), which turns it into a `rejected` MapResult: a
 * malformed frame never leaves a mapper as an exception. `detail` names the
 * field (`missing s`, `tickers: bidPx "x" is not a decimal`).
 */
export class WireReject {
  constructor(
    readonly reason: WireReason,
    readonly detail: string,
    /** The book the refused message was for, when it could be read: that book missed a message. */
    readonly symbol?: string,
  ) {}

  /** The `rejected` MapResult; `symbol` only when known. */
  result(): MapResult {
    return this.symbol === undefined
      ? { kind: 'rejected', reason: this.reason, detail: this.detail }
      : { kind: 'rejected', reason: this.reason, detail: this.detail, symbol: this.symbol };
  }
}

/** Throws a WireReject: `return reject(...)` or `value ?? reject(...)` where an expression is wanted. */
export function reject(reason: WireReason, detail: string): never {
  throw new WireReject(reason, detail);
}

/**
 * Runs `fn`, putting the book's symbol on a refusal that has none: that book
 * missed a message and must not stay valid (VenueBooks invalidates it).
 * `symbol` undefined (not readable): the refusal goes out as it is.
 */
export function forBook<T>(symbol: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof WireReject && error.symbol === undefined && symbol !== undefined) throw new WireReject(error.reason, error.detail, symbol);
    throw error;
  }
}

/** Shortens text quoted in a detail (raw frame text only: a parsed value goes through `describeValue`). */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
