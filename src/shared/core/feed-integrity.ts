import { AlertTracker, type AlertSubject } from './alert-tracker';
import type { RuleOutcome } from './alert-rules';
import { ENGINE_SUBJECT, type FeedCondition, type FeedRule, type FeedRuleSet } from './feed-rules';
import type { Acknowledgement, Alert, AlertEvent, VenueId } from './model';
import { WindowedCount } from './windowed-count';

/** One venue connection as its feed reports it. */
export interface ConnectionObservation {
  readonly id: string;
  /** Since when it has delivered nothing (dropped, or never opened); null while it delivers. */
  readonly downSince: number | null;
  /** It never delivered a frame: the venue is unreachable rather than down. */
  readonly neverConnected: boolean;
  readonly lastError: string | null;
  /** Consecutive failed attempts; the next one is attempt `failedAttempts + 1`. */
  readonly failedAttempts: number;
  /** When the next attempt starts; null while one is under way (or it is connected). */
  readonly nextRetryAt: number | null;
}

/** A book that is crossed (best bid above best ask) or locked (equal) at this boundary. */
export interface BookObservation {
  readonly key: string;
  readonly instrumentId: string;
  readonly state: 'crossed' | 'locked';
  /** First boundary of this unbroken crossed-or-locked episode. */
  readonly since: number;
  /** The sync threw the crossed book away and waits for a snapshot: not recovered yet. */
  readonly awaitingResync?: boolean;
}

/** What one venue's feed looked like at a sampling boundary. Counters are cumulative since the feed started. */
export interface VenueFeedObservation {
  readonly venue: VenueId;
  /** Null where there are no connections to judge (a replayed capture). */
  readonly connections: readonly ConnectionObservation[] | null;
  readonly stale: boolean;
  /** Last frame of the venue; null before the first one. */
  readonly lastFrameAt: number | null;
  readonly gaps: number;
  readonly checksumFailures: number;
  readonly resyncs: number;
  readonly rejectedFrames: number;
  /**
   * Book drifts, each of which forced a resync: sustained book-top mismatches
   * (the book against the venue's own top of book) and deep mismatches.
   */
  readonly bookDrifts: number;
  /** Of `bookDrifts`, those found by the deep check (the book level by level against a REST snapshot at its seqId); absent: 0. */
  readonly deepMismatches?: number;
  /** Only the books that are crossed or locked now. */
  readonly books: readonly BookObservation[];
}

/** What the console knows of itself at a boundary; absent in a replay, where wall time means nothing. */
export interface EngineFeedObservation {
  /** Unplanned worker restarts so far: per venue for feed workers, `engine` for the analytics worker. */
  readonly workerRestarts: Readonly<Record<string, { readonly count: number; readonly lastReason: string }>>;
  /** Wall time at evaluation minus the boundary's time. */
  readonly analyticsLagMs: number | null;
  /** Boundaries shed so far to catch up (never evaluated nor stored: workers/boundary-queue.ts); absent: none. */
  readonly shedBoundaries?: number;
  readonly historyWriteFailures: number;
  readonly lastHistoryError: string | null;
}

/** Feed alert transitions of one boundary, as the market evaluator gives them, plus detail-only updates. */
export interface FeedAlertStep {
  readonly events: readonly AlertEvent[];
  /** Alerts that moved, or whose detail changed in substance (another error, another count): stored and shown. */
  readonly alerts: readonly Alert[];
  /** Open alerts whose detail moved only in time (`retry #3 in 4 s` -> `in 3 s`): shown, not stored. */
  readonly refreshed: readonly Alert[];
}

/** A condition's reading: the value its rule judges and the words an operator reads. */
interface Reading {
  readonly value: number | null;
  readonly detail: string;
  /** The detail without what moves every second: a change of it is worth storing. */
  readonly gist: string;
}

interface Subject {
  readonly tracker: AlertTracker;
  readonly rule: FeedRule;
  detail: string | null;
  gist: string | null;
  counter: WindowedCount | null;
  /** book_drift: the deep mismatches among the drifts in the window, so the detail says which check found them. */
  deepCounter?: WindowedCount;
  /** analytics_lag: boundaries shed so far at the last reading on time, so a lag episode counts only its own. */
  shedOnTime?: number;
}

