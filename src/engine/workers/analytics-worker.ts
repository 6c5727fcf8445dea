/**
 * Analytics worker: every venue's book samples for a sampling boundary in,
 * basis, z-scores, rules and alerts out. Its rows go to the history thread
 * (history-worker.ts), which writes the database, so no commit or disk
 * stall delays a boundary. Main gets alert events at once and the latest
 * evaluation per instrument a few times a second.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { EngineFeedObservation, VenueFeedObservation } from '../../shared/core/feed-integrity';
import { ENGINE_SUBJECT } from '../../shared/core/feed-rules';
import type { Alert, AlertEvent, VenueId } from '../../shared/core/model';
import { OFFSCREEN_EVERY, SUMMARY_INTERVAL_MS } from './ui-cadence';
import type { ShownEvaluation } from './ui-evaluation';
import { pipelineSettingsFrom } from '../pipeline/pipeline-settings';
import { Analytics, BoundaryScreen } from '../pipeline/analytics';
import type { BookSample } from '../pipeline/venue-books';
import { epochNow } from './epoch-clock';
import { HistoryThread } from './history-thread';
import { BoundaryGuard } from './boundary-guard';
import { BoundaryQueue } from './boundary-queue';
import { LoopDelay } from '../threads/loop-delay';
import { SampleUnpacker } from './packed-samples';
import type { AlertTiming, AnalyticsCommand, AnalyticsEvent, AnalyticsWorkerData, FeedToAnalytics, SampleTrigger } from './messages';
import { briefEvaluation, uiEvaluation } from './ui-evaluation';

const data = (workerData as { data: AnalyticsWorkerData }).data;
const toMain = (message: AnalyticsEvent) => parentPort!.postMessage(message);
/** UI updates at most this often: the latest evaluation per instrument, older ones coalesced away. */
const UI_INTERVAL_MS = 250;
/** The UI's copies go out in messages of this many evaluations, about this much work between yields. */
const UI_CHUNK = 32;
/** A boundary's alerts go out after every this many instruments evaluated. */
const EVALUATION_CHUNK = 128;
const UI_SLICE_MS = 4;
/**
 * Complete boundaries held for evaluation at most: past it the oldest are
 * shed and counted (boundary-queue.ts). Ten seconds of the market: a burst
 * is absorbed, a machine that cannot keep up stays 10 s late (and alerting)
 * instead of growing its memory without end.
 */
const MAX_BOUNDARY_BACKLOG = 10;
/** Rows no client shows reach main this often (ui-cadence.ts OFFSCREEN_EVERY × SUMMARY_INTERVAL_MS, the client sessions' cadence). */
const OFFSCREEN_MS = OFFSCREEN_EVERY * SUMMARY_INTERVAL_MS;

/** The engine table's figures (contract.ts `EngineView`) reach main this often. */
const STATUS_REPORT_MS = 1_000;
/** UI copies hold off from just before a boundary until its alerts are out. */
const guard = BoundaryGuard.live(data.config.features.sampling.intervalMs);

/** What goes to main at the next UI tick, per instrument. */
const latest = new Map<string, ShownEvaluation>();
/** The latest evaluation of every instrument, in full: sent at once when a client starts showing it. */
const current = new Map<string, ShownEvaluation>();
/** Instruments some client shows in full; null: all of them (no client said). */
let detail: ReadonlySet<string> | null = null;
/** Rows on some client's screen in brief: their summaries follow every boundary. */
let onScreen: ReadonlySet<string> = new Set();
/** The last brief copy sent per instrument that no client shows. */
const briefSent = new Map<string, ShownEvaluation>();

/**
 * A row no client shows goes to main every {@link OFFSCREEN_MS}, or at once
 * when what a problems-first order and the row colours read of it changed:
 * clients send off-screen rows no more often than that (client-session.ts).
 */
function briefDue(key: string, now: ShownEvaluation): boolean {
  if (onScreen.has(key)) return true;
  const last = briefSent.get(key);
  if (!last || now.sample.time - last.sample.time >= OFFSCREEN_MS) return true;
  const a = last.sample.health;
  const b = now.sample.health;
  return a.bookValid !== b.bookValid || a.stale !== b.stale || (last.zscores.spread_bps?.ready ?? false) !== (now.zscores.spread_bps?.ready ?? false);
}
const analytics = new Analytics(pipelineSettingsFrom(data.config));
/** Book samples come packed; their instruments only when new or changed. */
const unpacker = new SampleUnpacker();

