import type { EngineThreadView, EngineView } from '../../../shared/contract';
import { formatAge, formatBytes, formatClock, formatLag, plural } from '../format/format';

/**
 * Threads report every second: one silent for this long is stuck (a loop
 * that never yields, a disk that does not answer) or its reports no longer
 * reach this console. The engine's own alerts see the first; only the
 * screen can show the second.
 */
export const THREAD_SILENT_MS = 4_000;
/** The history thread's reports come through analytics' status: one hop, up to a second, more. */
export const RELAYED_SILENT_MS = THREAD_SILENT_MS + 1_000;
/** A thread that has not reported this long after its start is not starting but stuck. */
export const STARTING_MS = 10_000;
/** An event loop held this long delays what the thread handles enough for an operator to see (a frame, a boundary, a click). */
export const LOOP_DELAY_WARN_MS = 100;
/** A history error this recent is shown in red; an older one stays on screen, muted, with its time. */
export const RECENT_ERROR_MS = 60_000;
/** No boundary evaluated for this long (or three intervals) means analytics judges nothing. */
export const IDLE_MS = 5_000;
/** Analytics evaluating a boundary this late is behind the market (boundaries are a second apart). */
export const ANALYTICS_BEHIND_MS = 2_000;

/**
 * `starting`: no report yet from a new instance; `replacing`: restarted on
 * purpose; `unknown`: the history thread while analytics, which relays its
 * state, is silent itself.
 */
export type ThreadState = 'running' | 'starting' | 'restarting' | 'replacing' | 'silent' | 'unknown';

/** One row of the engine table, in words. */
export interface EngineThreadRow {
  readonly thread: string;
  readonly state: ThreadState;
  readonly stateText: string;
  readonly heap: string;
  /** Its worst event-loop delay over about the last second. */
  readonly loopDelay: string;
  readonly loopDelayWarn: boolean;
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
  const states = new Map(view.threads.map((t) => [t.thread, threadState(t, now, t.thread === 'history' ? RELAYED_SILENT_MS : THREAD_SILENT_MS)]));
  const analytics = states.get('analytics')?.state;
  return view.threads.map((t) => {
    let { state, stateText } = states.get(t.thread)!;
    // History's state comes through analytics: with analytics silent it is not known, not stuck (restarting, it restarts with it).
    if (t.thread === 'history' && analytics === 'silent' && state !== 'restarting') {
      state = 'unknown';
      stateText = 'unknown: analytics not reporting';
    }
    const { backlog, backlogWarn, detail, detailWarn } = threadWork(t, view, now);
    return {
      thread: t.thread,
      state,
      stateText,
      heap: t.heapUsedBytes === null ? '–' : formatBytes(t.heapUsedBytes),
      loopDelay: t.loopDelayMs === null ? '–' : formatLag(t.loopDelayMs),
      loopDelayWarn: (t.loopDelayMs ?? 0) >= LOOP_DELAY_WARN_MS,
      restarts: t.restarts,
      lastRestart: t.lastRestart ? `${formatClock(t.lastRestart.time)}Z ${t.lastRestart.reason}` : '',
      backlog,
      backlogWarn,
      detail,
      detailWarn,
    };
  });
}

function threadState(t: EngineThreadView, now: number, silentMs: number): { state: ThreadState; stateText: string } {
  if (t.state === 'restarting') return t.planned ? { state: 'replacing', stateText: `replacing: ${t.planned}` } : { state: 'restarting', stateText: 'restarting' };
  if (t.reportedAt === null) {
    const since = t.startedAt === null ? null : now - t.startedAt;
    if (since !== null && since >= STARTING_MS) return { state: 'silent', stateText: `no report in ${formatAge(since)} since its start` };
    return { state: 'starting', stateText: 'starting' };
  }
  const silentFor = now - t.reportedAt;
  return silentFor >= silentMs ? { state: 'silent', stateText: `no report for ${formatAge(silentFor)}` } : { state: 'running', stateText: 'running' };
}

function threadWork(t: EngineThreadView, view: EngineView, now: number): { backlog: string; backlogWarn: boolean; detail: string; detailWarn: boolean } {
  if (t.thread === 'analytics' && view.analytics) {
    const a = view.analytics;
    const lag = a.lastBoundary?.lagMs ?? null;
    // Boundaries come every interval whatever the market does: none for a few means nothing is being judged.
    const since = a.lastBoundary === null ? null : now - a.lastBoundary.time;
    const idle = since !== null && since > Math.max(IDLE_MS, 3 * (view.intervalMs ?? 1_000));
    const parts = [lag === null ? 'no boundary yet' : idle ? `last boundary ${formatAge(since)} ago` : `lag ${formatLag(lag)}`, `${a.waiting} waiting`];
    if (a.shed > 0) parts.push(`${a.shed.toLocaleString('en-US')} shed`);
    const shed = a.shed > 0 ? `${plural(a.shed, 'boundary', 'boundaries')} shed unevaluated to catch up` : '';
    return { backlog: parts.join(' · '), backlogWarn: idle || (lag ?? 0) >= ANALYTICS_BEHIND_MS || a.waiting > 1 || a.shed > 0, detail: shed, detailWarn: a.shed > 0 };
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
