import type { Worker } from 'node:worker_threads';
import type { FeedAlertStep } from '../../shared/core/feed-integrity';
import type { Acknowledgement, AlertEvent, Instrument } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import type { SyncEventKind } from '../pipeline/surveillance-pipeline';
import { sampleParams } from '../storage/sample-row';
import { spawnWorker } from '../threads/spawn-worker';
import { workerErrorText } from '../threads/worker-error';
import { LoopDelay } from '../threads/loop-delay';
import type { HistoryCommand, HistoryReport, HistoryWorkerData } from './history-protocol';

const HISTORY_ENTRY = new URL(`./history-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
/** A crashed history thread is started again after this long, doubling while it keeps dying young, up to the longest. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that ran this long before dying starts its next restart from the shortest delay again. */
const RESTART_RESET_MS = 60_000;
/**
 * A thread that has rows waiting in its port and has not reported for this
 * long is stuck (a disk that does not answer): counted as a failure every
 * second it stays so, so the history alert fires within seconds, not when
 * the rows in flight reach their cap.
 */
const UNRESPONSIVE_MS = 3_000;
/** Calls of the stuck check this much further apart than a sampling interval mean the caller itself was held up. */
const CHECK_GAP_MS = 1_000;
/** This thread's own timers this late mean it has just come out of a block, its port not yet read. */
const AWAY_MS = 250;
/** A stop waits this long for the last commit and the sync's batch (the engine host gives the analytics worker 5 s). */
const STOP_TIMEOUT_MS = 4_000;
/**
 * Sample rows posted and not yet taken by the thread, at most: a minute of
 * the whole market (2,500 instruments a second). A thread stuck in a write
 * takes nothing from its port, which would otherwise grow for as long as the
 * disk is stuck; past this the boundary's samples are dropped and counted
 * (the history alert says so), its alerts and audit events still sent.
 */
export const MAX_ROWS_IN_FLIGHT = 150_000;

/** The thread's state as the analytics worker sees it, sent to main with its own status. */
export interface HistoryThreadStatus {
  /** False between a crash and its restart. */
  readonly running: boolean;
  /** When the running thread started (epoch ms). */
  readonly startedAt: number;
  /** Epoch ms of the running thread's latest report (it reports every second); null until its first. */
  readonly reportedAt: number | null;
  readonly heapUsedBytes: number;
  /** Its worst event-loop delay since the last status, ms; null before its first report. */
  readonly loopDelayMs: number | null;
  /** Rows it holds, not yet committed. */
  readonly pendingRows: number;
  /** Rows posted that it had not taken from its port when it last reported. */
  readonly behindRows: number;
  readonly failures: number;
  readonly lastError: string | null;
  /** When the last error was seen (epoch ms); null when none was. */
  readonly lastErrorAt: number | null;
  /** Crashes of it, restarted, since this analytics worker started it. */
  readonly restarts: number;
  readonly lastRestart: { readonly time: number; readonly reason: string } | null;
}

/**
 * The analytics worker's side of the history thread (history-worker.ts):
 * each boundary's rows reduced to their INSERT parameters and posted once
 * its alerts are out; failed writes, dropped rows and a thread that died
 * counted here, where the engine's history alert reads them. A crashed
 * thread is restarted (an engine worker restart, alerted); what it had not
 * committed and what came while it was down is lost and counted.
 */
export class HistoryThread {
  private worker: Worker | null = null;
  /** The instrument last sent per key: a row's instrument crosses only when new or changed. */
  private readonly sent = new Map<string, Instrument>();
  private reported = { failures: 0, lastError: null as string | null, pending: 0, received: 0, heapUsedBytes: 0 };
  /** Sample rows posted to the running thread so far. */
  private posted = 0;
  /** Failures and lost rows of threads that died, beside what the running one reported. */
  private ownFailures = 0;
  /** The latest failure in words, whichever side saw it. */
  private latestError: string | null = null;
  /** When {@link latestError} was seen (epoch ms). */
  private latestErrorAt: number | null = null;
  private lost = 0;
  private stopping = false;
  private stopped: (() => void) | null = null;
  /** When the running thread last reported (epoch ms); null until its first report. */
  private lastReportAt: number | null = null;
  /**
   * Where the stuck check's window starts: the latest report, the thread's
   * start, or the end of a spell when this side was held up itself (its
   * reports then waited unread in its port). Never shown as a report time.
   */
  private quietSince = Date.now();
  /** When a stuck thread was last counted (epoch ms). */
  private stuckCountedAt = -Infinity;
  /** When {@link checkResponsive} last ran: a gap in its calls is this thread's own absence, not the history thread's. */
  private checkedAt = -Infinity;
  private startedAt = Date.now();
  private restartDelayMs = RESTART_DELAY_MS;
  private restartCount = 0;
  /** This (the analytics) thread's own timers: late ones mean it was held up, not the history thread. */
  private readonly ownLoop: LoopDelay;
  /** The worst loop delay the running thread reported since {@link status} was last read; null when none came since. */
  private loopDelayMs: number | null = null;
  /** The one before, shown when no report came in a status's window (not an invented 0). */
  private lastLoopDelayMs: number | null = null;
  private latestRestart: { readonly time: number; readonly reason: string } | null = null;

  constructor(
    private readonly data: HistoryWorkerData,
    /** The thread died and is being restarted: `reason` in words (an engine worker restart). */
    private readonly onRestart: (reason: string) => void,
    private readonly limits: {
      readonly maxRowsInFlight?: number;
      readonly unresponsiveMs?: number;
      /** The calling thread's loop-delay probe, when it has one (the analytics worker's); else one of its own. */
      readonly ownLoop?: LoopDelay;
    } = {},
  ) {
    this.ownLoop = limits.ownLoop ?? new LoopDelay();
    this.start();
  }

  /** Failed writes, dropped rows and dead threads so far: the engine's history alert counts them. */
  get failures(): number {
    return this.reported.failures + this.ownFailures;
  }

  get lastError(): string | null {
    return this.latestError;
  }

  /** The thread's V8 heap in use, as it last reported. */
  get heapUsedBytes(): number {
    return this.reported.heapUsedBytes;
  }

  /** Sample rows posted that the thread had not taken from its port when it last reported. */
  get behind(): number {
    return this.posted - this.reported.received;
  }

  /** Rows waiting in the thread, as it last reported. */
  get pending(): number {
    return this.reported.pending;
  }

  /** What the console's engine table shows of this thread (contract.ts `EngineView.history`). */
  status(): HistoryThreadStatus {
    return {
      running: this.worker !== null,
      startedAt: this.startedAt,
      reportedAt: this.lastReportAt,
      heapUsedBytes: this.reported.heapUsedBytes,
      loopDelayMs: this.takeLoopDelay(),
      pendingRows: this.reported.pending,
      behindRows: this.worker ? Math.max(0, this.behind) : 0,
      failures: this.failures,
      lastError: this.latestError,
      lastErrorAt: this.latestErrorAt,
      restarts: this.restartCount,
      lastRestart: this.latestRestart,
    };
  }

  /** One boundary's evaluations (in any order) and their instruments; posted as one message. */
  boundary(time: number, evaluations: readonly SampleEvaluation[], instrumentOf: (index: number) => Instrument): void {
    const behind = this.behind;
    if (this.worker && behind + evaluations.length > (this.limits.maxRowsInFlight ?? MAX_ROWS_IN_FLIGHT)) {
      this.lose(evaluations.length, `the history thread is ${behind} rows behind (a stuck disk?)`);
      const alerts = evaluations.flatMap((e) => e.alerts);
      const events = evaluations.flatMap((e) => e.events);
      this.post({ type: 'boundary', time, instruments: [], keys: [], params: [], alerts, events }, 0);
      return;
    }
    const instruments: [string, Instrument][] = [];
    const keys = new Array<string>(evaluations.length);
    const params = new Array<unknown[]>(evaluations.length);
    const alerts = [];
    const events = [];
    for (let i = 0; i < evaluations.length; i++) {
      const evaluation = evaluations[i]!;
      const key = evaluation.sample.key;
      const instrument = instrumentOf(i);
      if (this.sent.get(key) !== instrument) {
        this.sent.set(key, instrument);
        instruments.push([key, instrument]);
      }
      keys[i] = key;
      params[i] = sampleParams(evaluation);
      for (const alert of evaluation.alerts) alerts.push(alert);
      for (const event of evaluation.events) events.push(event);
    }
    this.post({ type: 'boundary', time, instruments, keys, params, alerts, events }, evaluations.length);
  }

  /**
   * Counts a thread that has rows waiting and has not reported for a while
   * as failing, once a second while it stays so (the caller asks at each
   * boundary, before it reads {@link failures}).
   */
  checkResponsive(now: number): void {
    const away = this.ownLoop.sinceTickMs() > AWAY_MS || now - this.checkedAt > this.data.config.features.sampling.intervalMs + CHECK_GAP_MS;
    this.checkedAt = now;
    // This thread was held up itself (its reports wait unread in its port): the history thread gets a fresh window.
    if (away) this.quietSince = Math.max(this.quietSince, now);
    if (!this.worker || this.behind <= 0) return;
    const silentMs = now - this.quietSince;
    if (silentMs < (this.limits.unresponsiveMs ?? UNRESPONSIVE_MS) || now - this.stuckCountedAt < 1_000) return;
    this.stuckCountedAt = now;
    this.ownFailures += 1;
    this.noteError(`the history thread has not answered for ${(silentMs / 1000).toFixed(0)} s with ${this.behind} rows waiting for it (a stuck disk?)`);
  }

  /** Read by each status (every second): the window starts again, a report's figure kept until then. */
  private takeLoopDelay(): number | null {
    if (this.loopDelayMs === null) return this.lastLoopDelayMs;
    this.lastLoopDelayMs = this.loopDelayMs;
    this.loopDelayMs = null;
    return this.lastLoopDelayMs;
  }

  private noteError(text: string | null): void {
    this.latestError = text;
    this.latestErrorAt = Date.now();
  }

  /** Samples not stored, and why: a failure the history alert counts. */
  private lose(samples: number, why: string): void {
    this.lost += samples;
    this.ownFailures += 1;
    this.noteError(`${why}: ${this.lost} samples lost unwritten`);
  }

  feedAlerts(step: Pick<FeedAlertStep, 'alerts' | 'events'>): void {
    if (step.alerts.length > 0 || step.events.length > 0) this.post({ type: 'feed_alerts', alerts: step.alerts, events: step.events }, 0);
  }

  syncEvent(key: string, kind: SyncEventKind, time: number, detail?: string): void {
    this.post({ type: 'sync_event', key, kind, time, ...(detail === undefined ? {} : { detail }) }, 0);
  }

  acknowledge(alertId: string, ack: Acknowledgement, event: AlertEvent): void {
    this.post({ type: 'acknowledge', alertId, ack, event }, 0);
  }

  captureLog(entry: Omit<Extract<HistoryCommand, { type: 'capture_log' }>, 'type'>): void {
    this.post({ type: 'capture_log', ...entry }, 0);
  }

  workerRestart(worker: string, time: number, reason: string): void {
    this.post({ type: 'worker_restart', worker, time, reason }, 0);
  }

  /** Tests: blocks the thread for `ms`, as a stuck disk would, or makes it fail as a bug would. */
  test(command: Extract<HistoryCommand, { type: 'stall' | 'crash' }>): void {
    this.worker?.postMessage(command);
  }

  /** Everything posted is committed (or the timeout passed), then the thread is gone. */
  stop(): Promise<void> {
    this.stopping = true;
    // A probe the caller lent stays the caller's to stop.
    if (!this.limits.ownLoop) this.ownLoop.stop();
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        process.stderr.write(`history: the history thread had not committed all it was sent ${STOP_TIMEOUT_MS / 1000} s into the stop: ended; its last uncommitted rows are lost\n`);
        void worker.terminate();
      }, STOP_TIMEOUT_MS);
      this.stopped = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'stop' } satisfies HistoryCommand);
    });
  }

  private post(command: HistoryCommand, samples: number): void {
    if (this.worker) {
      this.worker.postMessage(command);
      this.posted += samples;
    } else if (this.stopping) return;
    else if (samples > 0) this.lose(samples, 'the history thread was restarting');
    else {
      this.ownFailures += 1;
      this.noteError(`the history thread was restarting: a ${command.type.replace('_', ' ')} message was not stored`);
    }
  }

  private start(): void {
    const worker = spawnWorker(HISTORY_ENTRY, this.data);
    this.worker = worker;
    this.sent.clear();
    this.posted = 0;
    this.startedAt = this.quietSince = Date.now();
    this.lastReportAt = null;
    this.loopDelayMs = this.lastLoopDelayMs = null;
    worker.on('message', (report: HistoryReport) => {
      if (this.worker !== worker) return;
      this.lastReportAt = this.quietSince = Date.now();
      if (report.loopDelayMs !== undefined) this.loopDelayMs = Math.max(this.loopDelayMs ?? 0, report.loopDelayMs);
      if (report.failures > this.reported.failures) this.noteError(report.lastError ?? `${report.failures - this.reported.failures} history writes failed (no words given)`);
      this.reported = report;
    });
    worker.on('error', (error) => this.onExit(worker, `error: ${workerErrorText(error)}`));
    worker.on('exit', (code) => this.onExit(worker, `exit code ${code}`));
  }

  private onExit(worker: Worker, reason: string): void {
    if (this.stopping) {
      if (this.worker === worker) {
        this.worker = null;
        this.stopped?.();
      }
      return;
    }
    if (this.worker !== worker) return;
    this.worker = null;
    void worker.terminate();
    // What the dead thread had reported stays counted.
    this.ownFailures += this.reported.failures + 1;
    this.noteError(`history thread stopped (${reason}): restarted; rows it had not committed are lost`);
    this.reported = { failures: 0, lastError: null, pending: 0, received: 0, heapUsedBytes: 0 };
    process.stderr.write(`history: ${this.latestError}\n`);
    this.onRestart(`history thread: ${reason}`);
    const time = Date.now();
    this.restartCount += 1;
    this.latestRestart = { time, reason };
    // A thread that cannot start (a file it cannot open) is not restarted every second for ever.
    this.restartDelayMs = time - this.startedAt >= RESTART_RESET_MS ? RESTART_DELAY_MS : Math.min(MAX_RESTART_DELAY_MS, this.restartDelayMs * 2);
    setTimeout(() => {
      if (this.stopping) return;
      this.start();
      // The feed log keeps it with the other worker restarts.
      this.workerRestart('history', time, reason);
    }, this.restartDelayMs).unref();
  }
}
