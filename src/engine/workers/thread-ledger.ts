import type { EngineThreadView, EngineView } from '../../shared/contract';
import type { HistoryThreadStatus } from './history-thread';

/** A worker that died and was started again: shown to the operator and stored. */
export interface WorkerRestart {
  readonly worker: string;
  readonly reason: string;
  readonly time: number;
}

/** What the analytics worker says of itself and its history thread every second (messages.ts `engine_status`). */
export interface AnalyticsStatus {
  readonly heapUsedBytes: number;
  readonly loopDelayMs: number;
  readonly lastBoundary: { readonly time: number; readonly lagMs: number } | null;
  readonly boundaries: { readonly evaluated: number; readonly shed: number; readonly waiting: number };
  readonly history?: HistoryThreadStatus;
}

interface ThreadEntry {
  /** The current instance: running, gone after a crash, or being replaced on purpose (the reason). */
  state: 'running' | 'restarting' | 'planned';
  planned: string | null;
  startedAt: number | null;
  /** The current instance's latest report; null until its first. */
  report: { heapUsedBytes: number; at: number; loopDelayMs: number | null } | null;
  restarts: number;
  lastRestart: WorkerRestart | null;
}

/**
 * The engine's threads as EngineHost sees them (pure: no workers, no
 * clock of its own): each thread's current instance, its latest report,
 * its unplanned restarts. A report belongs to the instance that sent it: a
 * new instance starts with none, so a restarted thread reads "starting",
 * never the old one's age. The history thread lives inside the analytics
 * worker and is known only through its status.
 */
export class ThreadLedger {
  private readonly threads = new Map<string, ThreadEntry>();
  private analytics: AnalyticsStatus | null = null;
  /** History restarts the current analytics worker has reported: a new one counts from 0. */
  private historyRestartsSeen = 0;

  constructor(private readonly options: { readonly history: boolean; readonly intervalMs: number }) {}

  /** A new instance of `thread` started (after a crash, on purpose, or the first). */
  started(thread: string, at: number): void {
    const entry = this.entry(thread);
    entry.state = 'running';
    entry.planned = null;
    entry.startedAt = at;
    entry.report = null;
    if (thread === 'analytics') {
      // A new analytics worker starts a new history thread and reports anew: neither inherits the old one's age.
      this.analytics = null;
      this.historyRestartsSeen = 0;
      if (this.options.history) {
        const history = this.entry('history');
        history.state = 'running';
        history.planned = null;
        history.startedAt = at;
        history.report = null;
      }
    }
  }

  /** The instance is being replaced on purpose (a recording starts, a new selection): not a restart to count. */
  replacing(thread: string, reason: string): void {
    const entry = this.entry(thread);
    entry.state = 'planned';
    entry.planned = reason;
    entry.report = null;
  }

  /** The instance died; its restart is pending. */
  died(restart: WorkerRestart): void {
    const entry = this.entry(restart.worker);
    entry.state = 'restarting';
    entry.planned = null;
    entry.report = null;
    entry.restarts += 1;
    entry.lastRestart = restart;
    if (restart.worker === 'analytics') {
      this.analytics = null;
      this.historyRestartsSeen = 0;
    }
  }

  /** A report of the current instance of `thread` (callers drop a dead instance's late messages). */
  reported(thread: string, heapUsedBytes: number, at: number, loopDelayMs: number | null = null): void {
    const entry = this.entry(thread);
    if (entry.state !== 'running') return;
    entry.report = { heapUsedBytes, at, loopDelayMs };
  }

  /** The current analytics worker's status: its own report, and its history thread's state and restarts. */
  analyticsStatus(status: AnalyticsStatus, at: number): void {
    if (this.entry('analytics').state !== 'running') return;
    this.analytics = status;
    this.reported('analytics', status.heapUsedBytes, at, status.loopDelayMs);
    const history = status.history;
    if (!history) return;
    const entry = this.entry('history');
    // Several restarts between two reports count as several; only the last one's words are known.
    if (history.restarts > this.historyRestartsSeen && history.lastRestart) {
      entry.restarts += history.restarts - this.historyRestartsSeen;
      entry.lastRestart = { worker: 'history', ...history.lastRestart };
      this.historyRestartsSeen = history.restarts;
    }
    entry.state = history.running ? 'running' : 'restarting';
    entry.planned = null;
    entry.startedAt = history.startedAt;
    entry.report = history.running && history.reportedAt !== null ? { heapUsedBytes: history.heapUsedBytes, at: history.reportedAt, loopDelayMs: history.loopDelayMs } : null;
  }

  /** Restarts of `thread` so far. */
  restarts(thread: string): number {
    return this.threads.get(thread)?.restarts ?? 0;
  }

  /**
   * The engine table at `now`: main (alive, since this runs on it), analytics,
   * history (with a history file), and one row per venue's feed worker.
   * History's row is only as fresh as analytics' last status: while analytics
   * is gone its history thread is too.
   */
  view(now: number, main: { readonly heapUsedBytes: number; readonly startedAt: number; readonly loopDelayMs: number | null }, venues: readonly string[]): EngineView {
    const threads: EngineThreadView[] = [
      { ...this.threadView('main'), state: 'running', startedAt: main.startedAt, heapUsedBytes: main.heapUsedBytes, reportedAt: now, loopDelayMs: main.loopDelayMs },
      this.threadView('analytics'),
    ];
    if (this.options.history) {
      const history = this.threadView('history');
      threads.push(this.entry('analytics').state === 'running' ? history : { ...history, state: 'restarting', reportedAt: null, heapUsedBytes: null, loopDelayMs: null });
    }
    for (const venue of [...venues].sort()) threads.push(this.threadView(`feed:${venue}`));
    const status = this.analytics;
    const history = status?.history;
    return {
      time: now,
      intervalMs: this.options.intervalMs,
      threads,
      analytics: status ? { lastBoundary: status.lastBoundary, ...status.boundaries } : null,
      history: history
        ? { pendingRows: history.pendingRows, behindRows: history.behindRows, failures: history.failures, lastError: history.lastError, lastErrorAt: history.lastErrorAt }
        : null,
    };
  }

  private threadView(thread: string): EngineThreadView {
    const entry = this.entry(thread);
    return {
      thread,
      state: entry.state === 'running' ? 'running' : 'restarting',
      planned: entry.state === 'planned' ? entry.planned : null,
      startedAt: entry.startedAt,
      heapUsedBytes: entry.report?.heapUsedBytes ?? null,
      reportedAt: entry.report?.at ?? null,
      loopDelayMs: entry.report?.loopDelayMs ?? null,
      restarts: entry.restarts,
      lastRestart: entry.lastRestart ? { time: entry.lastRestart.time, reason: entry.lastRestart.reason } : null,
    };
  }

  private entry(thread: string): ThreadEntry {
    let entry = this.threads.get(thread);
    if (!entry) this.threads.set(thread, (entry = { state: 'running', planned: null, startedAt: null, report: null, restarts: 0, lastRestart: null }));
    return entry;
  }
}