/**
 * Feed-integrity alerts: one reading per venue (and per crossed or locked
 * book, and for the engine) per sampling boundary, judged by threshold-only
 * rules through the same {@link AlertTracker} lifecycle as market alerts
 * (pending, firing, escalation, resolution after the clear time, acknowledgement).
 * Every alert carries a `detail` in words, kept current while it is open.
 * A venue missing from a boundary (its worker is down) is not judged: its
 * open alerts stay open, and the worker-restart condition speaks for it.
 */
export class FeedIntegrityMonitor {
  private readonly subjects = new Map<string, Subject>();
  /** Book keys seen crossed or locked, per venue: judged back to 0 once they are not. */
  private readonly books = new Map<VenueId, Map<string, string>>();

  constructor(private readonly rules: FeedRuleSet) {}

  observe(time: number, venues: readonly VenueFeedObservation[], engine: EngineFeedObservation | null = null): FeedAlertStep {
    const step: MutableStep = { events: [], alerts: [], refreshed: [] };
    for (const venue of venues) {
      for (const rule of this.rules.forVenue(venue.venue)) {
        if (rule.condition === 'crossed_book') {
          this.judgeBooks(time, venue, rule, step);
          continue;
        }
        const subject: AlertSubject = { key: venue.venue, instrumentId: venue.venue, venue: venue.venue, metric: rule.spec.metric };
        const reading = (s: Subject) => venueReading(rule.condition, time, venue, engine, s, rule);
        this.judge(time, subject, rule, reading, step);
      }
    }
    if (engine) {
      const restart = this.rules.forVenue(ENGINE_SUBJECT).find((r) => r.condition === 'worker_restart');
      for (const rule of restart ? [...this.rules.engine, restart] : this.rules.engine) {
        const subject: AlertSubject = { key: ENGINE_SUBJECT, instrumentId: ENGINE_SUBJECT, venue: ENGINE_SUBJECT, metric: rule.spec.metric };
        this.judge(time, subject, rule, (s) => engineReading(rule.condition, time, engine, s, rule), step);
      }
    }
    return step;
  }

  /** Records an acknowledgement on the open feed alert with this id; null when there is none. */
  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    for (const s of this.subjects.values()) {
      if (s.tracker.current?.id !== alertId) continue;
      const event = s.tracker.acknowledge(ack);
      return event && withDetail(event, s.detail);
    }
    return null;
  }

  /** Feed alerts pending or firing, with their current detail. */
  openAlerts(): Alert[] {
    const out: Alert[] = [];
    for (const s of this.subjects.values()) {
      const alert = s.tracker.current;
      if (alert) out.push(withDetail(alert, s.detail));
    }
    return out;
  }

  private judgeBooks(time: number, venue: VenueFeedObservation, rule: FeedRule, step: MutableStep): void {
    let known = this.books.get(venue.venue);
    if (!known) this.books.set(venue.venue, (known = new Map()));
    const now = new Map(venue.books.map((b) => [b.key, b]));
    for (const b of venue.books) known.set(b.key, b.instrumentId);
    for (const [key, instrumentId] of known) {
      const book = now.get(key);
      const subject: AlertSubject = { key, instrumentId, venue: venue.venue, metric: rule.spec.metric };
      const reading: Reading = book
        ? {
            value: (time - book.since) / 1000,
            detail: `${book.state} for ${seconds(time - book.since)} s${book.awaitingResync ? ', book invalid awaiting a snapshot' : ''}`,
            gist: book.awaitingResync ? `${book.state}, awaiting a snapshot` : book.state,
          }
        : { value: 0, detail: 'bid below ask', gist: 'bid below ask' };
      this.judge(time, subject, rule, () => reading, step);
      // A book that is fine and has no alert open is forgotten: a venue lists thousands of books over a day.
      if (!book && !this.subjects.get(subjectId(subject))?.tracker.current) {
        known.delete(key);
        this.subjects.delete(subjectId(subject));
      }
    }
  }

  private judge(time: number, subject: AlertSubject, rule: FeedRule, read: (s: Subject) => Reading, step: MutableStep): void {
    const id = subjectId(subject);
    let s = this.subjects.get(id);
    if (!s || s.rule !== rule) {
      // A rule object changes only with the config; keep the tracker's alert if one is open.
      const tracker = s?.tracker ?? new AlertTracker(subject);
      s = {
        tracker,
        rule,
        detail: s?.detail ?? null,
        gist: s?.gist ?? null,
        counter: s?.counter ?? (rule.windowMs === null ? null : new WindowedCount(rule.windowMs)),
        ...(s?.deepCounter ? { deepCounter: s.deepCounter } : {}),
      };
      this.subjects.set(id, s);
    }
    const reading = read(s);
    const spec = rule.spec;
    const holds = reading.value !== null && reading.value > spec.threshold;
    const outcome: RuleOutcome =
      reading.value === null
        ? { rule: spec, status: 'skipped', reason: 'no_value', value: null, holds: null }
        : { rule: spec, status: 'judged', fires: holds, holds, value: reading.value, z: null };
    const wasOpen = s.tracker.current !== null;
    // The alert keeps saying what went wrong; the resolving event says what it is now.
    const previousGist = s.gist;
    const previousDetail = s.detail;
    if (holds || !wasOpen) {
      s.detail = reading.detail;
      s.gist = reading.gist;
    }
    const result = s.tracker.step(time, [outcome]);
    for (const event of result.events) {
      const closing = event.kind === 'resolved' || event.kind === 'cancelled';
      step.events.push(withDetail(event, closing ? reading.detail : s.detail));
    }
    if (result.changed) {
      step.alerts.push(withDetail(result.changed, s.detail));
      return;
    }
    const open = s.tracker.current;
    if (!open || !wasOpen) return;
    if (s.gist !== previousGist) step.alerts.push(withDetail(open, s.detail));
    else if (s.detail !== previousDetail) step.refreshed.push(withDetail(open, s.detail));
  }
}

