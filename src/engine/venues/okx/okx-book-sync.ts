import { trimBufferByAge } from '../pre-snapshot-buffer';
import type { BookDeltaEvent, BookSnapshotEvent } from '../../../shared/core/model';
import { hasNoLevels } from '../../decode/numeric-book-message';
import { applyDeltaLevels, checkedState, loadLevels, loadSnapshotLevels, restoreStats, syncState } from '../book-sync-state';
import { ChainedBookSync } from '../chained-book-sync';
import type { BookSyncState, SyncResult } from '../venue';
import { okxBookChecksum } from './okx-checksum';

/**
 * Most updates held while waiting for a snapshot; the oldest go first. A
 * snapshot that would need a dropped update is too old anyway, so dropping
 * them only bounds memory when no snapshot ever comes.
 */
export const OKX_MAX_BUFFERED_UPDATES = 10_000;

/** An update that carries both OKX sequence numbers (2022+ protocol). */
type Sequenced = BookDeltaEvent & { readonly seq: { readonly last: number; readonly prev: number } };

const isSequenced = (event: BookDeltaEvent): event is Sequenced =>
  event.seq.last !== undefined && event.seq.prev !== undefined;

/**
 * `seqId < prevSeqId`: OKX renumbers the sequence after maintenance. The docs
 * call it a reset, not a loss, so we accept the message and carry on from
 * the new seqId rather than resyncing every book after each upgrade.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 */
const isReset = (event: Sequenced): boolean => event.seq.last < event.seq.prev;

/** `prevSeqId == seqId` and no levels: OKX's keepalive for a book that did not change. */
const isKeepalive = (event: Sequenced): boolean =>
  event.seq.prev === event.seq.last && hasNoLevels(event);

/**
 * OKX v5 `books` sync rules for one instrument. Pure state machine: it never
 * fetches, a live feed watches `wantsSnapshot`.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 *
 * - Snapshots: a socket `snapshot` (older recordings, the simulator) replaces
 *   the book. Since 2026 `books` may start with updates only: they are
 *   buffered and the book is built from a REST `market/books` snapshot aligned
 *   on seqId: buffered updates with seqId <= the snapshot's are dropped, the
 *   first one applied must have prevSeqId <= the snapshot's seqId (else the
 *   snapshot is too old and we wait for a newer one), the rest apply in order.
 *   The first live update after a REST snapshot is aligned the same way;
 *   after a socket snapshot (which sends prevSeqId -1) the chain is strict.
 * - Sequence (when both seqId and prevSeqId are present; the older protocol,
 *   like the real 2022 recording, has neither and skips these checks): each
 *   prevSeqId must equal the previous seqId, else a gap; a keepalive
 *   (`prevSeqId == seqId`, no levels) is dropped; `seqId < prevSeqId` is a
 *   reset after maintenance, accepted.
 * - Checksum: every message with a non-zero checksum (0 = none: OKX fixed the
 *   field at 0 in June 2026) is checked after applying it.
 * - A gap or a checksum mismatch marks the book invalid and wants a snapshot;
 *   the book keeps its last (suspect) levels for inspection but takes no
 *   updates until a snapshot rebuilds it, which counts a resync.
 *
 * `stats.bookUpdates` counts every message that changed the book, snapshots
 * included; `lastId` is the seqId of the last message applied, undefined when
 * unknown (older protocol, after a resync).
 */
export class OkxBookSync extends ChainedBookSync {
  /** True between a REST snapshot and the first update applied on top of it. */
  private aligning = false;
  /** Sequenced updates held until a snapshot can be aligned with them. */
  private buffer: Sequenced[] = [];
  /** A message with a seqId was applied: the book follows `books` (not `books5`, not the unsequenced older protocol). */
  private sequenced = false;

  /**
   * One seqId per update, the numbers REST `market/books` is stamped with, so
   * deep verification can align on it: true once a message with a seqId was
   * applied. A `books5` book (whole in every push, no seqId, no REST) never is.
   */
  get deepVerifiable(): boolean {
    return this.sequenced;
  }

  /** How many updates are held for the next snapshot. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /** Forgets the book (disconnect, stale feed), and the updates held for a snapshot, and waits for a new snapshot. */
  override reset(): void {
    super.reset();
    this.aligning = false;
    this.buffer = [];
  }

  /** The whole state (docs/seek.md, book-state checkpoints); undefined while updates are held for a snapshot. */
  checkpoint(): BookSyncState | undefined {
    return syncState(this.book, this.stats, this.buffer.length, {
      synced: this.synced,
      waiting: this.waiting,
      lastSeq: this.lastId ?? null,
      aligning: this.aligning,
      resyncPending: this.resyncPending,
      lastTime: this.lastTime ?? null,
      sequenced: this.sequenced,
    });
  }


  /** Back to a checkpoint's state exactly: levels, `seqId`, alignment, validity, counters. */
  restore(state: BookSyncState): void {
    this.reset();
    this.resyncPending = false;
    this.sequenced = false;
    const seq = checkedState(state, 'okx', { synced: 'boolean', waiting: 'boolean', lastSeq: 'number?', aligning: 'boolean', resyncPending: 'boolean', lastTime: 'number?', sequenced: 'boolean' });
    loadLevels(this.book, state);
    restoreStats(this.stats, state.stats);
    this.synced = seq.synced as boolean;
    this.waiting = seq.waiting as boolean;
    this.lastId = seq.lastSeq === null ? undefined : (seq.lastSeq as number);
    this.aligning = seq.aligning as boolean;
    this.resyncPending = seq.resyncPending as boolean;
    this.lastTime = seq.lastTime === null ? undefined : (seq.lastTime as number);
    this.sequenced = seq.sequenced as boolean;
  }

