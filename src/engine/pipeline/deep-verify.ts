import { DEFAULT_DEEP_VERIFY, type DeepVerifySettings } from '../../shared/config';
import type { BookDeltaEvent, BookSnapshotEvent } from '../../shared/core/model';
import { OrderBook } from '../../shared/core/order-book';
import type { BookSync, SyncResult } from '../venues/venue';
import { describeDifference, firstDepthDifference, snapshotRange, type SnapshotRange } from './deep-compare';

/**
 * Deep verification of a book against the venue's REST snapshot, level by
 * level, at the same sequence point (docs/book-truth.md).
 *
 * Why: since June 2026 OKX's checksum is 0, so a diff with a wrong size or a
 * lost delete, sent with the right seqId, corrupts a book silently. The
 * book-top cross-check (book-truth.ts) sees it while the bad level is at the
 * top; a resync that lands while the venue is still sending bad diffs leaves
 * bad levels that the market then moves away from, deep in the book, where
 * no top-of-book stream can see them.
 *
 * So a book that drifted is on probation: once it is valid again, a
 * `delayMs` later its feed is asked for one more REST snapshot (through the
 * venue's REST budget, like any snapshot), and the answer is compared with
 * the live book as of the snapshot's own seqId:
 *
 * - the live book is at that seqId: compared at once;
 * - behind it (REST came before the socket): the answer is held until the
 *   live book reaches exactly that seqId;
 * - ahead of it: the deltas applied since the verification was due (and
 *   `leadMs` before) are applied to the snapshot, which brings it to the
 *   live book's seqId, and the two are compared.
 *
 * Only the snapshot's range is compared (deep-compare.ts). A match ends the
 * probation. A difference is a deep mismatch: the book is rebuilt from the
 * snapshot it was compared with (no second request), and verified again a
 * `delayMs` later. An answer that cannot be compared (none within
 * `answerTimeoutMs`, or the live sequence passed it) is "unverified" and
 * asked again. At most `tries` verifications per probation; a new drift
 * starts a new probation.
 *
 * Optionally (`auditIntervalMs` > 0) every verifiable book is verified that
 * often, each at its own offset in the interval: a slow, budgeted audit.
 *
 * Only books whose sync says `deepVerifiable` (every update carries the one
 * sequence number REST snapshots are stamped with: OKX seqId) are verified.
 * Time is the receive time of the book's own messages, so a replay of a
 * capture takes the same decisions as the live run that recorded it.
 */
// The settings and their defaults live with the features.yaml schema (`deep_verify`), which states them in seconds.
export { DEFAULT_DEEP_VERIFY, type DeepVerifySettings };

/** What a verification concluded. `rebuild`: the events that rebuild the book from the venue's snapshot, in order. */
export type DeepVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'match' }
  | { readonly kind: 'mismatch'; readonly detail: string; readonly rebuild: readonly (BookSnapshotEvent | BookDeltaEvent)[] }
  | { readonly kind: 'unverified'; readonly detail: string };

const NONE: DeepVerdict = { kind: 'none' };

type Sequenced = BookDeltaEvent & { readonly seq: { readonly last: number; readonly prev: number } };

/** A REST snapshot: seqId without prevSeqId (the OKX mapper's mark of a REST book). */
const isRestSnapshot = (event: BookSnapshotEvent): boolean => event.seq.last !== undefined && event.seq.prev === undefined;

/** Where a book's verification stands. */
type Phase =
  /** Nothing planned: not on probation and no audit. */
  | 'idle'
  /** Planned, but the book is not valid: the next valid book message sets the due time. */
  | 'unscheduled'
  /** Due at `dueAt`; deltas are recorded from `dueAt - leadMs`. */
  | 'scheduled'
  /** The feed is asked for a REST snapshot (`wantsSnapshot`) since `since`. */
  | 'asking'
  /** The answer is ahead of the live book: held until the book reaches its seqId. */
  | 'holding';

/** One book's deep verification: probation after drifts, optional audit, counters. */
export class DeepVerifier {
  /** Snapshots compared with the live book at the same seqId. */
  checks = 0;
  /** Of those, the ones that differed (each rebuilt the book). */
  mismatches = 0;
  /** Verifications that could not be made (no answer in time, sequence passed the answer). */
  unverified = 0;
  /** The last conclusion, and in words what it found (null for a match): the event detail. */
  lastVerdict: 'match' | 'mismatch' | 'unverified' | null = null;
  lastDetail: string | null = null;