type MutableStep = { events: AlertEvent[]; alerts: Alert[]; refreshed: Alert[] };

function subjectId(subject: AlertSubject): string {
  return `${subject.key}/${subject.metric}`;
}

function withDetail<T extends Alert | AlertEvent>(item: T, detail: string | null): T {
  return detail === null ? item : { ...item, detail };
}

function venueReading(
  condition: FeedCondition,
  time: number,
  venue: VenueFeedObservation,
  engine: EngineFeedObservation | null,
  s: Subject,
  rule: FeedRule,
): Reading {
  const window = `${seconds(rule.windowMs ?? 0)} s`;
  const count = (cumulative: number, noun: readonly [one: string, many: string]): Reading => {
    const n = s.counter!.observe(time, cumulative);
    const text = `${n} ${plural(n, noun)} in ${window}`;
    return { value: n, detail: text, gist: text };
  };
  switch (condition) {
    case 'feed_down':
      return downReading(time, venue.connections);
    case 'feed_stale': {
      // While a connection is down, `feed_down` says why; stale is silence on a link that looks up.
      const down = venue.connections?.some((c) => c.downSince !== null) ?? false;
      if (!venue.stale || down || venue.lastFrameAt === null) return { value: 0, detail: 'receiving', gist: 'receiving' };
      const silent = time - venue.lastFrameAt;
      return { value: silent / 1000, detail: `stale: no frame for ${seconds(silent)} s`, gist: 'stale' };
    }
    case 'resync_storm':
      return count(venue.resyncs, ['resync', 'resyncs']);
    case 'sequence_gaps':
      return count(venue.gaps, ['sequence gap', 'sequence gaps']);
    case 'checksum_failures':
      return count(venue.checksumFailures, ['checksum failure', 'checksum failures']);
    case 'rejected_frames':
      return count(venue.rejectedFrames, ['rejected frame', 'rejected frames']);
    case 'book_drift':
      return driftReading(time, venue, s, window);
    case 'worker_restart':
      return restartReading(engine, venue.venue, s, time, window);
    default:
      return { value: null, detail: '', gist: '' };
  }
}

/**
 * Book drifts in the window, saying which check found them: the book-top
 * cross-check (the venue's own top of book) or the deep check (every level
 * against a REST snapshot at the same seqId, docs/book-truth.md).
 */
function driftReading(time: number, venue: VenueFeedObservation, s: Subject, window: string): Reading {
  const n = s.counter!.observe(time, venue.bookDrifts);
  s.deepCounter ??= new WindowedCount(s.rule.windowMs ?? 0);
  const deep = Math.min(n, s.deepCounter.observe(time, venue.deepMismatches ?? 0));
  const top = n - deep;
  let text: string;
  if (deep === 0) text = `${n} ${plural(n, ['book-top drift', 'book-top drifts'])} in ${window}`;
  else if (top === 0) text = `${n} ${plural(n, ['book drift', 'book drifts'])} in ${window}, found by the deep check at seqId`;
  else text = `${n} book drifts in ${window}: ${top} book-top, ${deep} by the deep check at seqId`;
  return { value: n, detail: text, gist: text };
}

