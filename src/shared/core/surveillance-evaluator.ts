import { compareSeverity, evaluateRule, pastThreshold, pastZScore, type RuleOutcome } from './alert-rules';
import { AlertTracker } from './alert-tracker';
import { blindingReason, sourcesInterrupted } from './metric-sources';
import type { Acknowledgement, Alert, AlertEvent, MetricName, MetricSample, Severity } from './model';
import { RollingZScore, type StdFloorValue, type ZScoreResult } from './rolling-zscore';
import { ruleStatus, type RuleStatus } from './rule-status';
import type { RuleSpec, ZScoreSettings } from './rule-types';

/** Metrics that always get a z-score (for display), besides those rules ask for. */
export const DEFAULT_ZSCORE_METRICS: readonly MetricName[] = [
  'spread_bps',
  'depth_10bps',
  'imbalance',
  'basis_perp_spot_bps',
  'basis_perp_index_bps',
  'basis_mark_index_bps',
  'basis_annualized_pct',
  'funding_bps_8h',
  'cross_venue_bps',
];

export interface EvaluatorOptions {
  readonly zscore: ZScoreSettings;
  /** The sampling interval; a silence longer than `gapIntervals` of them is a gap. */
  readonly sampleIntervalMs: number;
  readonly gapIntervals?: number;
  /** How long a pending episode bridges samples that cannot be judged (alerts.yaml lifecycle). */
  readonly maxPauseMs?: number;
  /** Resolved rules for an instrument (the `default` profile for unconfigured ones). */
  rulesFor(instrumentId: string, key: string): readonly RuleSpec[];
}

/** Everything one sample produced: what the UI shows and what storage keeps. */
export interface SampleEvaluation {
  readonly sample: MetricSample;
  readonly zscores: Readonly<Partial<Record<MetricName, ZScoreResult>>>;
  readonly outcomes: readonly RuleOutcome[];
  /** Where each rule stands after this sample: why it is (not) alerting. */
  readonly rules: readonly RuleStatus[];
  readonly events: readonly AlertEvent[];
  /** Alerts that changed on this sample (opened, escalated, resolved, a new peak...). */
  readonly alerts: readonly Alert[];
  /** True when some z-score window started over on this sample (gap, stale, invalid source). */
  readonly reset: boolean;
}

interface WindowState {
  readonly window: RollingZScore;
  /** Time of the last sample added. */
  lastGoodAt: number | null;
  /** A source of this metric was unhealthy or missing since the last sample added: re-warm before the next. */
  dirty: boolean;
}

interface InstrumentState {
  readonly instrumentId: string;
  rulesByMetric: ReadonlyMap<MetricName, readonly RuleSpec[]>;
  /** `rulesByMetric` flattened for `mayBeUrgent`; null until first needed and whenever the rules change. */
  screen: MetricScreen[] | null;
  readonly trackers: Map<MetricName, AlertTracker>;
  /** Trackers of metrics left without rules by `refreshRules`: stepped with no outcomes until their alert is over. */
  readonly retiring: Map<MetricName, AlertTracker>;
  readonly windows: Map<MetricName, WindowState>;
  lastTime: number | null;
}

const DEFAULT_REFERENCE_MAX_AGE_MS = 600_000;

/** One metric's rules with their loosest thresholds per direction: past any of them is past some rule's. */
export interface MetricScreen {
  readonly metric: MetricName;
  /** The metric's tracker when the screen was built (a new tracker drops the screen): no map lookup per sample. */
  readonly tracker: AlertTracker | undefined;
  readonly rules: readonly RuleSpec[];
  readonly above: number;
  readonly absAbove: number;
  readonly below: number;
}

function screenOf(rulesByMetric: ReadonlyMap<MetricName, readonly RuleSpec[]>, trackers: ReadonlyMap<MetricName, AlertTracker>): MetricScreen[] {
  const out: MetricScreen[] = [];
  for (const [metric, rules] of rulesByMetric) {
    let above = Number.POSITIVE_INFINITY;
    let absAbove = Number.POSITIVE_INFINITY;
    let below = Number.NEGATIVE_INFINITY;
    for (const rule of rules) {
      if (rule.direction === 'above') above = Math.min(above, rule.threshold);
      else if (rule.direction === 'abs_above') absAbove = Math.min(absAbove, rule.threshold);
      else below = Math.max(below, rule.threshold);
    }
    out.push({ metric, tracker: trackers.get(metric), rules, above, absAbove, below });
  }
  return out;
}

