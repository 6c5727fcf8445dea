import type { EngineThreadView, EngineView } from '../../../shared/contract';
import { formatAge, formatBytes, formatClock, formatLag, plural } from '../format/format';

/**
 * Threads report every second: one silent for this long is stuck (a loop
 * that never yields, a disk that does not answer) or its reports no longer
 * reach this console. The engine's own alerts see the first; only the
 * screen can show the second.
 */
export const THREAD_SILENT_MS = 3_000;
/** A history error this recent is shown in red; an older one stays on screen, muted, with its time. */
export const RECENT_ERROR_MS = 60_000;
/** Analytics evaluating a boundary this late is behind the market (boundaries are a second apart). */
export const ANALYTICS_BEHIND_MS = 2_000;

export type ThreadState = 'running' | 'restarting' | 'silent';

/** One row of the engine table, in words. */
export interface EngineThreadRow {
  readonly thread: string;
  readonly state: ThreadState;
  readonly stateText: string;
  readonly heap: string;
  readonly restarts: number;
  /** `12:03:04Z exit code 1`: when and why; blank when it never restarted. */
  readonly lastRestart: string;
  /** What the thread has not done yet: analytics' lag and queue, history's unwritten rows; blank for the others. */
  readonly backlog: string;
  readonly backlogWarn: boolean;
  readonly detail: string;
  readonly detailWarn: boolean;
}

/**
 * The engine table's rows at `now` (engine clock, epoch ms): a thread whose
 * last report is older than {@link THREAD_SILENT_MS} reads as silent for
 * that long, whatever state it last reported.
 */
export function engineThreadRows(view: EngineView, now: number): EngineThreadRow[] {
  return view.threads.map((t) => {
    const silentFor = t.reportedAt === null ? null : now - t.reportedAt;
    const state: ThreadState = t.state === 'restarting' ? 'restarting' : silentFor !== null && silentFor >= THREAD_SILENT_MS ? 'silent' : 'running';
    const stateText =
      state === 'silent' ? `no report for ${formatAge(silentFor)}` : state === 'running' && t.reportedAt === null ? 'starting' : state;
    const { backlog, backlogWarn, detail, detailWarn } = threadWork(t, view, now);
    return {
      thread: t.thread,
      state,
      stateText,
      heap: t.heapUsedBytes === null ? '–' : formatBytes(t.heapUsedBytes),
      restarts: t.restarts,
      lastRestart: t.lastRestart ? `${formatClock(t.lastRestart.time)}Z ${t.lastRestart.reason}` : '',
      backlog,
      backlogWarn,
      detail,
      detailWarn,
    };
  });
}

function threadWork(t: EngineThreadView, view: EngineView, now: number): { backlog: string; backlogWarn: boolean; detail: string; detailWarn: boolean } {
  if (t.thread === 'analytics' && view.analytics) {
    const a = view.analytics;
    const lag = a.lastBoundary?.lagMs ?? null;
    const parts = [lag === null ? 'no boundary yet' : `lag ${formatLag(lag)}`, `${a.waiting} waiting`];
    if (a.shed > 0) parts.push(`${a.shed.toLocaleString('en-US')} shed`);
    const shed = a.shed > 0 ? `${plural(a.shed, 'second')} of the market shed unevaluated to catch up` : '';
    return { backlog: parts.join(' · '), backlogWarn: (lag ?? 0) >= ANALYTICS_BEHIND_MS || a.waiting > 1 || a.shed > 0, detail: shed, detailWarn: a.shed > 0 };
  }
  if (t.thread === 'history' && view.history) {
    const h = view.history;
    const parts = [`${h.pendingRows.toLocaleString('en-US')} pending`];
    if (h.behindRows > 0) parts.push(`${h.behindRows.toLocaleString('en-US')} behind`);
    if (h.failures > 0) parts.push(plural(h.failures, 'failure'));
    const recent = h.lastErrorAt !== null && now - h.lastErrorAt < RECENT_ERROR_MS;
    const detail = h.lastError === null ? '' : h.lastErrorAt === null ? h.lastError : `${formatClock(h.lastErrorAt)}Z ${h.lastError}`;
    return { backlog: parts.join(' · '), backlogWarn: recent, detail, detailWarn: recent };
  }
  return { backlog: '', backlogWarn: false, detail: '', detailWarn: false };
}