function engineReading(condition: FeedCondition, time: number, engine: EngineFeedObservation, s: Subject, rule: FeedRule): Reading {
  const window = `${seconds(rule.windowMs ?? 0)} s`;
  switch (condition) {
    case 'analytics_lag': {
      const lag = engine.analyticsLagMs;
      if (lag === null) return { value: null, detail: '', gist: '' };
      const behind = lag > rule.spec.threshold * 1000;
      const shedSoFar = engine.shedBoundaries ?? 0;
      if (!behind) s.shedOnTime = shedSoFar;
      // Since the analytics were last on time: an old episode's sheds (a bootstrap's) are not this one's.
      const shed = shedSoFar - (s.shedOnTime ?? 0);
      // The skipped seconds are in the words: their samples are neither judged nor in the history.
      const skipped = shed > 0 ? `; ${shed} ${plural(shed, ['second', 'seconds'])} of the market skipped to catch up, not evaluated nor stored` : '';
      return { value: lag / 1000, detail: `analytics ${(lag / 1000).toFixed(1)} s behind${skipped}`, gist: behind ? 'behind' : 'on time' };
    }
    case 'history_write_failures': {
      const n = s.counter!.observe(time, engine.historyWriteFailures);
      const text = `${n} history ${plural(n, ['write', 'writes'])} failed in ${window}${engine.lastHistoryError ? `: ${engine.lastHistoryError}` : ''}`;
      return { value: n, detail: text, gist: text };
    }
    case 'worker_restart':
      return restartReading(engine, ENGINE_SUBJECT, s, time, window);
    default:
      return { value: null, detail: '', gist: '' };
  }
}

function restartReading(engine: EngineFeedObservation | null, who: string, s: Subject, time: number, window: string): Reading {
  if (!engine) return { value: null, detail: '', gist: '' };
  const restarts = engine.workerRestarts[who];
  const n = s.counter!.observe(time, restarts?.count ?? 0);
  // The engine's own threads: the analytics worker and its history thread (the reason says which).
  const worker = who === ENGINE_SUBJECT ? 'engine worker' : 'feed worker';
  const text = `${worker} restarted ${n} ${plural(n, ['time', 'times'])} in ${window}${restarts ? ` (last: ${restarts.lastReason})` : ''}`;
  return { value: n, detail: text, gist: text };
}

/**
 * The venue's worst connection: the one down longest. "unreachable" when it
 * never delivered (DNS, refused, blocked), "down" when it did and stopped.
 */
function downReading(time: number, connections: readonly ConnectionObservation[] | null): Reading {
  if (connections === null) return { value: null, detail: '', gist: '' };
  const down = connections.filter((c) => c.downSince !== null);
  if (connections.length === 0 || down.length === 0) {
    return { value: connections.length === 0 ? null : 0, detail: 'connected', gist: 'connected' };
  }
  const worst = down.reduce((a, b) => (b.downSince! < a.downSince! ? b : a));
  const what = `${worst.neverConnected ? 'unreachable' : 'down'}: ${readableError(worst.lastError)}`;
  const attempt = `retry #${worst.failedAttempts + 1}`;
  const share = connections.length > 1 ? ` (${down.length} of ${connections.length} connections)` : '';
  const when = worst.nextRetryAt === null ? 'connecting' : `in ${seconds(Math.max(0, worst.nextRetryAt - time))} s`;
  return {
    value: (time - worst.downSince!) / 1000,
    detail: `${what}, ${attempt} ${when}${share}`,
    gist: `${what}, ${attempt}${share}`,
  };
}

/** `getaddrinfo ENOTFOUND host` reads as `ENOTFOUND host`: the code and the host are what an operator acts on. */
function readableError(error: string | null): string {
  if (error === null) return 'no connection yet';
  return error.replace(/^getaddrinfo /, '');
}

function plural(n: number, [one, many]: readonly [string, string]): string {
  return n === 1 ? one : many;
}

/** Whole seconds, rounded up: "retry in 1 s" until it happens, never "in 0 s" before it does. */
function seconds(ms: number): number {
  return Math.ceil(ms / 1000 - 1e-9);
}