/**
 * Turns metric samples into z-scores, rule outcomes and alert transitions, one
 * sample per instrument per sampling interval. Pure and clock-free: time comes
 * with the sample, so live, replay and tests run the same code.
 *
 * Bad data is handled per source (see metric-sources.ts): a window re-warms
 * only when a source its metric reads had a hole, judging against the last
 * good window meanwhile; a rule skips only when its own inputs are unhealthy.
 */
/** How soon a sample's evaluation may raise an alert event (`SurveillanceEvaluator.transitionUrgency`). */
export type TransitionUrgency = 'now' | 'steady' | 'none';

/**
 * A firing alert that a sample of `value` at `time` changes no more than its
 * peak: no rule above its severity past its threshold (which could
 * escalate), and either a rule at its severity still past its threshold or
 * the clear time not yet run out (de-escalation and resolution wait for it),
 * with the value readable (a blind spell pauses, which can cancel).
 */
function firingStaysQuiet(tracker: AlertTracker, rules: readonly RuleSpec[], value: number | undefined, blind: boolean, time: number): boolean {
  if (tracker.firingSeverity === null || blind || value === undefined || !Number.isFinite(value)) return false;
  let held: Severity | null = null;
  for (const rule of rules) {
    if (pastThreshold(rule.direction, value, rule.threshold) && (held === null || compareSeverity(rule.severity, held) > 0)) held = rule.severity;
  }
  return tracker.quietAt(time, held);
}

/** What {@link SurveillanceEvaluator.screenAhead} leaves for later: the instrument's screen and the entries whose values were not known. */
export interface PartialScreen {
  readonly screen: readonly MetricScreen[];
  readonly left: readonly number[];
}

/** One metric's screen: true when its sample may raise an event, false when not, null when its value is not known yet. */
function screenEntry(entry: MetricScreen, time: number, valueOf: (metric: MetricName) => number | undefined | null): boolean | null {
  const value = valueOf(entry.metric);
  if (value === null) return null;
  const { tracker, rules, above, absAbove, below } = entry;
  if (tracker !== undefined && !tracker.idle) return !firingStaysQuiet(tracker, rules, value, false, time);
  if (value === undefined || !Number.isFinite(value)) return false;
  return value > above || value < below || Math.abs(value) > absAbove;
}

export class SurveillanceEvaluator {
  private readonly instruments = new Map<string, InstrumentState>();
  private readonly gapMs: number;
  private readonly referenceMaxAgeMs: number;

  constructor(private readonly options: EvaluatorOptions) {
    this.gapMs = options.sampleIntervalMs * (options.gapIntervals ?? 2.5);
    this.referenceMaxAgeMs = options.zscore.referenceMaxAgeMs ?? DEFAULT_REFERENCE_MAX_AGE_MS;
  }

