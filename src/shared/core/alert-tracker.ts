import { compareSeverity, type RuleOutcome } from './alert-rules';
import type { Acknowledgement, Alert, AlertEvent, AlertEventKind, MetricName, Severity, VenueId } from './model';

/** What an alert is about: one metric of one venue instrument. */
export interface AlertSubject {
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: VenueId;
  readonly metric: MetricName;
}

/** The result of one evaluation step: audit events, and the alert as it stands after them. */
export interface AlertStep {
  readonly events: readonly AlertEvent[];
  /** The alert after this step when it changed (a resolved or cancelled alert appears once, then null). */
  readonly changed: Alert | null;
}

const NO_CHANGE: AlertStep = { events: [], changed: null };

/** A rule's episode: since when its condition has held, and since when it is unseen (paused), if it is. */
export interface RuleEpisode {
  readonly since: number;
  readonly pausedSince: number | null;
}

export interface AlertTrackerOptions {
  /**
   * A pending episode bridges data nobody can judge for up to this long;
   * after a longer blind spell its persistence counts again from the first
   * judged sample. Default 60 s.
   */
  readonly maxPauseMs?: number;
}

/**
 * The lifecycle of the one alert a (instrument, metric) may have open:
 * pending -> firing -> resolved, escalation warning -> critical and back.
 *
 * - A rule's episode starts when it fires (threshold AND z-score) and lasts while
 *   its threshold holds on every judged sample; the rule is *active* once the
 *   episode has lasted its persistence time. A judged false sample ends it.
 * - A sample that cannot be judged (stale, invalid book, missing input) pauses
 *   the episode: it neither confirms, cancels nor clears. The episode keeps its
 *   start, so one dropped diff does not push a dislocation's alert back by its
 *   whole persistence; the first judged sample after the pause decides.
 * - An alert is *pending* while some rule's episode runs but none is active yet; it is
 *   cancelled only when a judged sample ends every episode before persistence is met.
 * - A firing alert escalates at once when a more severe rule becomes active,
 *   de-escalates only once the higher rule's threshold has been clear for its
 *   clear time (counted from the last sample on which it held), and resolves only
 *   once no rule's threshold has held for the clear time (no flapping). Data that cannot be judged (stale, invalid book) neither
 *   confirms nor clears: an alert never resolves on data nobody can see.
 * - Escalation drops an acknowledgement: the operator acknowledged something milder.
 * - The open alert carries the episode's peak value and z, updated as they grow.
 */
export class AlertTracker {
  private readonly episodes = new Map<string, { since: number; pausedSince: number | null }>();
  private alert: MutableAlert | null = null;
  /** Last sample on which some rule's threshold held (or the data could not be judged). */
  private lastHoldAt = 0;
  /** Last sample on which a rule at the alert's current severity held. */
  private lastCurrentHoldAt = 0;
  private readonly maxPauseMs: number;

  constructor(
    private readonly subject: AlertSubject,
    options: AlertTrackerOptions = {},
  ) {
    this.maxPauseMs = options.maxPauseMs ?? 60_000;
  }

  /** The open alert (pending or firing), if any. */
  get current(): Alert | null {
    return this.alert ? snapshot(this.alert) : null;
  }

  /** No alert open and no rule's episode under way: a sample whose rules all fail their thresholds changes nothing. */
  get idle(): boolean {
    return this.alert === null && this.episodes.size === 0;
  }

  /** The severity of the open alert once it fires; null while none is open or it is still pending. Copies nothing. */
  get firingSeverity(): Severity | null {
    return this.alert !== null && this.alert.state === 'firing' ? this.alert.severity : null;
  }

  /**
   * Whether a judged sample at `time` leaves the firing alert without an
   * event, given `held`: the severity of the most severe rule past its
   * threshold on that sample (null when none is). It escalates only when a
   * more severe rule holds, de-escalates and resolves only once the clear
   * time since the last hold has run out; until then a clearing alert is as
   * quiet as a steady one. False while no alert fires.
   */
  quietAt(time: number, held: Severity | null): boolean {
    const alert = this.alert;
    if (alert === null || alert.state !== 'firing') return false;
    const clearMs = alert.clearSeconds * 1000;
    if (held === null) return time - this.lastHoldAt < clearMs;
    const order = compareSeverity(held, alert.severity);
    if (order > 0) return false;
    return order === 0 || time - this.lastCurrentHoldAt < clearMs;
  }

  /** The episode of a rule under way, if any (for explaining rule states). */
  episode(rule: string): RuleEpisode | undefined {
    return this.episodes.get(rule);
  }

