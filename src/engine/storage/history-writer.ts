import { performance } from 'node:perf_hooks';
import type { FeedAlertStep } from '../../shared/core/feed-integrity';
import type { Acknowledgement, Alert, AlertEvent, Instrument } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import type { PipelineListener, SyncEventKind } from '../pipeline/surveillance-pipeline';
import type { HistoryDatabase } from './history-db';
import { HistoryStatements } from './history-statements';
import { RollupBuilder, type RollupCounts } from './rollup-builder';
import { sampleParams } from './sample-row';

/** Feed happenings the feed log keeps: the pipeline's sync events plus connection and worker events. */
export type FeedEventKind = SyncEventKind | 'connect' | 'disconnect' | 'worker_restart';

/** One line of the feed log. */
export interface FeedEventInput {
  readonly time: number;
  readonly venue: string;
  /** `venue:symbol` when the event concerns one instrument. */
  readonly key?: string | null;
  readonly kind: FeedEventKind;
  readonly detail?: string | null;
}

/** What one flush wrote, and the running total of sample rows committed. */
export interface FlushStats {
  readonly samples: number;
  readonly alerts: number;
  readonly alertEvents: number;
  readonly feedEvents: number;
  readonly totalSamples: number;
  /** Samples, alert events and feed events of this flush already stored (a replay run again or resumed): skipped. */
  readonly alreadyStored: number;
}

export interface HistoryWriterOptions {
  /** Pending rows are committed at least this often. Default 1,000 ms: a crash loses at most that much. */
  readonly flushIntervalMs?: number;
  /** Commit early once this many rows wait, to bound transaction size and memory. Default 5,000. */
  readonly maxBatchRows?: number;
  /** Past this many waiting rows (the disk is stuck) the oldest samples are dropped and counted. Default 500,000. */
  readonly maxPendingRows?: number;
  readonly onFlush?: (stats: FlushStats) => void;
  /** features.yaml sampling.interval_ms: the most time one sample stands for in a rollup's time valid. Default 1,000. */
  readonly sampleIntervalMs?: number;
  /** A failed flush; its rows stay queued and are retried on the next one. Default: printed to stderr. */
  readonly onError?: (error: unknown) => void;
  /**
   * Samples dropped because more than `maxPendingRows` waited (the writer
   * cannot keep up: a slow disk, a starved CPU): how many now and how many
   * rows still wait. The live console raises its history alert on it; a
   * drop is never only a count.
   */
  readonly onDrop?: (dropped: number, pending: number) => void;
  /**
   * Commit in slices of about this many ms of work, yielding to the event
   * loop between them, and never inside `onEvaluation`: the live analytics
   * worker's mode, where a boundary's samples must not wait behind the last
   * second's commit (2,500 rows and their rollups are tens of ms). Absent: one
   * transaction per flush, committed where it is due (replay, CLI).
   */
  readonly sliceMs?: number;
  /**
   * How the next slice is scheduled (default `setImmediate`): the live
   * analytics worker holds slices off around a boundary (boundary-guard.ts).
   */
  readonly deferSlice?: (slice: () => void) => void;
}

interface PendingSample {
  readonly instrument: Instrument;
  readonly params: unknown[];
}

/**
 * Batches samples, alerts, the alert audit trail and feed events into one
 * transaction per batch, committed at least once per flush interval and on
 * close. It is a {@link PipelineListener}, so it can be handed straight to
 * the pipeline (live or replay). Writes are synchronous (better-sqlite3),
 * cheaper than a worker round trip; live (`sliceMs`) they are cut into
 * slices of a few ms so that a boundary arriving meanwhile is evaluated
 * after at most one slice, not after a whole second's commit.
 */
export class HistoryWriter implements PipelineListener {
  private readonly statements: HistoryStatements;
  private readonly rollups: RollupBuilder;
  private samples: PendingSample[] = [];
  private alerts: Alert[] = [];
  private events: AlertEvent[] = [];
  private feed: FeedEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private totalSamples = 0;
  private droppedSamples = 0;
  private alreadyStored = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBatchRows: number;
  private readonly maxPendingRows: number;
  private readonly sliceMs: number | null;
  private sliceScheduled = false;