/** What one venue reported for a boundary. */
interface VenueReport {
  readonly samples: readonly BookSample[];
  readonly feed: VenueFeedObservation | undefined;
  readonly trigger: SampleTrigger | undefined;
  /** Epoch ms: when this worker got the report. */
  readonly receivedAt: number;
}
/** A boundary's reports so far, and its screen taken as they arrive. */
interface PendingBoundary {
  readonly reports: Map<VenueId, VenueReport>;
  readonly screen: BoundaryScreen;
}
/** Boundary time -> its reports by venue; a boundary is evaluated once every venue has reported it. */
const pending = new Map<number, PendingBoundary>();
/** Unplanned worker restarts per venue (`engine` for this worker's own): a feed-integrity condition. */
const workerRestarts: Record<string, { count: number; lastReason: string }> = {};
function countRestart(who: string, reason: string): void {
  workerRestarts[who] = { count: (workerRestarts[who]?.count ?? 0) + 1, lastReason: reason };
}
/** This thread's worst event-loop delay per status; the history thread's stuck check reads it too. */
const loopDelay = new LoopDelay();
/** The history thread, when the engine keeps a history file; a crash of it is an engine worker restart. */
const history = data.dbPath ? new HistoryThread({ config: data.config, dbPath: data.dbPath }, (reason) => countRestart(ENGINE_SUBJECT, reason), { ownLoop: loopDelay }) : null;
const venues = new Set<VenueId>(data.venues);
const ports = new Map<VenueId, MessagePort>();

function onFeedMessage(message: FeedToAnalytics): void {
  if (message.type === 'sync_event') {
    history?.syncEvent(message.key, message.kind, message.time, message.detail);
    return;
  }
  let boundary = pending.get(message.time);
  if (!boundary) pending.set(message.time, (boundary = { reports: new Map(), screen: new BoundaryScreen(message.time) }));
  const receivedAt = epochNow();
  const samples = unpacker.unpack(message.packed);
  boundary.reports.set(message.venue, { samples, feed: message.feed, trigger: message.trigger, receivedAt });
  // While the boundary waits for other venues, their samples are screened now: the last report leaves less to do.
  const waitingFor = new Set([...venues].filter((v) => !boundary.reports.has(v)));
  if (waitingFor.size > 0 && samples.length > 0) analytics.screenArrived(boundary.screen, samples, waitingFor);
  // A boundary is complete when every venue reported it, or when a later one
  // arrives (a venue whose worker is down or late must not hold the others back).
  for (const [time, reported] of [...pending].sort((a, b) => a[0] - b[0])) {
    const complete = [...venues].every((v) => reported.reports.has(v));
    if (!complete && time >= message.time) break;
    pending.delete(time);
    if (ready.push(time, { reports: [...reported.reports.values()], screen: reported.screen }) > 0) noteShed();
  }
  scheduleEvaluation();
}

/**
 * Complete boundaries, evaluated one per turn of the event loop so that the
 * history flush, the UI copies and the status report run between them
 * (boundary-queue.ts); past {@link MAX_BOUNDARY_BACKLOG} the oldest are shed.
 */
const ready = new BoundaryQueue<{ readonly reports: VenueReport[]; readonly screen: BoundaryScreen }>(MAX_BOUNDARY_BACKLOG);
let evaluationScheduled = false;
/** The latest boundary evaluated and how late; null before the first. */
let lastBoundary: { time: number; lagMs: number } | null = null;
/** Shed boundaries are logged at most every {@link SHED_LOG_MS}: the alert is the operator's signal, the log the engineer's. */
const SHED_LOG_MS = 10_000;
let shedLoggedAt = -Infinity;
let shedLogged = 0;

function noteShed(): void {
  const now = Date.now();
  if (now - shedLoggedAt < SHED_LOG_MS) return;
  const since = ready.shed - shedLogged;
  process.stderr.write(`analytics: ${since} ${since === 1 ? 'second' : 'seconds'} of the market shed to catch up (${ready.shed} so far): this machine cannot evaluate every boundary\n`);
  shedLoggedAt = now;
  shedLogged = ready.shed;
}

function scheduleEvaluation(): void {
  if (evaluationScheduled || ready.length === 0) return;
  evaluationScheduled = true;
  setImmediate(() => {
    evaluationScheduled = false;
    const next = ready.take();
    if (next !== undefined) evaluateBoundary(next.time, next.item.reports, next.item.screen);
    scheduleEvaluation();
  });
}

