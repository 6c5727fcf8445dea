import type { MetricName, Severity } from './model';

/**
 * `above`: value > threshold (and z > zscore);
 * `below`: value < threshold (and z < -zscore);
 * `abs_above`: |value| > threshold (and |z| > zscore), for metrics such as
 * basis that are unusual in either direction.
 */
export type RuleDirection = 'above' | 'below' | 'abs_above';

/** A rule after config resolution: what the evaluator runs. */
export interface RuleSpec {
  /** The rule's key in alerts.yaml, e.g. `spread_warning`. */
  readonly name: string;
  readonly metric: MetricName;
  readonly direction: RuleDirection;
  readonly threshold: number;
  /** z-score the value must also pass; null means threshold only. */
  readonly zscore: number | null;
  /** Seconds the condition must hold before the alert fires; 0 fires at once. */
  readonly persistSeconds: number;
  readonly severity: Severity;
  /** Seconds the condition must stay false before the alert resolves. */
  readonly clearSeconds: number;
}

export interface ZScoreSettings {
  readonly enabled: boolean;
  /** Samples in the rolling window. */
  readonly windowSize: number;
  /** Samples needed before a z-score is reported (warmup). */
  readonly minSamples: number;
  /** Drop the window when the data behind it had a gap. */
  readonly resetOnGap: boolean;
}