  constructor(
    readonly db: HistoryDatabase,
    private readonly options: HistoryWriterOptions = {},
  ) {
    this.statements = new HistoryStatements(db);
    this.rollups = new RollupBuilder(db, options.sampleIntervalMs ?? 1000);
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBatchRows = options.maxBatchRows ?? 5000;
    this.maxPendingRows = options.maxPendingRows ?? 500_000;
    this.sliceMs = options.sliceMs ?? null;
  }

  /** Queues the sample, the alerts that changed and their audit events. */
  onEvaluation(evaluation: SampleEvaluation, instrument: Instrument): void {
    // A sample that arrives during shutdown, after close, must not throw into the pipeline.
    if (this.closed) {
      this.droppedSamples++;
      return;
    }
    this.samples.push({ instrument, params: sampleParams(evaluation) });
    for (const alert of evaluation.alerts) this.alerts.push(alert);
    for (const event of evaluation.events) this.events.push(event);
    this.queued();
  }

  /** Queues one sample already turned into its INSERT parameters (sample-row.ts), as the history thread receives them. */
  onSampleRow(instrument: Instrument, params: readonly unknown[]): void {
    if (this.closed) {
      this.droppedSamples++;
      return;
    }
    this.samples.push({ instrument, params: params as unknown[] });
    this.queued();
  }

  /**
   * Queues feed-integrity alert transitions and the alerts whose detail changed
   * in substance. Detail that only moved in time (a retry countdown) is not stored.
   */
  onFeedAlerts(step: Pick<FeedAlertStep, 'alerts' | 'events'>): void {
    if (this.closed) return;
    for (const alert of step.alerts) this.alerts.push(alert);
    for (const event of step.events) this.events.push(event);
    this.queued();
  }

  /** Pipeline sync events: `key` is `venue:symbol`, or a venue id for `stale` / `fresh`; `detail` (a deep mismatch's level) goes to feed_events.detail. */
  onSyncEvent(key: string, kind: SyncEventKind, time: number, detail?: string): void {
    const colon = key.indexOf(':');
    const said = detail === undefined ? {} : { detail };
    this.recordFeedEvent(colon < 0 ? { time, venue: key, kind, ...said } : { time, venue: key.slice(0, colon), key, kind, ...said });
  }

  /** Queues a feed log line (connect, disconnect, ...). */
  recordFeedEvent(event: FeedEventInput): void {
    if (this.closed) return;
    this.feed.push(event);
    this.queued();
  }

  /** A feed worker was restarted (it crashed or hung); `detail` says why. */
  recordWorkerRestart(venue: string, time: number, detail?: string): void {
    this.recordFeedEvent({ time, venue, kind: 'worker_restart', detail: detail ?? null });
  }

  /**
   * Records an acknowledgement now: an `acknowledged` audit event and the ack
   * on the alert row. Pass the event the evaluator returned to keep its
   * values; without it the event copies the alert row. Queued rows are
   * committed first so the alert exists. A resolved alert may still be
   * acknowledged (marked reviewed): policy is the caller's. False when no
   * alert has that id.
   */
  acknowledge(alertId: string, ack: Acknowledgement, event?: AlertEvent): boolean {
    this.flush();
    return this.statements.acknowledge(alertId, ack, event);
  }

  /** Starts the periodic flush (done lazily on the first queued row; explicit for clarity). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => (this.sliceMs === null ? this.flushSafely() : this.scheduleSlice()), this.flushIntervalMs);
    // The history writer alone must not keep a finished process alive.
    this.timer.unref();
  }

  /** Commits everything queued in one transaction. Throws if the database refuses; rows stay queued. */
  flush(): FlushStats {
    return this.commit(Infinity);
  }