  evaluate(sample: MetricSample): SampleEvaluation {
    const state = this.stateFor(sample);
    const time = sample.time;
    const silent = state.lastTime !== null && time - state.lastTime > this.gapMs;
    state.lastTime = time;
    const resetOnGap = this.options.zscore.resetOnGap;
    let reset = false;

    const zscores: Partial<Record<MetricName, ZScoreResult>> = {};
    for (const [metric, ws] of state.windows) {
      const value = sample.values[metric];
      const finite = value !== undefined && Number.isFinite(value);
      const floor = finite ? this.floorFor(metric, sample) : undefined;
      if (!finite || blindingReason(metric, sample.health) !== null) {
        // Nothing added while a source is unhealthy; the series has a hole once it is back.
        ws.dirty = true;
        if (finite) zscores[metric] = ws.window.score(value, floor);
        continue;
      }
      if (resetOnGap && (ws.dirty || silent || sourcesInterrupted(metric, sample.health))) {
        if (ws.lastGoodAt !== null && time - ws.lastGoodAt > this.referenceMaxAgeMs) ws.window.reset();
        else ws.window.rewarm();
        reset = true;
      }
      ws.dirty = false;
      ws.lastGoodAt = time;
      zscores[metric] = ws.window.update(value, floor);
    }

    const outcomes: RuleOutcome[] = [];
    const rules: RuleStatus[] = [];
    const events: AlertEvent[] = [];
    const alerts: Alert[] = [];
    for (const [metric, metricRules] of state.rulesByMetric) {
      const blind = blindingReason(metric, sample.health);
      const value = sample.values[metric];
      const z = zscores[metric];
      const metricOutcomes = metricRules.map((rule) => evaluateRule(this.effective(rule), value, z, sample.health, blind));
      outcomes.push(...metricOutcomes);
      let tracker = state.trackers.get(metric);
      if (!tracker) {
        tracker = new AlertTracker(
          { key: sample.key, instrumentId: sample.instrumentId, venue: sample.venue, metric },
          this.options.maxPauseMs === undefined ? {} : { maxPauseMs: this.options.maxPauseMs },
        );
        state.trackers.set(metric, tracker);
        state.screen = null;
      }
      const step = tracker.step(time, metricOutcomes);
      events.push(...step.events);
      if (step.changed) alerts.push(step.changed);
      for (const o of metricOutcomes) rules.push(ruleStatus(time, o, tracker.episode(o.rule.name), zscores[metric]));
    }
    for (const [metric, tracker] of state.retiring) {
      // No rule judges this metric any more: a pending alert is cancelled, a firing one resolves after its clear time.
      const step = tracker.step(time, []);
      events.push(...step.events);
      if (step.changed) alerts.push(step.changed);
      if (tracker.idle) state.retiring.delete(metric);
    }
    return { sample, zscores, outcomes, rules, events, alerts, reset };
  }

  /**
   * A cheap screen for {@link transitionUrgency} before the sample is even
   * prepared: `valueOf` gives a metric's value as the sample will carry it,
   * or undefined when the value is missing or one of its sources is not
   * healthy; `time` is the sample's. False only when the sample can raise no
   * event: every rule's metric is idle and short of all its thresholds, or
   * leaves a firing alert quiet (as `transitionUrgency`'s `steady`: held, or
   * clearing with clear time left). No z-score is read, so what
   * is past a threshold counts as maybe (a superset of `now`). Changes no state.
   */
  mayBeUrgent(key: string, time: number, valueOf: (metric: MetricName) => number | undefined): boolean {
    const state = this.instruments.get(key);
    if (state === undefined || state.retiring.size > 0) return true;
    const screen = (state.screen ??= screenOf(state.rulesByMetric, state.trackers));
    for (let i = 0; i < screen.length; i++) if (screenEntry(screen[i]!, time, valueOf) !== false) return true;
    return false;
  }

  /**
   * {@link mayBeUrgent} taken before every value is known (a boundary's
   * other venues have not reported yet): `valueOf` answers null for a metric
   * whose value waits on them. True or false when the known values decide
   * (some metric may be urgent, or none is and none waits); otherwise what is
   * left, for {@link finishScreen} once the rest is in. Valid until the
   * evaluator's state changes (an evaluation, an acknowledgement, new
   * rules): the caller drops it then. Changes no state.
   */
  screenAhead(key: string, time: number, valueOf: (metric: MetricName) => number | undefined | null): boolean | PartialScreen {
    const state = this.instruments.get(key);
    if (state === undefined || state.retiring.size > 0) return true;
    const screen = (state.screen ??= screenOf(state.rulesByMetric, state.trackers));
    let left: number[] | null = null;
    for (let i = 0; i < screen.length; i++) {
      const verdict = screenEntry(screen[i]!, time, valueOf);
      if (verdict === true) return true;
      if (verdict === null) (left ??= []).push(i);
    }
    return left === null ? false : { screen, left };
  }

  /** {@link mayBeUrgent}'s answer for a screen {@link screenAhead} left partial: only the metrics it left are read. */
  finishScreen(key: string, time: number, partial: PartialScreen, valueOf: (metric: MetricName) => number | undefined): boolean {
    const state = this.instruments.get(key);
    // Rules or trackers changed since: the partial screen is another's.
    if (state === undefined || state.retiring.size > 0 || state.screen !== partial.screen) return this.mayBeUrgent(key, time, valueOf);
    for (const i of partial.left) if (screenEntry(partial.screen[i]!, time, valueOf) !== false) return true;
    return false;
  }