  private probation = false;
  private tries = 0;
  private phase: Phase = 'idle';
  private dueAt = 0;
  private since = 0;
  private recording = false;
  private recorded: Sequenced[] = [];
  private held: { readonly snapshot: BookSnapshotEvent; readonly venue: OrderBook; readonly range: SnapshotRange } | null = null;
  /** The first audit of this book is this far into its interval (spreads the books' requests). */
  private auditOffset: number;

  constructor(
    private readonly settings: DeepVerifySettings = DEFAULT_DEEP_VERIFY,
    auditOffsetMs = 0,
  ) {
    this.auditOffset = auditOffsetMs;
    if (settings.auditIntervalMs > 0) this.phase = 'unscheduled';
  }

  /** On probation: drifted, not yet verified since. */
  get onProbation(): boolean {
    return this.probation;
  }

  /** The feed should fetch a REST snapshot of this book for a verification. */
  get wantsSnapshot(): boolean {
    return this.phase === 'asking';
  }

  /** A sustained drift forced a resync: verify the rebuilt book (new drift, new probation). */
  startProbation(): void {
    this.probation = true;
    this.tries = 0;
    this.unschedule();
  }

  /**
   * Before a book message is applied. The REST answer to an ask is taken
   * here: `consumed` true means it must not reach the sync (the verdict
   * says what it showed); false lets the sync apply it as it would anyway.
   */
  takeSnapshot(event: BookSnapshotEvent, sync: BookSync, time: number): { readonly consumed: boolean; readonly verdict: DeepVerdict } {
    if (this.phase !== 'asking' || !sync.valid || !isRestSnapshot(event)) return { consumed: false, verdict: NONE };
    const seq = event.seq.last!;
    const at = sync.lastUpdateId;
    if (at === undefined) return { consumed: false, verdict: this.unverify(time, 'the book carries no seqId') };
    const venue = new OrderBook();
    venue.applySnapshot(event.bids, event.asks);
    const range = snapshotRange(event);
    if (seq === at) return { consumed: true, verdict: this.compare(sync, venue, range, [event], time) };
    if (seq > at) {
      this.held = { snapshot: event, venue, range };
      this.phase = 'holding';
      this.since = time;
      return { consumed: true, verdict: NONE };
    }
    // Older than the live book: bring the snapshot forward with the deltas recorded since.
    const start = this.recorded.findIndex((d) => d.seq.prev === seq);
    const tail = start < 0 ? [] : this.recorded.slice(start);
    if (tail.length === 0 || tail[tail.length - 1]!.seq.last !== at) {
      // Let the sync see it: it drops a snapshot older than its book, as before.
      return { consumed: false, verdict: this.unverify(time, `snapshot seqId ${seq} older than the deltas recorded (book at ${at})`) };
    }
    for (const delta of tail) {
      venue.applyLevels('bid', delta.bids);
      venue.applyLevels('ask', delta.asks);
    }
    return { consumed: true, verdict: this.compare(sync, venue, range, [event, ...tail], time) };
  }