  /** Advances the lifecycle with the outcomes of this metric's rules on the sample at `time`. */
  step(time: number, outcomes: readonly RuleOutcome[]): AlertStep {
    const peakChanged = this.trackPeak(outcomes);
    const result = this.transition(time, outcomes);
    if (result === NO_CHANGE && peakChanged && this.alert) return { events: [], changed: snapshot(this.alert) };
    return result;
  }

  private transition(time: number, outcomes: readonly RuleOutcome[]): AlertStep {
    let top: TrustedOutcome | null = null;
    let topFiring: TrustedOutcome | null = null;
    let paused = false;
    for (const o of outcomes) {
      const episode = this.episodeOf(o, time);
      if (episode === null) continue;
      if (!episode.judged) {
        paused = true;
        continue;
      }
      const trusted = o as TrustedOutcome;
      if (!topFiring || compareSeverity(o.rule.severity, topFiring.rule.severity) > 0) topFiring = trusted;
      if (time - episode.since >= o.rule.persistSeconds * 1000) {
        if (!top || compareSeverity(o.rule.severity, top.rule.severity) > 0) top = trusted;
      }
    }

    const alert = this.alert;
    if (!alert) {
      if (top) return this.open(time, top, 'firing');
      if (topFiring) return this.open(time, topFiring, 'pending');
      return NO_CHANGE;
    }
    if (alert.state === 'pending') {
      if (top) {
        alert.state = 'firing';
        alert.firedAt = time;
        return this.emit(time, 'firing', top);
      }
      // Only a judged sample may cancel: a paused episode is still an episode.
      if (!topFiring && !paused) return this.close(time, 'cancelled', outcomes);
      return NO_CHANGE;
    }
    if (top && compareSeverity(top.rule.severity, alert.severity) > 0) {
      alert.acknowledged = null;
      return this.emit(time, 'escalated', top);
    }
    return this.settle(time, outcomes);
  }

  /**
   * Tracks a rule's episode: it starts on a sample where the rule fires
   * (threshold AND z-score) and goes on while the threshold holds. The z-score
   * gates the onset only: a rolling window absorbs a lasting dislocation within
   * a few dozen samples, so requiring z on every sample would make a 2-minute
   * persistence unreachable (the threshold alone carries an episode through a
   * z-score warmup). A judged false sample ends it; a sample that cannot be
   * judged pauses it. Returns the episode's start and whether this sample was
   * judged, or null when no episode is running.
   */
  private episodeOf(o: RuleOutcome, time: number): { since: number; judged: boolean } | null {
    const name = o.rule.name;
    const episode = this.episodes.get(name);
    if (o.status === 'skipped' && o.holds === null) {
      if (!episode) return null;
      episode.pausedSince ??= time;
      return { since: episode.since, judged: false };
    }
    if (episode && o.holds) {
      // Blind for too long to call it one episode: persistence counts again from here.
      if (episode.pausedSince !== null && time - episode.pausedSince > this.maxPauseMs) episode.since = time;
      episode.pausedSince = null;
      return { since: episode.since, judged: true };
    }
    if (o.status === 'judged' && o.fires) {
      this.episodes.set(name, { since: time, pausedSince: null });
      return { since: time, judged: true };
    }
    this.episodes.delete(name);
    return null;
  }

  /** Raises the open alert's peak value and z when this sample goes further; true when it did. */
  private trackPeak(outcomes: readonly RuleOutcome[]): boolean {
    const alert = this.alert;
    if (!alert) return false;
    const own = outcomes.find((o) => o.rule.name === alert.rule) ?? outcomes[0];
    if (!own || own.value === null || (own.status === 'skipped' && own.holds === null)) return false;
    const direction = own.rule.direction;
    let changed = false;
    if (alert.peakValue === null || alert.peakValue === undefined || further(direction, own.value, alert.peakValue)) {
      alert.peakValue = own.value;
      changed = true;
    }
    const z = own.status === 'judged' ? own.z : null;
    if (z !== null && (alert.peakZscore === null || alert.peakZscore === undefined || further(direction, z, alert.peakZscore))) {
      alert.peakZscore = z;
      changed = true;
    }
    return changed;
  }

  /** Records who acknowledged the open alert; null when there is none. */
  acknowledge(ack: Acknowledgement): AlertEvent | null {
    const alert = this.alert;
    if (!alert) return null;
    alert.acknowledged = ack;
    return this.event(ack.time, 'acknowledged', alert.value, alert.zscore, ack);
  }

