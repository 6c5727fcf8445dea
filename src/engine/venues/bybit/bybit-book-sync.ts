import type { BookDeltaEvent, BookSnapshotEvent } from '../../../shared/core/model';
import { applyDeltaLevels, checkedState, loadLevels, loadSnapshotLevels, restoreStats, syncState } from '../book-sync-state';
import { ChainedBookSync } from '../chained-book-sync';
import type { BookSyncState, SyncResult } from '../venue';

/**
 * Bybit v5 `orderbook.{depth}` sync rules for one book. Pure state machine:
 * it never fetches; the live feed watches `wantsSnapshot` and subscribes the
 * topic again, which Bybit answers with a snapshot.
 * https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
 *
 * - Snapshots come first after a subscribe, and again at any time ("if there
 *   is a problem on Bybit's end, a snapshot will be re-sent"): each replaces
 *   the book whole. `u` = 1 is a snapshot after a service restart: the same.
 * - Deltas chain on the update id: "in general the id is continuous", so a
 *   delta must carry `u` = the last `u` + 1. A lower or equal `u` was already
 *   applied (a duplicate while two sockets overlap): dropped. A higher one is
 *   a gap: counted, the book invalid and wanting a snapshot, and deltas are
 *   dropped until one comes (nothing to buffer: the snapshot is the book).
 * - Before the first snapshot deltas are dropped: they are relative to a
 *   book we do not have.
 * - No checksum: Bybit publishes none. A depth-N book holds N levels; levels
 *   leaving the top N are deleted by the deltas themselves.
 *
 * `stats.bookUpdates` counts every message that changed the book, snapshots included.
 */
export class BybitBookSync extends ChainedBookSync {
  checkpoint(): BookSyncState | undefined {
    return syncState(this.book, this.stats, 0, {
      synced: this.synced,
      waiting: this.waiting,
      lastU: this.lastId ?? null,
      lastTime: this.lastTime ?? null,
      resyncPending: this.resyncPending,
    });
  }

  restore(state: BookSyncState): void {
    this.reset();
    this.resyncPending = false;
    const seq = checkedState(state, 'bybit', { synced: 'boolean', waiting: 'boolean', lastU: 'number?', lastTime: 'number?', resyncPending: 'boolean' });
    loadLevels(this.book, state);
    restoreStats(this.stats, state.stats);
    this.synced = seq.synced as boolean;
    this.waiting = seq.waiting as boolean;
    this.lastId = seq.lastU === null ? undefined : (seq.lastU as number);
    this.lastTime = seq.lastTime === null ? undefined : (seq.lastTime as number);
    this.resyncPending = seq.resyncPending as boolean;
  }

  protected applySnapshot(snapshot: BookSnapshotEvent): SyncResult {
    this.stats.rejectedLevels += loadSnapshotLevels(this.book, snapshot);
    if (this.book.overflowing()) return this.overflow();
    this.stats.bookUpdates += 1;
    this.synced = true;
    this.waiting = false;
    this.lastId = snapshot.seq.last;
    this.lastTime = snapshot.exchangeTime;
    if (this.resyncPending) {
      this.stats.resyncs += 1;
      this.resyncPending = false;
    }
    return 'applied';
  }

  protected applyDelta(delta: BookDeltaEvent): SyncResult {
    if (!this.synced) return 'dropped';
    const u = delta.seq.last;
    if (u !== undefined && this.lastId !== undefined) {
      if (u <= this.lastId) return 'dropped';
      if (u !== this.lastId + 1) {
        this.stats.sequenceGaps += 1;
        return this.fail();
      }
    }
    this.stats.rejectedLevels += applyDeltaLevels(this.book, delta);
    if (this.book.overflowing()) return this.overflow();
    this.stats.bookUpdates += 1;
    this.lastId = u;
    this.lastTime = delta.exchangeTime;
    return 'applied';
  }

  private overflow(): SyncResult {
    this.stats.levelCapOverflows += 1;
    this.fail();
    this.book.clear();
    return 'resync';
  }

  /** Invalid until the next snapshot, which counts as a resync; the suspect levels stay for inspection. */
  private fail(): SyncResult {
    this.synced = false;
    this.waiting = true;
    this.lastId = undefined;
    this.resyncPending = true;
    return 'resync';
  }
}