  /** After a book message went to the sync (whatever it made of it). */
  afterBook(event: BookSnapshotEvent | BookDeltaEvent, result: SyncResult, sync: BookSync, time: number): DeepVerdict {
    if (!sync.valid) {
      // Thrown away (gap, disconnect, drift): whatever was due is planned again once it is valid.
      if (this.phase === 'scheduled' || this.phase === 'asking' || this.phase === 'holding') this.unschedule();
      return NONE;
    }
    if (this.recording && result === 'applied' && event.type === 'book_delta' && event.seq.last !== undefined && event.seq.prev !== undefined) {
      if (this.recorded.length >= this.settings.maxRecorded) this.recorded.shift();
      this.recorded.push(event as Sequenced);
    }
    switch (this.phase) {
      case 'idle':
        return NONE;
      case 'unscheduled':
        this.schedule(time);
        return NONE;
      case 'scheduled':
        if (time >= this.dueAt - this.settings.leadMs) this.recording = true;
        if (time >= this.dueAt) {
          this.phase = 'asking';
          this.since = time;
        }
        return NONE;
      case 'asking':
        if (time - this.since <= this.settings.answerTimeoutMs) return NONE;
        return this.unverify(time, `no REST snapshot within ${this.settings.answerTimeoutMs} ms`);
      case 'holding': {
        const held = this.held!;
        const seq = held.snapshot.seq.last!;
        const at = sync.lastUpdateId;
        if (at === seq) return this.compare(sync, held.venue, held.range, [held.snapshot], time);
        if (at === undefined || at > seq) return this.unverify(time, `the book passed snapshot seqId ${seq} without reaching it (now ${at ?? 'unknown'})`);
        if (time - this.since <= this.settings.answerTimeoutMs) return NONE;
        return this.unverify(time, `the book did not reach snapshot seqId ${seq} within ${this.settings.answerTimeoutMs} ms (at ${at})`);
      }
    }
  }

  private compare(sync: BookSync, venue: OrderBook, range: SnapshotRange, rebuild: readonly (BookSnapshotEvent | BookDeltaEvent)[], time: number): DeepVerdict {
    this.checks += 1;
    const difference = firstDepthDifference(sync.book, venue, range);
    if (difference === null) {
      this.lastVerdict = 'match';
      this.lastDetail = null;
      this.probation = false;
      this.tries = 0;
      this.unschedule();
      this.schedule(time);
      return { kind: 'match' };
    }
    this.mismatches += 1;
    const detail = `deep mismatch with the REST snapshot at seqId ${rebuild[0]!.seq.last}: ${describeDifference(difference)}`;
    this.lastVerdict = 'mismatch';
    this.lastDetail = detail;
    // A mismatch found by an audit is a drift too: on probation from here.
    if (!this.probation) this.tries = 0;
    this.probation = true;
    this.endTry();
    return { kind: 'mismatch', detail, rebuild };
  }

  private unverify(time: number, why: string): DeepVerdict {
    this.unverified += 1;
    const detail = `deep verification not made: ${why}`;
    this.lastVerdict = 'unverified';
    this.lastDetail = detail;
    this.endTry();
    this.schedule(time);
    return { kind: 'unverified', detail };
  }

  /** One verification of the probation is over; past `tries` the probation ends (the counters say how). */
  private endTry(): void {
    if (this.probation) {
      this.tries += 1;
      if (this.tries >= this.settings.tries) {
        this.probation = false;
        this.tries = 0;
      }
    }
    this.unschedule();
  }

  /** Forgets the current plan; the next valid book message makes a new one. */
  private unschedule(): void {
    this.phase = this.probation || this.settings.auditIntervalMs > 0 ? 'unscheduled' : 'idle';
    this.recording = false;
    this.recorded = [];
    this.held = null;
  }

  /** Plans the next verification from `time` when the book is valid: probation first, else the audit. */
  private schedule(time: number): void {
    if (this.phase !== 'unscheduled') return;
    if (this.probation) this.dueAt = time + this.settings.delayMs;
    else if (this.settings.auditIntervalMs > 0) {
      this.dueAt = time + this.settings.auditIntervalMs - this.auditOffset;
      this.auditOffset = 0;
    } else {
      this.phase = 'idle';
      return;
    }
    this.phase = 'scheduled';
    if (this.settings.leadMs >= this.dueAt - time) this.recording = true;
  }
}

/**
 * Rebuilds a book from the venue's snapshot a verification was made with
 * (and the deltas recorded after it): thrown away, then the snapshot and the
 * deltas through the sync's own rules. True when the sync counted it a resync.
 */
export function rebuildBook(sync: BookSync, rebuild: readonly (BookSnapshotEvent | BookDeltaEvent)[]): boolean {
  const resyncs = sync.stats.resyncs;
  sync.invalidate();
  for (const event of rebuild) sync.apply(event);
  return sync.stats.resyncs > resyncs;
}

/** Each book's first audit at its own point of the interval, from its key: the same in a replay. */
export function deepAuditOffset(key: string, intervalMs: number): number {
  if (intervalMs <= 0) return 0;
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % intervalMs;
}
