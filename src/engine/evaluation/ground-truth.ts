import { isFeedMetricName } from '../../shared/config';
import type { MetricName, Severity } from '../../shared/core/model';

/** Alert rules grouped by what they watch; detection quality is judged per family. */
export type RuleFamily = 'spread' | 'depth' | 'basis' | 'mark_index' | 'cross_venue' | 'funding' | 'feed' | 'other';

/** The family of the rules on a metric. */
export function familyOf(metric: MetricName | string): RuleFamily {
  if (metric === 'spread_bps' || metric === 'spread_abs') return 'spread';
  if (metric.startsWith('depth_')) return 'depth';
  if (metric === 'basis_perp_spot_bps' || metric === 'basis_perp_index_bps' || metric === 'basis_annualized_pct') return 'basis';
  if (metric === 'basis_mark_index_bps') return 'mark_index';
  if (metric === 'cross_venue_bps') return 'cross_venue';
  if (metric === 'funding_rate' || metric === 'funding_bps_8h') return 'funding';
  if (isFeedMetricName(metric)) return 'feed';
  return 'other';
}

/** Feed happenings a scenario should produce, as the replay report counts them per venue. */
export type ExpectedFeedEvent = 'gap' | 'checksum_failure' | 'stale' | 'resync' | 'book_drift';

/** One injected anomaly and what a correct console should make of it. */
export interface Injection {
  readonly scenario: string;
  readonly venue: string;
  /** Canonical instrument ids the anomaly was injected on. */
  readonly instruments: readonly string[];
  readonly start: number;
  readonly end: number;
  /** Alert families (and the severity they should reach) that should fire; empty: none should. */
  readonly expect: readonly { readonly family: RuleFamily; readonly severity: Severity }[];
  readonly expectFeed: readonly ExpectedFeedEvent[];
}

/** The labels the simulator writes beside a capture (`simulate --out C --labels L`). */
export interface GroundTruth {
  readonly scenario: string;
  readonly seed: number;
  readonly captureStart: number;
  readonly captureEnd: number;
  readonly injections: readonly Injection[];
}