  /**
   * Commits the queued alerts, audit events and feed events, and samples in
   * queue order until `budgetMs` of work is spent (checked every few rows);
   * the rest stay queued, in order.
   */
  private commit(budgetMs: number): FlushStats {
    const samples = this.samples;
    const alerts = this.alerts;
    const events = this.events;
    const feed = this.feed;
    if (samples.length + alerts.length + events.length + feed.length === 0) {
      return { samples: 0, alerts: 0, alertEvents: 0, feedEvents: 0, totalSamples: this.totalSamples, alreadyStored: 0 };
    }
    const s = this.statements;
    let known = 0;
    let taken = 0;
    const rollups = this.rollups;
    const until = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    try {
      s.transaction(() => {
        known = 0;
        for (taken = 0; taken < samples.length; taken++) {
          if ((taken & 15) === 15 && performance.now() > until) break;
          const row = samples[taken]!;
          const id = s.instrumentId(row.instrument);
          // Only rows stored now go into a rollup: one already stored is already in its minute.
          if (s.insertSampleRow(id, row.params)) rollups.add(id, row.params);
          else known++;
        }
        for (const alert of alerts) s.upsertAlert(alert);
        for (const event of events) if (!s.insertAlertEvent(event)) known++;
        for (const e of feed) if (!s.insertFeedEvent(e)) known++;
      });
    } catch (error) {
      // The open minutes took rows that were rolled back: they are re-seeded from what is stored.
      rollups.reset();
      throw error;
    }
    this.alreadyStored += known;
    // Only after the commit: a failed batch is retried whole.
    this.samples = taken === samples.length ? [] : samples.slice(taken);
    this.alerts = [];
    this.events = [];
    this.feed = [];
    this.totalSamples += taken;
    const stats = {
      samples: taken,
      alerts: alerts.length,
      alertEvents: events.length,
      feedEvents: feed.length,
      totalSamples: this.totalSamples,
      alreadyStored: known,
    };
    this.options.onFlush?.(stats);
    return stats;
  }

  /**
   * Commits queued rows in transactions of about `budgetMs` of work each
   * until none wait or `deadline` (performance.now()) passes, so a stop cut
   * short loses only what was left, not one big transaction. True when all
   * were committed. Throws as {@link flush} does.
   */
  drain(budgetMs: number, deadline: number): boolean {
    while (this.pendingRows() > 0) {
      if (performance.now() > deadline) return false;
      this.commit(budgetMs);
    }
    return true;
  }

  /** Commits what is queued and stops the timer. The database stays open (its owner closes it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }

  /**
   * Rows waiting, samples committed so far, samples dropped (disk did not
   * keep up, bad batch, after close), and rows skipped as already stored.
   */
  get stats(): { pending: number; committedSamples: number; droppedSamples: number; alreadyStored: number; rollups: Readonly<RollupCounts> } {
    return {
      pending: this.pendingRows(),
      committedSamples: this.totalSamples,
      droppedSamples: this.droppedSamples,
      alreadyStored: this.alreadyStored,
      rollups: { ...this.rollups.counts },
    };
  }

  private pendingRows(): number {
    return this.samples.length + this.alerts.length + this.events.length + this.feed.length;
  }

  private queued(): void {
    if (!this.timer) this.start();
    const pending = this.pendingRows();
    if (pending >= this.maxBatchRows) {
      if (this.sliceMs === null) this.flushSafely();
      else this.scheduleSlice();
    }
    if (this.samples.length > this.maxPendingRows) {
      // Samples go first: alerts and the audit trail are what an investigation needs.
      const drop = this.samples.length - this.maxPendingRows;
      this.samples.splice(0, drop);
      this.droppedSamples += drop;
      this.options.onDrop?.(drop, this.pendingRows());
    }
  }

  /** Background mode: one slice now-ish, then the next after the event loop had its turn, until the queue is empty. */
  private scheduleSlice(): void {
    if (this.sliceScheduled || this.closed) return;
    this.sliceScheduled = true;
    (this.options.deferSlice ?? setImmediate)(() => {
      this.sliceScheduled = false;
      if (this.closed) return;
      const ok = this.flushSafely(this.sliceMs!);
      if (ok && this.samples.length > 0) this.scheduleSlice();
    });
  }

  /** False when the commit failed (reported; its rows kept for a retry or dropped). */
  private flushSafely(budgetMs = Infinity): boolean {
    try {
      this.commit(budgetMs);
      return true;
    } catch (error) {
      // A busy, full or failing disk may recover: keep the rows. Anything else
      // (a constraint the rows break) would fail the same way forever.
      const code = (error as { code?: unknown }).code;
      const transient = typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/.test(code);
      if (!transient) this.discardPending();
      if (this.options.onError) this.options.onError(error);
      else process.stderr.write(`history: write failed${transient ? ', will retry' : ', batch dropped'}: ${error instanceof Error ? error.message : String(error)}\n`);
      return false;
    }
  }

  private discardPending(): void {
    this.droppedSamples += this.samples.length;
    this.samples = [];
    this.alerts = [];
    this.events = [];
    this.feed = [];
  }
}
