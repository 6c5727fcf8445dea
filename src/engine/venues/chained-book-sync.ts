import type { BookDeltaEvent, BookSnapshotEvent, Instrument } from '../../shared/core/model';
import { DEFAULT_LIMITS } from '../../shared/config';
import { OrderBook } from '../../shared/core/order-book';
import { emptySyncStats, type BookSync, type BookSyncState, type BookSyncStats, type SyncResult } from './venue';

/**
 * What every book sync that follows one update id per message holds, whatever
 * its venue's rules: the book and its counters, whether it is synced or
 * waiting for a snapshot, the id and exchange time it is as of, and whether
 * the next snapshot is a resync. The venue's subclass applies messages by its
 * own rules (Bybit `u`, OKX `seqId`/`prevSeqId`); the answers the pipeline
 * reads are the same for all, so they are written once here.
 */
export abstract class ChainedBookSync implements BookSync {
  readonly book: OrderBook;
  readonly stats: BookSyncStats = emptySyncStats();
  /** In sequence since the last snapshot (and, where the venue has one, checksum good). */
  protected synced = false;
  /** Waiting for a snapshot: at start and after a gap. */
  protected waiting = true;
  /** The venue's update id the book is as of. */
  protected lastId: number | undefined;
  /** Exchange time of the last message applied. */
  protected lastTime: number | undefined;
  /** A gap or a known-wrong book happened: the next completed snapshot is a resync. */
  protected resyncPending = false;

  constructor(
    readonly instrument: Instrument,
    maxLevelsPerSide = DEFAULT_LIMITS.bookLevelsPerSide,
  ) {
    this.book = new OrderBook(maxLevelsPerSide);
  }

  get valid(): boolean {
    return this.synced;
  }

  get wantsSnapshot(): boolean {
    return this.waiting;
  }

  get lastUpdateId(): number | undefined {
    return this.synced ? this.lastId : undefined;
  }

  get lastUpdateTime(): number | undefined {
    return this.synced ? this.lastTime : undefined;
  }

  /** The book is known wrong (book-top cross-check): reset, and the snapshot that rebuilds it is a resync. */
  invalidate(): void {
    this.reset();
    this.resyncPending = true;
  }

  apply(event: BookSnapshotEvent | BookDeltaEvent): SyncResult {
    return event.type === 'book_snapshot' ? this.applySnapshot(event) : this.applyDelta(event);
  }

  /** Forgets the book (disconnect, stale feed) and waits for a new snapshot; a subclass forgets what it holds besides. */
  reset(): void {
    this.book.clear();
    this.synced = false;
    this.waiting = true;
    this.lastId = undefined;
    this.lastTime = undefined;
  }

  protected abstract applySnapshot(snapshot: BookSnapshotEvent): SyncResult;
  protected abstract applyDelta(delta: BookDeltaEvent): SyncResult;
  abstract checkpoint(): BookSyncState | undefined;
  abstract restore(state: BookSyncState): void;
}