  /**
   * Whether evaluating `sample` could raise an alert event or change an
   * alert. With no alert or episode under way, only a rule that fires can
   * (threshold AND z-score, on a source that is not blind), so that is what
   * is checked, against the z the sample would get: the window's score before
   * it takes the value. Where that is not known cheaply (the window re-warms
   * or starts over at this sample), the answer is yes. When false, `evaluate`
   * emits no event and changes no alert, so a caller in a hurry may evaluate
   * the sample later in the same boundary. Changes no state.
   */
  mayTransition(sample: MetricSample): boolean {
    return this.transitionUrgency(sample) !== 'none';
  }

  /**
   * {@link mayTransition} graded, so a caller can put first what is likely
   * to raise an event: `now` for a rule that fires, a pending alert, an
   * episode under way or anything not known cheaply; `steady` when the only
   * thing under way is a firing alert that no rule above it can escalate and
   * that either still holds at its severity or is clearing with clear time
   * left: the sample may move the alert's peak but raises no event
   * (escalation needs a higher rule past its threshold, de-escalation and
   * resolution need the clear time to run out); `none` when no event is
   * possible and no alert changes. Changes no state.
   */
  transitionUrgency(sample: MetricSample): TransitionUrgency {
    const state = this.stateFor(sample);
    if (state.retiring.size > 0) return 'now';
    const silent = state.lastTime !== null && sample.time - state.lastTime > this.gapMs;
    let steady = false;
    for (const [metric, metricRules] of state.rulesByMetric) {
      const tracker = state.trackers.get(metric);
      const value = sample.values[metric];
      if (tracker !== undefined && !tracker.idle) {
        if (!firingStaysQuiet(tracker, metricRules, value, blindingReason(metric, sample.health) !== null, sample.time)) return 'now';
        steady = true;
        continue;
      }
      if (value === undefined || !Number.isFinite(value) || blindingReason(metric, sample.health) !== null) continue;
      let z: ZScoreResult | undefined | null = null;
      for (const rule of metricRules) {
        if (!pastThreshold(rule.direction, value, rule.threshold)) continue;
        const k = this.effective(rule).zscore;
        if (k === null) return 'now';
        if (z === null) z = this.prospectiveZ(state, metric, sample, value, silent);
        if (z === undefined || (z.ready && pastZScore(rule.direction, z.z, k))) return 'now';
      }
    }
    return steady ? 'steady' : 'none';
  }

  /** The z `evaluate` would give `value` of `metric`; undefined when its window would re-warm or start over first. */
  private prospectiveZ(state: InstrumentState, metric: MetricName, sample: MetricSample, value: number, silent: boolean): ZScoreResult | undefined {
    const ws = state.windows.get(metric);
    if (ws === undefined) return undefined;
    if (this.options.zscore.resetOnGap && (ws.dirty || silent || sourcesInterrupted(metric, sample.health))) return undefined;
    return ws.window.score(value, this.floorFor(metric, sample));
  }

  /**
   * The instrument's rules may have changed (it moved to another liquidity
   * tier): from its next sample it is judged by `rulesFor`'s answer now. The
   * z-score windows are kept (the series is the same market), a new metric
   * a rule asks a z-score of gets a fresh window, an alert of a metric that
   * keeps rules goes on under the new thresholds, and a metric left without
   * rules has its alert wound down (a pending one cancelled, a firing one
   * resolved after its clear time). True when the rules changed.
   */
  refreshRules(key: string): boolean {
    const state = this.instruments.get(key);
    if (!state) return false;
    const rules = this.options.rulesFor(state.instrumentId, key);
    const next = rulesByMetricOf(rules);
    if (sameRules(state.rulesByMetric, next)) return false;
    for (const [metric, tracker] of state.trackers) {
      if (next.has(metric)) continue;
      state.trackers.delete(metric);
      if (!tracker.idle) state.retiring.set(metric, tracker);
    }
    state.rulesByMetric = next;
    state.screen = null;
    if (this.options.zscore.enabled) {
      for (const rule of rules) {
        if (rule.zscore !== null && !state.windows.has(rule.metric)) state.windows.set(rule.metric, { window: RollingZScore.fromSettings(this.options.zscore), lastGoodAt: null, dirty: false });
      }
    }
    return true;
  }

