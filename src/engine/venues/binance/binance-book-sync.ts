import { trimBufferByAge } from '../pre-snapshot-buffer';
import type { BookDeltaEvent, BookSnapshotEvent } from '../../../shared/core/model';
import { DEFAULT_LIMITS } from '../../../shared/config';
import { OrderBook } from '../../../shared/core/order-book';
import { applyDeltaLevels, checkedState, loadLevels, loadSnapshotLevels, restoreStats, syncState } from '../book-sync-state';
import { emptySyncStats, type BookSync, type BookSyncState, type BookSyncStats, type SyncResult } from '../venue';
import type { BinanceMarket } from './exchange-info';

/** Diffs held while waiting for a snapshot; beyond this the snapshot is hopeless. */
export const DEFAULT_BUFFER_CAP = 10_000;

/**
 * Binance's documented diff-depth procedure for one instrument, spot or USD-M.
 *
 * Spot (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#how-to-manage-a-local-order-book-correctly):
 * buffer diffs; on the REST snapshot drop buffered diffs with `u <= lastUpdateId`;
 * the first one left must have `U <= lastUpdateId + 1` (else the snapshot is too
 * old: fetch again); afterwards skip `u <= book id`, and `U > book id + 1` is a gap.
 *
 * USD-M (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly):
 * drop diffs with `u < lastUpdateId`; the first applied must have
 * `U <= lastUpdateId <= u`; every later one must have `pu` equal to the previous
 * `u` (USD-M ids are shared across symbols, so `U` is not previous `u` + 1).
 *
 * Snapshots that arrive while synced (replays hold several REST snapshots,
 * partial-depth streams send nothing else) rebuild the book unless older than
 * it. A gap keeps the last picture but marks it invalid until the next usable
 * snapshot, which counts as a resync.
 */
export class BinanceBookSync implements BookSync {
  readonly book: OrderBook;
  readonly stats: BookSyncStats = emptySyncStats();

  /** Book loaded from a snapshot and every diff since applied in sequence. */
  private synced = false;
  /** `u` of the last applied diff, or the snapshot's lastUpdateId. */
  private bookId = 0;
  /** No diff applied since the last snapshot: the next one must bridge it. */
  private bridging = false;
  /** Lost sync (gap, overflow): the next snapshot that takes is a resync. */
  private lost = false;
  private buffer: BookDeltaEvent[] = [];
  /** Exchange time of the last message applied (diff `E`, snapshot `E`/`T` when sent). */
  private bookTime: number | undefined;

  constructor(
    readonly market: BinanceMarket,
    private readonly bufferCap = DEFAULT_BUFFER_CAP,
    maxLevelsPerSide = DEFAULT_LIMITS.bookLevelsPerSide,
  ) {
    this.book = new OrderBook(maxLevelsPerSide);
  }

  get valid(): boolean {
    return this.synced;
  }

  get wantsSnapshot(): boolean {
    return !this.synced;
  }

  get lastUpdateId(): number | undefined {
    return this.synced ? this.bookId : undefined;
  }

  get lastUpdateTime(): number | undefined {
    return this.synced ? this.bookTime : undefined;
  }

  /** Diffs waiting for a snapshot (for diagnostics). */
  get buffered(): number {
    return this.buffer.length;
  }

  apply(event: BookSnapshotEvent | BookDeltaEvent): SyncResult {
    return event.type === 'book_snapshot' ? this.applySnapshot(event) : this.applyDelta(event);
  }

  reset(): void {
    this.book.clear();
    this.buffer = [];
    this.synced = false;
    this.bridging = false;
    this.bookId = 0;
    this.bookTime = undefined;
  }

  invalidate(): void {
    this.reset();
    this.lost = true;
  }

  /** The whole state (docs/seek.md, book-state checkpoints); undefined while diffs are buffered for a snapshot. */
  checkpoint(): BookSyncState | undefined {
    return syncState(this.book, this.stats, this.buffer.length, {
      market: this.market === 'spot' ? 0 : 1,
      synced: this.synced,
      bookId: this.bookId,
      bridging: this.bridging,
      lost: this.lost,
      bookTime: this.bookTime ?? null,
    });
  }


  /** Back to a checkpoint's state exactly: levels, `lastUpdateId` (`u`), the `pu` bridge flag, validity, counters. */
  restore(state: BookSyncState): void {
    this.reset();
    this.lost = false;
    const seq = checkedState(state, `binance ${this.market}`, { market: 'number', synced: 'boolean', bookId: 'number', bridging: 'boolean', lost: 'boolean', bookTime: 'number?' });
    if (seq.market !== (this.market === 'spot' ? 0 : 1)) throw new Error(`not a binance ${this.market} book-sync checkpoint: another market`);
    loadLevels(this.book, state);
    restoreStats(this.stats, state.stats);
    this.synced = seq.synced as boolean;
    this.bookId = seq.bookId as number;
    this.bridging = seq.bridging as boolean;
    this.lost = seq.lost as boolean;
    this.bookTime = seq.bookTime === null ? undefined : (seq.bookTime as number);
  }