  /** Resolution and de-escalation of a firing alert, both only after the clear time. */
  private settle(time: number, outcomes: readonly RuleOutcome[]): AlertStep {
    const alert = this.alert!;
    let holdsAny = false;
    let unknown = false;
    let holdsCurrent = false;
    let lowerHolding: RuleOutcome | null = null;
    for (const o of outcomes) {
      const holds = o.holds;
      if (holds === null) {
        unknown = true;
        continue;
      }
      if (!holds) continue;
      holdsAny = true;
      if (compareSeverity(o.rule.severity, alert.severity) >= 0) holdsCurrent = true;
      else if (!lowerHolding || compareSeverity(o.rule.severity, lowerHolding.rule.severity) > 0) lowerHolding = o;
    }
    const clearMs = alert.clearSeconds * 1000;
    // Data nobody can see counts as holding: an alert never clears on it.
    if (holdsAny || unknown) this.lastHoldAt = time;
    if (holdsCurrent || unknown) this.lastCurrentHoldAt = time;
    if (time - this.lastHoldAt >= clearMs) return this.close(time, 'resolved', outcomes);
    if (lowerHolding && time - this.lastCurrentHoldAt >= clearMs) return this.emit(time, 'deescalated', lowerHolding);
    return NO_CHANGE;
  }

  private open(time: number, cause: TrustedOutcome, state: 'pending' | 'firing'): AlertStep {
    const s = this.subject;
    this.alert = {
      id: `${s.key}/${s.metric}/${time}`,
      key: s.key,
      instrumentId: s.instrumentId,
      venue: s.venue,
      metric: s.metric,
      state,
      severity: cause.rule.severity,
      rule: cause.rule.name,
      openedAt: time,
      firedAt: state === 'firing' ? time : null,
      resolvedAt: null,
      value: cause.value,
      zscore: cause.status === 'judged' ? cause.z : null,
      threshold: cause.rule.threshold,
      acknowledged: null,
      peakValue: cause.value,
      peakZscore: cause.status === 'judged' ? cause.z : null,
      zThreshold: cause.rule.zscore,
      clearSeconds: cause.rule.clearSeconds,
    };
    return this.emit(time, state, cause);
  }

  /** Moves the alert to `cause`'s rule and severity and records the transition. */
  private emit(time: number, kind: AlertEventKind, cause: RuleOutcome): AlertStep {
    const alert = this.alert!;
    alert.severity = cause.rule.severity;
    alert.rule = cause.rule.name;
    alert.threshold = cause.rule.threshold;
    alert.zThreshold = cause.rule.zscore;
    alert.clearSeconds = cause.rule.clearSeconds;
    alert.value = cause.value;
    alert.zscore = cause.status === 'judged' ? cause.z : null;
    this.lastHoldAt = time;
    this.lastCurrentHoldAt = time;
    return { events: [this.event(time, kind, alert.value, alert.zscore)], changed: snapshot(alert) };
  }

  private close(time: number, kind: 'resolved' | 'cancelled', outcomes: readonly RuleOutcome[]): AlertStep {
    const alert = this.alert!;
    const own = outcomes.find((o) => o.rule.name === alert.rule);
    const value = own?.value ?? null;
    const z = own?.status === 'judged' ? own.z : null;
    alert.state = 'resolved';
    alert.resolvedAt = time;
    const event = this.event(time, kind, value, z);
    this.alert = null;
    this.episodes.clear();
    return { events: [event], changed: snapshot(alert) };
  }

  private event(
    time: number,
    kind: AlertEventKind,
    value: number | null,
    zscore: number | null,
    ack?: Acknowledgement,
  ): AlertEvent {
    const alert = this.alert!;
    return {
      alertId: alert.id,
      kind,
      time,
      severity: alert.severity,
      rule: alert.rule,
      metric: alert.metric,
      value,
      zscore,
      threshold: alert.threshold,
      zThreshold: alert.zThreshold,
      ...(ack ? { by: ack.by, note: ack.note } : {}),
    };
  }
}

/** An outcome whose threshold condition is known (judged, or warming up with a trustworthy value). */
type TrustedOutcome = RuleOutcome & { readonly value: number };

/** True when `a` is further out than `b` in the rule's direction. */
function further(direction: RuleOutcome['rule']['direction'], a: number, b: number): boolean {
  if (direction === 'above') return a > b;
  if (direction === 'below') return a < b;
  return Math.abs(a) > Math.abs(b);
}

type MutableAlert = { -readonly [K in keyof Alert]: Alert[K] } & { zThreshold: number | null; clearSeconds: number };

function snapshot(alert: MutableAlert): Alert {
  const { zThreshold: _z, clearSeconds: _c, ...rest } = alert;
  return rest;
}
