import type { RawLevel, VenueId } from '../../shared/core/model';

// What the Tardis.dev reader makes of its rows before they become capture
// frames: per-file records in time order, merged across files by `t`, then
// serialized with one sequence state per book (tardis-frames.ts). Where each
// came from is kept for the summary's examples.

interface RecordBase {
  /** Receive time, epoch ms (Tardis `local_timestamp` / 1000). */
  readonly t: number;
  readonly venue: VenueId;
  /** The Tardis exchange id (`binance-futures`), for the frame's URL. */
  readonly exchange: string;
  readonly symbol: string;
  readonly file: string;
  readonly line: number;
}

/** One book message: the rows of one symbol sharing a `local_timestamp` and `is_snapshot`. */
export interface BookRecord extends RecordBase {
  readonly kind: 'book';
  /** The dataset it came from: a book is fed by one dataset only. */
  readonly dataset: string;
  /** Starts a new book (a snapshot run begins, or a book_snapshot_N row); false: changes levels of the book. */
  readonly snapshot: boolean;
  /** Exchange time, epoch ms; undefined when Tardis had none (its `timestamp` falls back to `local_timestamp`). */
  readonly exchangeTime: number | undefined;
  readonly bids: RawLevel[];
  readonly asks: RawLevel[];
  /** Rows in the message. */
  readonly rows: number;
}

/** A row of this book was refused: the book missed an update and must not stay valid. */
export interface BookBreakRecord extends RecordBase {
  readonly kind: 'book_break';
  readonly dataset: string;
}

/** Best bid and ask (Tardis `quotes`); an empty side is `"0"` price and size, as Binance's bookTicker says it. */
export interface QuoteRecord extends RecordBase {
  readonly kind: 'quote';
  readonly exchangeTime: number | undefined;
  readonly bidPrice: string;
  readonly bidAmount: string;
  readonly askPrice: string;
  readonly askAmount: string;
}

/** Mark, index, funding (Tardis `derivative_ticker`); absent values are undefined. */
export interface DerivativeRecord extends RecordBase {
  readonly kind: 'derivative';
  readonly exchangeTime: number | undefined;
  readonly markPrice: string | undefined;
  readonly indexPrice: string | undefined;
  readonly fundingRate: string | undefined;
  /** Next funding settlement, epoch ms. */
  readonly fundingTime: number | undefined;
}

export type ImportRecord = BookRecord | BookBreakRecord | QuoteRecord | DerivativeRecord;
