import type { FeedMetricName } from './model';
import type { RuleSpec } from './rule-types';

/**
 * The feed-integrity conditions alerts.yaml `feed:` configures, each over one
 * feed metric. `venue` conditions are judged per venue (crossed_book per book
 * of the venue); `engine` conditions concern the console itself, whatever the venue.
 * A `windowed` condition counts events over `window_seconds`; the others measure
 * how long something has lasted, in seconds.
 */
export const FEED_CONDITIONS = {
  feed_down: { metric: 'feed_down_seconds', windowed: false, scope: 'venue' },
  feed_stale: { metric: 'feed_stale_seconds', windowed: false, scope: 'venue' },
  resync_storm: { metric: 'resyncs_in_window', windowed: true, scope: 'venue' },
  sequence_gaps: { metric: 'gaps_in_window', windowed: true, scope: 'venue' },
  checksum_failures: { metric: 'checksum_failures_in_window', windowed: true, scope: 'venue' },
  rejected_frames: { metric: 'rejected_frames_in_window', windowed: true, scope: 'venue' },
  crossed_book: { metric: 'crossed_seconds', windowed: false, scope: 'venue' },
  book_drift: { metric: 'book_drift_in_window', windowed: true, scope: 'venue' },
  worker_restart: { metric: 'worker_restarts_in_window', windowed: true, scope: 'venue' },
  analytics_lag: { metric: 'analytics_lag_seconds', windowed: false, scope: 'engine' },
  history_write_failures: { metric: 'history_write_failures_in_window', windowed: true, scope: 'engine' },
} as const satisfies Record<string, { metric: FeedMetricName; windowed: boolean; scope: 'venue' | 'engine' }>;

export type FeedCondition = keyof typeof FEED_CONDITIONS;

export const FEED_CONDITION_NAMES = Object.keys(FEED_CONDITIONS) as FeedCondition[];

/** Subject of the engine-level conditions (analytics lag, history writes, the analytics worker). */
export const ENGINE_SUBJECT = 'engine';

/**
 * One feed condition after config resolution. `spec` is a threshold-only rule
 * (zscore null, direction above) the alert tracker runs like a market rule:
 * the value is seconds or a count in the window, and the alert opens when it
 * is above the threshold.
 */
export interface FeedRule {
  readonly condition: FeedCondition;
  readonly spec: RuleSpec;
  /** Counting window of a windowed condition; null for a duration. */
  readonly windowMs: number | null;
}

/** Resolved feed rules: per venue (its overrides over `default`) and for the engine. */
export interface FeedRuleSet {
  forVenue(venue: string): readonly FeedRule[];
  readonly engine: readonly FeedRule[];
}