/**
 * Alerts first: the boundary's transitions are posted to main before
 * anything else is done with its evaluations (history queue, UI copies).
 */
function evaluateBoundary(time: number, reports: VenueReport[], screen: BoundaryScreen): void {
  const evaluatingAt = epochNow();
  const completing = completingReport(reports);
  const trigger = completing?.trigger;
  const receivedAt = completing?.receivedAt;
  const timing = (): AlertTiming => ({ boundary: time, ...(trigger ? { trigger, receivedAt } : {}), evaluatingAt, postedAt: epochNow() });
  // Feed and engine alerts first: a dead venue or a stalled history is what an operator must act on, and judging them is cheap.
  const events: AlertEvent[] = [];
  const alerts: Alert[] = [];
  // A history thread stuck in a write answers nothing: counted here, so the history alert fires within seconds.
  history?.checkResponsive(Date.now());
  // Live boundaries are wall-clock instants, so this is how late their evaluation is.
  lastBoundary = { time, lagMs: Date.now() - time };
  const engine: EngineFeedObservation = {
    workerRestarts,
    analyticsLagMs: lastBoundary.lagMs,
    shedBoundaries: ready.shed,
    historyWriteFailures: history?.failures ?? 0,
    lastHistoryError: history?.lastError ?? null,
  };
  const feeds = reports.flatMap((r) => (r.feed ? [r.feed] : []));
  const step = analytics.evaluateFeeds(time, feeds, engine);
  events.push(...step.events);
  alerts.push(...step.alerts, ...step.refreshed);
  if (events.length > 0 || alerts.length > 0) toMain({ type: 'alerts', events, alerts, timing: timing() });
  const samples = orderedSamples(reports);
  // What can alert is evaluated first and its alerts go out at once; the quiet
  // rest follows in chunks: an alert need not wait for the whole market's evaluation.
  const evaluations = analytics.evaluate(
    samples,
    (chunk) => {
      const events: AlertEvent[] = [];
      const alerts: Alert[] = [];
      for (const evaluation of chunk) {
        if (evaluation.events.length > 0) events.push(...evaluation.events);
        if (evaluation.alerts.length > 0) alerts.push(...evaluation.alerts);
      }
      if (events.length > 0 || alerts.length > 0) toMain({ type: 'alerts', events, alerts, timing: timing() });
    },
    EVALUATION_CHUNK,
    screen,
  );
  // evaluate() answers in the order of its samples.
  for (let i = 0; i < evaluations.length; i++) {
    const evaluation = evaluations[i]!;
    const shown = uiEvaluation(evaluation);
    const key = shown.sample.key;
    current.set(key, shown);
    if (detail === null || detail.has(key)) latest.set(key, shown);
    else if (briefDue(key, shown)) {
      const brief = briefEvaluation(shown);
      latest.set(key, brief);
      briefSent.set(key, brief);
    }
  }
  // Its alerts are out: the rows go to the history thread, which may now commit.
  history?.boundary(time, evaluations, (i) => samples[i]!.instrument);
  history?.feedAlerts(step);
  guard.evaluated(time);
}

/**
 * Every venue's samples of a boundary, in the feeds' order (most liquid first
 * where a selection ranks them); `Analytics.evaluate` puts first what can
 * alert (open alerts and episodes, values past a threshold).
 */
function orderedSamples(reports: readonly VenueReport[]): BookSample[] {
  return reports.length === 1 ? [...reports[0]!.samples] : reports.flatMap((r) => r.samples);
}

/** The report of the venue whose trigger came last: its arrival completed the boundary. */
function completingReport(reports: readonly VenueReport[]): VenueReport | undefined {
  let latest: VenueReport | undefined;
  for (const report of reports) if (report.trigger && (latest === undefined || report.trigger.at > latest.trigger!.at)) latest = report;
  return latest;
}

/** A UI copy still going out in slices: the next tick waits for it, so a newer evaluation never overtakes an older one. */
let uiPosting = false;
/** This thread's and its history thread's state, for the console's engine table and memory figures. */
const statusTimer = setInterval(() => {
  toMain({
    type: 'engine_status',
    heapUsedBytes: getHeapStatistics().used_heap_size,
    loopDelayMs: loopDelay.take(),
    lastBoundary,
    boundaries: { evaluated: ready.taken, shed: ready.shed, waiting: ready.length },
    ...(history ? { history: history.status() } : {}),
  });
}, STATUS_REPORT_MS);
statusTimer.unref();