  protected applySnapshot(snapshot: BookSnapshotEvent): SyncResult {
    const snapSeq = snapshot.seq.last;
    // A REST snapshot fetched late can be older than a book already in sequence: keep the book.
    if (this.synced && snapSeq !== undefined && this.lastId !== undefined && snapSeq < this.lastId) return 'dropped';

    let pending: Sequenced[] = [];
    if (snapSeq !== undefined) {
      pending = this.buffer.filter((update) => update.seq.last > snapSeq);
      const first = pending[0];
      if (first !== undefined && first.seq.prev > snapSeq && !isReset(first)) {
        // Updates between the snapshot and the buffer are missing: too old, wait for a newer one.
        this.buffer = pending;
        return 'dropped';
      }
    }
    // An unsequenced snapshot (socket snapshot of the older protocol) comes in
    // stream order: whatever was buffered before it is older, and is dropped.
    this.buffer = [];

    // Levels the hot decoder read as numbers go in as numbers (decode/numeric-book-message.ts).
    this.stats.rejectedLevels += loadSnapshotLevels(this.book, snapshot);
    if (this.book.overflowing()) return this.overflow();
    this.stats.bookUpdates += 1;
    if (!this.checksumOk(snapshot.checksum)) return this.fail();
    this.synced = true;
    this.waiting = false;
    this.lastId = snapSeq;
    this.lastTime = snapshot.exchangeTime;
    if (snapSeq !== undefined) this.sequenced = true;
    // Only a REST snapshot (seqId without prevSeqId: see the mapper) may be
    // straddled by the first update; after a socket snapshot (prevSeqId -1)
    // the next update must chain on it exactly.
    this.aligning = snapSeq !== undefined && snapshot.seq.prev === undefined;
    if (this.resyncPending) {
      this.stats.resyncs += 1;
      this.resyncPending = false;
    }
    for (const update of pending) {
      if (this.applyDelta(update) === 'resync') return 'resync';
    }
    return this.synced ? 'applied' : 'resync';
  }

  protected applyDelta(delta: BookDeltaEvent): SyncResult {
    const sequenced = isSequenced(delta);
    if (!this.synced) {
      // Without seqIds nothing can be aligned: the older protocol's socket snapshot will replace the book.
      return sequenced ? this.hold(delta) : 'dropped';
    }
    if (!sequenced) {
      this.lastId = undefined;
    } else if (this.lastId !== undefined && !isReset(delta)) {
      const { last, prev } = delta.seq;
      if (this.aligning) {
        if (last <= this.lastId) return 'dropped'; // already in the snapshot (or a keepalive)
        if (prev > this.lastId) {
          // The snapshot predates this update's predecessor: too old, not a gap in the stream.
          this.fail(false);
          return this.hold(delta);
        }
      } else if (prev !== this.lastId) {
        this.stats.sequenceGaps += 1;
        this.fail();
        // Newer than anything we have: keep it for the REST snapshot the feed will fetch.
        this.hold(delta);
        return 'resync';
      } else if (isKeepalive(delta)) {
        return 'dropped';
      }
    }

    this.stats.rejectedLevels += applyDeltaLevels(this.book, delta);
    if (this.book.overflowing()) return this.overflow();
    this.stats.bookUpdates += 1;
    this.aligning = false;
    if (sequenced) {
      this.lastId = delta.seq.last;
      this.sequenced = true;
    }
    this.lastTime = delta.exchangeTime;
    if (!this.checksumOk(delta.checksum)) return this.fail();
    return 'applied';
  }

  /** Buffers a sequenced update while no snapshot is in place. */
  private hold(update: Sequenced): SyncResult {
    if (isKeepalive(update)) return 'dropped';
    const tail = this.buffer[this.buffer.length - 1];
    if (isReset(update)) {
      // Pre-reset numbers cannot be aligned with a post-reset snapshot.
      this.buffer = [];
    } else if (tail !== undefined && update.seq.prev !== tail.seq.last) {
      // A hole inside the buffer: only a snapshot newer than it can help, so the older part is useless.
      this.stats.sequenceGaps += 1;
      this.buffer = [];
    }
    trimBufferByAge(this.buffer, update.receiveTime);
    if (this.buffer.length >= OKX_MAX_BUFFERED_UPDATES) this.buffer.splice(0, this.buffer.length - OKX_MAX_BUFFERED_UPDATES + 1);
    this.buffer.push(update);
    this.waiting = true;
    return 'buffered';
  }

  /** Checks a message's checksum against the book; 0 or absent means none was sent. */
  private checksumOk(checksum: number | undefined): boolean {
    if (checksum === undefined || checksum === 0) return true;
    this.stats.checksumChecks += 1;
    if (okxBookChecksum(this.book) === checksum) return true;
    this.stats.checksumFailures += 1;
    return false;
  }

  /** A message took a side past the level cap: drop the book (its memory is the point) and resync. */
  private overflow(): SyncResult {
    this.stats.levelCapOverflows += 1;
    this.fail();
    this.book.clear();
    return 'resync';
  }

  /** Marks the book invalid and wants a snapshot; `resync` false for a too-old snapshot (no failure to count). */
  private fail(resync = true): SyncResult {
    this.synced = false;
    this.waiting = true;
    this.lastId = undefined;
    this.aligning = false;
    this.buffer = [];
    if (resync) this.resyncPending = true;
    return 'resync';
  }
}
