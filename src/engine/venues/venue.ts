import type { BookDeltaEvent, BookSnapshotEvent, Instrument, MarketEvent, RawLevel, VenueId } from '../../shared/core/model';
import type { OrderBook } from '../../shared/core/order-book';
import type { LimitsSettings, VenueConfigPlugin } from '../../shared/config';
import type { Feed, FeedOptions } from '../feed/feed';
import type { RawFrame } from '../feed/raw-frame';

/** Why a frame was refused; counted per reason and surfaced, never fatal. */
export type RejectReason =
  | 'bad_json'
  | 'missing_field'
  | 'bad_number'
  | 'negative_size'
  | 'unknown_message'
  | 'http_error'
  | 'venue_error'
  /** The frame's receive time is not a time the engine can run on (see pipeline/frame-time.ts). */
  | 'bad_time'
  /** JSON nested deeper than any venue sends (see wire/frame-json.ts). */
  | 'too_deep'
  /** A frame longer than `limits` allows (WebSocket payload or REST body). */
  | 'too_large'
  /** A book message that would take a side past `limits.book_levels_per_side`: the book is dropped and resyncs. */
  | 'too_many_levels';

/** What a mapper made of one frame. */
export type MapResult =
  | { readonly kind: 'events'; readonly events: readonly MarketEvent[] }
  | { readonly kind: 'instruments'; readonly instruments: readonly Instrument[] }
  /** Frames we read but do not use: trades, klines, subscription acks, pongs. */
  | { readonly kind: 'ignored'; readonly what: string }
  /**
   * `symbol` is set when the frame was a book message whose symbol could be
   * read: that book missed an update, so it must not stay valid.
   */
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly detail: string; readonly symbol?: string };

/** Raw frame -> normalized records. Pure: no sockets, no clocks (time comes with the frame). */
export interface VenueMapper {
  map(frame: RawFrame): MapResult;
}

/**
 * What a sync did with a book message:
 * - `applied`: the book changed and is valid
 * - `buffered`: held until a snapshot arrives (Binance diff before its REST snapshot)
 * - `dropped`: already covered by the snapshot, or a keepalive that changes nothing
 * - `resync`: a gap or checksum failure: the book is invalid until a new snapshot
 */
export type SyncResult = 'applied' | 'buffered' | 'dropped' | 'resync';

export interface BookSyncStats {
  bookUpdates: number;
  sequenceGaps: number;
  resyncs: number;
  checksumChecks: number;
  checksumFailures: number;
  /** Levels refused by the book (NaN, negative size). */
  rejectedLevels: number;
  /** Book messages that took a side past the level cap: each dropped the book (a resync follows). */
  levelCapOverflows: number;
}

/** Counters of a book sync that has seen nothing yet. */
export function emptySyncStats(): BookSyncStats {
  return { bookUpdates: 0, sequenceGaps: 0, resyncs: 0, checksumChecks: 0, checksumFailures: 0, rejectedLevels: 0, levelCapOverflows: 0 };
}

/**
 * A book sync's whole state at an instant, plain JSON (the capture index's
 * book-state checkpoints, docs/seek.md): what `BookSync.restore` needs to put
 * a new sync where the checkpointed one was.
 */
export interface BookSyncState {
  /** Each side best first, the exchange's strings. */
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
  readonly stats: Readonly<BookSyncStats>;
  /** The venue sync's own sequence fields and flags (Binance `bookId`, `bridging`; OKX `lastSeq`, `aligning`, ...). */
  readonly seq: Readonly<Record<string, number | boolean | null>>;
}

/**
 * A venue's book sync rules for one instrument: snapshot, sequence and
 * checksum. Pure state machine: it never fetches; a live feed watches
 * `wantsSnapshot` and fetches, replay waits for the recorded REST frame.
 */
export interface BookSync {
  readonly book: OrderBook;
  /** Synced, in sequence, checksum good. (Crossed books are reported by the book itself.) */
  readonly valid: boolean;
  /** Waiting for a snapshot (first sync or after a gap / checksum failure). */
  readonly wantsSnapshot: boolean;
  readonly stats: Readonly<BookSyncStats>;
  apply(event: BookSnapshotEvent | BookDeltaEvent): SyncResult;
  /** Forget the book after a disconnect or stale feed; wait for a new snapshot. */
  reset(): void;
  /**
   * The book is known to be wrong although its sequence held (the book-top
   * cross-check): forget it and wait for a snapshot, like `reset`, and count
   * the snapshot that rebuilds it as a resync.
   */
  invalidate(): void;
  /** Update id the book is as of (Binance `u` / `lastUpdateId`, OKX `seqId`); undefined when not synced or unknown. */
  readonly lastUpdateId: number | undefined;
  /** Exchange time of the last book message applied; undefined when not synced or the venue sends none. */
  readonly lastUpdateTime: number | undefined;
  /**
   * Every update carries the one sequence number the venue stamps its REST
   * snapshots with (OKX `seqId`), so the book as of a snapshot's number is
   * reached exactly and can be compared with it level by level
   * (pipeline/deep-verify.ts). Absent: false (Binance diffs span id ranges).
   */
  readonly deepVerifiable?: boolean;
  /**
   * The sync's whole state, for a checkpoint: undefined when it holds
   * messages for a later snapshot (buffered diffs), which a checkpoint does
   * not carry. Levels are copied: the result does not change with the book.
   */
  checkpoint(): BookSyncState | undefined;
  /**
   * Puts the sync exactly where `checkpoint()` found it: levels, validity,
   * sequence fields and counters; nothing buffered. Throws on a state that
   * is not this venue's (a damaged checkpoint), leaving the sync reset.
   */
  restore(state: BookSyncState): void;
}

/** One venue: what replay and live share, plus the live feed. */
export interface Venue {
  readonly id: VenueId;
  /**
   * Its exchange's part of the config (exchanges.yaml block, instruments.yaml
   * listing, venue id per instrument type, the block pointed at the
   * simulator); venues of one exchange (Binance spot and USD-M) share it,
   * and with it the exchange a perpetual's spot leg is looked for on.
   */
  readonly config: VenueConfigPlugin;
  /** A replayed symbol with neither metadata nor config: its best-guess instrument (flagged as guessed). */
  guessInstrument(symbol: string): Instrument;
  /** `limits`: frame size caps (features.yaml `limits`); defaults when absent. */
  createMapper(limits?: Partial<LimitsSettings>): VenueMapper;
  /** `limits`: the level cap per side (features.yaml `limits`); default when absent. */
  createBookSync(instrument: Instrument, limits?: Partial<LimitsSettings>): BookSync;
  /** Live connections for these symbols; replay never calls it. */
  createFeed(options: FeedOptions): Feed;
}