const uiTimer = setInterval(() => {
  if (latest.size === 0 || uiPosting) return;
  const items = [...latest.values()];
  latest.clear();
  uiPosting = true;
  guard.defer(() => postEvaluations(items, 0));
}, UI_INTERVAL_MS);

/**
 * The UI's copies in small messages, yielding to the event loop once a slice
 * of work is spent: at 2,500 instruments a second the copy costs as much as
 * the evaluation, and a boundary arriving meanwhile must not wait for all of it.
 */
function postEvaluations(items: readonly ShownEvaluation[], from: number): void {
  const until = performance.now() + UI_SLICE_MS;
  let next = from;
  while (next < items.length) {
    const end = Math.min(items.length, next + UI_CHUNK);
    toMain({ type: 'evaluations', items: items.slice(next, end) });
    next = end;
    if (performance.now() > until) break;
  }
  if (next < items.length) guard.defer(() => postEvaluations(items, next));
  else uiPosting = false;
}

parentPort!.on('message', (command: AnalyticsCommand) => {
  switch (command.type) {
    case 'attach':
      ports.get(command.venue)?.close();
      ports.set(command.venue, command.port);
      venues.add(command.venue);
      command.port.on('message', onFeedMessage);
      return;
    case 'tiers':
      analytics.setTiers(new Map(command.tiers));
      return;
    case 'detail': {
      const before = detail;
      const beforeOnScreen = onScreen;
      detail = command.keys === null ? null : new Set(command.keys);
      onScreen = new Set(command.shown ?? []);
      // Rows that just came into view get their rules (or their latest values) now, not at their next boundary.
      const added: ShownEvaluation[] = [];
      if (detail !== null) {
        for (const key of detail) if (before === null || !before.has(key)) pushIfKnown(added, key, true);
        for (const key of onScreen) if (!detail.has(key) && !beforeOnScreen.has(key)) pushIfKnown(added, key, false);
      } else if (before !== null) {
        for (const key of current.keys()) if (!before.has(key)) pushIfKnown(added, key, true);
      }
      if (added.length > 0) toMain({ type: 'evaluations', items: added });
      return;
    }
    case 'acknowledge': {
      const event = analytics.acknowledge(command.alertId, command.ack);
      if (event) history?.acknowledge(command.alertId, command.ack, event);
      toMain({ type: 'acknowledged', requestId: command.requestId, event });
      return;
    }
    case 'capture_log': {
      const { type: _type, ...entry } = command;
      history?.captureLog(entry);
      return;
    }
    case 'worker_restarted':
      if (command.venue !== null) analytics.markVenueGap(command.venue);
      if (!command.planned) {
        const who = command.venue ?? ENGINE_SUBJECT;
        // The engine's threads share one subject: its reason says which one restarted.
        const reason = command.venue === null ? `${command.worker} worker: ${command.reason}` : command.reason;
        countRestart(who, reason);
      }
      history?.workerRestart(command.worker, command.time, command.reason);
      return;
    case 'stop':
      void stopAll();
      return;
    case 'crash':
      setImmediate(() => {
        throw new Error('analytics worker crash requested');
      });
      return;
    case 'history_test':
      history?.test(command.command);
      return;
    case 'stall': {
      const until = Date.now() + command.ms;
      while (Date.now() < until) {
        // Busy on purpose: the thread must not take messages meanwhile.
      }
      return;
    }
  }
});

/**
 * The full latest evaluation of a key that just came into view: at once, or
 * with the next UI tick when a copy of it may still be waiting to go (queued,
 * or in slices under way), so an older brief copy never lands after it.
 */
function pushIfKnown(into: ShownEvaluation[], key: string, full: boolean): void {
  const known = current.get(key);
  if (!known) return;
  const copy = full ? known : briefEvaluation(known);
  if (!full) briefSent.set(key, copy);
  if (uiPosting || latest.has(key)) latest.set(key, copy);
  else into.push(copy);
}

/** The history thread commits what it was sent and sync finishes its batch, then the thread ends. */
async function stopAll(): Promise<void> {
  clearInterval(uiTimer);
  clearInterval(statusTimer);
  loopDelay.stop();
  for (const port of ports.values()) port.close();
  await history?.stop();
  toMain({ type: 'stopped' });
  parentPort!.close();
}
