import { evaluateRule, type RuleOutcome } from './alert-rules';
import { AlertTracker } from './alert-tracker';
import type { Acknowledgement, Alert, AlertEvent, MetricName, MetricSample } from './model';
import { RollingZScore, type ZScoreResult } from './rolling-zscore';
import type { RuleSpec, ZScoreSettings } from './rule-types';

/** Metrics that always get a z-score (for display), besides those rules ask for. */
export const DEFAULT_ZSCORE_METRICS: readonly MetricName[] = [
  'spread_bps',
  'depth_10bps',
  'imbalance',
  'basis_perp_spot_bps',
  'basis_perp_index_bps',
  'basis_mark_index_bps',
  'funding_rate',
  'cross_venue_bps',
];

export interface EvaluatorOptions {
  readonly zscore: ZScoreSettings;
  /** The sampling interval; a silence longer than `gapIntervals` of them is a gap. */
  readonly sampleIntervalMs: number;
  readonly gapIntervals?: number;
  /** Resolved rules for an instrument (the `default` profile for unconfigured ones). */
  rulesFor(instrumentId: string, key: string): readonly RuleSpec[];
}

/** Everything one sample produced: what the UI shows and what storage keeps. */
export interface SampleEvaluation {
  readonly sample: MetricSample;
  readonly zscores: Readonly<Partial<Record<MetricName, ZScoreResult>>>;
  readonly outcomes: readonly RuleOutcome[];
  readonly events: readonly AlertEvent[];
  /** Alerts that changed on this sample (opened, escalated, resolved...). */
  readonly alerts: readonly Alert[];
  /** True when the z-score windows were dropped on this sample (gap, stale, invalid book). */
  readonly reset: boolean;
}

interface InstrumentState {
  readonly rulesByMetric: ReadonlyMap<MetricName, readonly RuleSpec[]>;
  readonly trackers: Map<MetricName, AlertTracker>;
  readonly windows: Map<MetricName, RollingZScore>;
  lastTime: number | null;
  wasHealthy: boolean;
}

/**
 * Turns metric samples into z-scores, rule outcomes and alert transitions, one
 * sample per instrument per sampling interval. Pure and clock-free: time comes
 * with the sample, so live, replay and tests run the same code.
 */
export class SurveillanceEvaluator {
  private readonly instruments = new Map<string, InstrumentState>();
  private readonly gapMs: number;

  constructor(private readonly options: EvaluatorOptions) {
    this.gapMs = options.sampleIntervalMs * (options.gapIntervals ?? 2.5);
  }

  evaluate(sample: MetricSample): SampleEvaluation {
    const state = this.stateFor(sample);
    const healthy = !sample.health.stale && sample.health.bookValid;
    const silent = state.lastTime !== null && sample.time - state.lastTime > this.gapMs;
    let reset = false;
    if (this.options.zscore.resetOnGap && (silent || (!healthy && state.wasHealthy))) {
      for (const w of state.windows.values()) w.reset();
      reset = true;
    }
    state.lastTime = sample.time;
    state.wasHealthy = healthy;

    const zscores: Partial<Record<MetricName, ZScoreResult>> = {};
    for (const [metric, window] of state.windows) {
      const value = sample.values[metric];
      if (value === undefined || !Number.isFinite(value)) continue;
      zscores[metric] = healthy ? window.update(value) : window.score(value);
    }

    const outcomes: RuleOutcome[] = [];
    const events: AlertEvent[] = [];
    const alerts: Alert[] = [];
    for (const [metric, rules] of state.rulesByMetric) {
      const metricOutcomes = rules.map((rule) =>
        evaluateRule(this.effective(rule), sample.values[metric], zscores[metric], sample.health),
      );
      outcomes.push(...metricOutcomes);
      let tracker = state.trackers.get(metric);
      if (!tracker) {
        tracker = new AlertTracker({ key: sample.key, instrumentId: sample.instrumentId, venue: sample.venue, metric });
        state.trackers.set(metric, tracker);
      }
      const step = tracker.step(sample.time, metricOutcomes);
      events.push(...step.events);
      if (step.changed) alerts.push(step.changed);
    }
    return { sample, zscores, outcomes, events, alerts, reset };
  }

  /** Drops the z-score windows of an instrument after a gap the sampler saw (resync, reconnect). */
  markGap(key: string): void {
    const state = this.instruments.get(key);
    if (!state || !this.options.zscore.resetOnGap) return;
    for (const w of state.windows.values()) w.reset();
  }

  /** Acknowledges an open alert; null when no open alert has that id. */
  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    for (const state of this.instruments.values()) {
      for (const tracker of state.trackers.values()) {
        if (tracker.current?.id === alertId) return tracker.acknowledge(ack);
      }
    }
    return null;
  }

  /** Alerts currently pending or firing. */
  openAlerts(): Alert[] {
    const open: Alert[] = [];
    for (const state of this.instruments.values()) {
      for (const tracker of state.trackers.values()) {
        const alert = tracker.current;
        if (alert) open.push(alert);
      }
    }
    return open;
  }

  /** With z-scores switched off, dual-condition rules fall back to their threshold alone. */
  private effective(rule: RuleSpec): RuleSpec {
    return this.options.zscore.enabled || rule.zscore === null ? rule : { ...rule, zscore: null };
  }

  private stateFor(sample: MetricSample): InstrumentState {
    let state = this.instruments.get(sample.key);
    if (state) return state;
    const rules = this.options.rulesFor(sample.instrumentId, sample.key);
    const rulesByMetric = new Map<MetricName, RuleSpec[]>();
    for (const rule of rules) {
      const list = rulesByMetric.get(rule.metric) ?? [];
      list.push(rule);
      rulesByMetric.set(rule.metric, list);
    }
    const windows = new Map<MetricName, RollingZScore>();
    if (this.options.zscore.enabled) {
      const metrics = new Set<MetricName>(DEFAULT_ZSCORE_METRICS);
      for (const rule of rules) if (rule.zscore !== null) metrics.add(rule.metric);
      for (const metric of metrics) windows.set(metric, RollingZScore.fromSettings(this.options.zscore));
    }
    state = { rulesByMetric, trackers: new Map(), windows, lastTime: null, wasHealthy: true };
    this.instruments.set(sample.key, state);
    return state;
  }
}