  private applySnapshot(event: BookSnapshotEvent): SyncResult {
    const id = event.seq.last;
    if (id === undefined) {
      // A snapshot without an id cannot be lined up with any diff: use it as a stand-alone picture.
      this.buffer = [];
      return this.load(event, 0) ? 'applied' : this.overflow();
    }
    if (this.synced) {
      // An older snapshot would roll the book back; a newer one replaces it and the diffs continue from it.
      if (id < this.bookId) return 'dropped';
      return this.load(event, id) ? 'applied' : this.overflow();
    }
    const spot = this.market === 'spot';
    // Spot: drop u <= lastUpdateId. USD-M: drop u < lastUpdateId (the diff ending at it still bridges).
    let keep = 0;
    while (keep < this.buffer.length) {
      const last = this.buffer[keep]!.seq.last ?? 0;
      if (spot ? last > id : last >= id) break;
      keep += 1;
    }
    if (keep > 0) this.buffer = this.buffer.slice(keep);
    const first = this.buffer[0];
    const chainsOn = !spot && first?.seq.prev === id;
    if (first !== undefined && !chainsOn && (first.seq.first ?? 0) > (spot ? id + 1 : id)) {
      // The buffered diffs start after the snapshot: it is too old. Per the docs, fetch again.
      return 'dropped';
    }
    if (!this.load(event, id)) return this.overflow();
    if (this.lost) {
      this.lost = false;
      this.stats.resyncs += 1;
    }
    const pending = this.buffer;
    this.buffer = [];
    for (let i = 0; i < pending.length; i += 1) {
      if (this.applyDelta(pending[i]!) === 'resync') {
        // A break inside the buffer: keep what follows it for the next snapshot.
        for (let j = i + 1; j < pending.length; j += 1) this.bufferDelta(pending[j]!);
        return 'resync';
      }
    }
    return 'applied';
  }

  /** Loads a snapshot; false when it takes a side past the level cap (nothing is synced then). */
  private load(event: BookSnapshotEvent, id: number): boolean {
    // Levels a hot decoder read as numbers go in as numbers (no string per level made or parsed).
    this.stats.rejectedLevels += loadSnapshotLevels(this.book, event);
    if (this.book.overflowing()) return false;
    this.stats.bookUpdates += 1;
    this.bookId = id;
    this.bookTime = event.exchangeTime;
    this.synced = true;
    this.bridging = true;
    return true;
  }

  /**
   * A message took a side past the level cap: the book is dropped (its
   * memory is the point) and waits for a snapshot like after a gap; the
   * diffs held are dropped too, they belong to the book that overflowed.
   */
  private overflow(): SyncResult {
    this.book.clear();
    this.stats.levelCapOverflows += 1;
    this.synced = false;
    this.bridging = false;
    this.lost = true;
    this.buffer = [];
    return 'resync';
  }

  private applyDelta(event: BookDeltaEvent): SyncResult {
    if (!this.synced) return this.bufferDelta(event);
    const { first, last, prev } = event.seq;
    // The mapper always sets U and u (and pu on USD-M); without them a diff cannot be placed.
    if (first === undefined || last === undefined) return this.gap(event);
    if (this.market === 'spot') {
      if (last <= this.bookId) return 'dropped';
      if (first > this.bookId + 1) return this.gap(event);
    } else if (this.bridging) {
      if (last < this.bookId) return 'dropped';
      // The documented bridge is U <= lastUpdateId <= u; a snapshot taken exactly
      // between two events is bridged by the next one chaining on it (pu == lastUpdateId).
      if (first > this.bookId && prev !== this.bookId) return this.gap(event);
    } else if (prev !== this.bookId) {
      return this.gap(event);
    }
    this.stats.rejectedLevels += applyDeltaLevels(this.book, event);
    if (this.book.overflowing()) return this.overflow();
    this.stats.bookUpdates += 1;
    this.bookId = last;
    this.bookTime = event.exchangeTime;
    this.bridging = false;
    return 'applied';
  }

  private bufferDelta(event: BookDeltaEvent): SyncResult {
    trimBufferByAge(this.buffer, event.receiveTime);
    if (this.buffer.length >= this.bufferCap) {
      // No snapshot came in time: what is held cannot all be kept, so the
      // stream has a hole whatever snapshot comes next. Start over from here.
      this.buffer = [];
      this.stats.sequenceGaps += 1;
      this.lost = true;
    }
    this.buffer.push(event);
    return 'buffered';
  }

  private gap(event: BookDeltaEvent): SyncResult {
    this.stats.sequenceGaps += 1;
    this.synced = false;
    this.bridging = false;
    this.lost = true;
    // The diff that revealed the gap may still follow the next snapshot.
    this.buffer = [event];
    return 'resync';
  }
}
