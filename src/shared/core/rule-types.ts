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
  /**
   * Start the window over when the data behind it had a gap. Until the new
   * window has `minSamples`, samples are judged against the last good window
   * (see `referenceMaxAgeMs`), so an anomaly that begins during a re-warm is
   * still seen as unusual.
   */
  readonly resetOnGap: boolean;
  /** The last good window is trusted for this long after its last sample; past it the re-warm starts cold. Default 10 min. */
  readonly referenceMaxAgeMs?: number;
  /** Least standard deviation per metric, so a flat series cannot yield z = ±1e6. */
  readonly stdFloors?: Readonly<Partial<Record<MetricName, StdFloor>>>;
}

/**
 * A standard-deviation floor; the largest of the parts given applies.
 * `abs` in the metric's units; `ticks` (bps metrics) that many ticks of the
 * instrument in bps of its mid; `relative` a fraction of |window mean| (depth).
 */
export interface StdFloor {
  readonly abs?: number;
  readonly ticks?: number;
  readonly relative?: number;
}