  /** The series of an instrument had a hole the sampler saw (resync, reconnect, worker restart): its windows re-warm. */
  markGap(key: string): void {
    const state = this.instruments.get(key);
    if (!state || !this.options.zscore.resetOnGap) return;
    for (const ws of state.windows.values()) ws.dirty = true;
  }

  /** Acknowledges an open alert; null when no open alert has that id. */
  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    for (const state of this.instruments.values()) {
      for (const tracker of state.trackers.values()) {
        if (tracker.current?.id === alertId) return tracker.acknowledge(ack);
      }
      for (const tracker of state.retiring.values()) {
        if (tracker.current?.id === alertId) return tracker.acknowledge(ack);
      }
    }
    return null;
  }

  /** Alerts currently pending or firing. */
  openAlerts(): Alert[] {
    const open: Alert[] = [];
    for (const state of this.instruments.values()) {
      for (const trackers of [state.trackers, state.retiring]) {
        for (const tracker of trackers.values()) {
          const alert = tracker.current;
          if (alert) open.push(alert);
        }
      }
    }
    return open;
  }

  /** With z-scores switched off, dual-condition rules fall back to their threshold alone. */
  private effective(rule: RuleSpec): RuleSpec {
    return this.options.zscore.enabled || rule.zscore === null ? rule : { ...rule, zscore: null };
  }

  /** The std floor of a metric on this sample: `ticks` needs the tick size and the mid. */
  private floorFor(metric: MetricName, sample: MetricSample): StdFloorValue | undefined {
    const spec = this.options.zscore.stdFloors?.[metric];
    if (!spec) return undefined;
    let abs = spec.abs ?? 0;
    const mid = sample.values.mid;
    if (spec.ticks !== undefined && sample.tickSize !== undefined && mid !== undefined && mid > 0) {
      abs = Math.max(abs, (spec.ticks * sample.tickSize * 1e4) / mid);
    }
    return { abs, relative: spec.relative ?? 0 };
  }

  private stateFor(sample: MetricSample): InstrumentState {
    let state = this.instruments.get(sample.key);
    if (state) return state;
    const rules = this.options.rulesFor(sample.instrumentId, sample.key);
    const windows = new Map<MetricName, WindowState>();
    if (this.options.zscore.enabled) {
      const metrics = new Set<MetricName>(DEFAULT_ZSCORE_METRICS);
      for (const rule of rules) if (rule.zscore !== null) metrics.add(rule.metric);
      for (const metric of metrics) windows.set(metric, { window: RollingZScore.fromSettings(this.options.zscore), lastGoodAt: null, dirty: false });
    }
    state = { instrumentId: sample.instrumentId, rulesByMetric: rulesByMetricOf(rules), screen: null, trackers: new Map(), retiring: new Map(), windows, lastTime: null };
    this.instruments.set(sample.key, state);
    return state;
  }

}

function rulesByMetricOf(rules: readonly RuleSpec[]): Map<MetricName, RuleSpec[]> {
  const byMetric = new Map<MetricName, RuleSpec[]>();
  for (const rule of rules) {
    const list = byMetric.get(rule.metric) ?? [];
    list.push(rule);
    byMetric.set(rule.metric, list);
  }
  return byMetric;
}

/** Same metrics, and for each the same rules in the same order (field by field). */
function sameRules(a: ReadonlyMap<MetricName, readonly RuleSpec[]>, b: ReadonlyMap<MetricName, readonly RuleSpec[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [metric, list] of a) {
    const other = b.get(metric);
    if (other === undefined || other.length !== list.length) return false;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      const y = other[i]!;
      if (x === y) continue;
      const keys = Object.keys(x) as (keyof RuleSpec)[];
      if (keys.length !== Object.keys(y).length || keys.some((k) => x[k] !== y[k])) return false;
    }
  }
  return true;
}
