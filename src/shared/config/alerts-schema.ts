import { z } from 'zod';
import type { MetricName, Severity } from '../core/model';
import type { RuleDirection } from '../core/rule-types';
import { DEFAULT_FEED_ALERTS, feedAlertsSchema, type FeedAlertsConfig } from './feed-alerts-schema';
import { isMetricName } from './metric-names';
import { positiveNumber, seconds } from './schema-parts';

/** The profile name that applies to every instrument without its own profile. */
export const DEFAULT_PROFILE = 'default';

/** One rule as written in alerts.yaml, before merging and lifecycle defaults. */
export interface RuleConfig {
  readonly metric: MetricName;
  readonly direction: RuleDirection;
  readonly threshold: number;
  /** null: threshold only, no z-score condition. */
  readonly zscore: number | null;
  /** null: fire at once. */
  readonly persistSeconds: number | null;
  readonly severity: Severity;
  /** null: use `lifecycle.clearSeconds`. */
  readonly clearSeconds: number | null;
}

/** Rules of one profile keyed by rule name, in file order. */
export type RuleProfile = Readonly<Record<string, RuleConfig>>;

/** alerts.yaml after validation. */
export interface AlertsConfig {
  readonly lifecycle: {
    /** Default seconds a condition must stay false before its alert resolves. */
    readonly clearSeconds: number;
    /** How long a pending episode bridges samples that cannot be judged; longer blind spells restart its persistence. */
    readonly maxPauseSeconds: number;
  };
  /** `default` plus one profile per canonical instrument id. */
  readonly thresholds: Readonly<Record<string, RuleProfile>> & { readonly default: RuleProfile };
  /** Feed-integrity rules (`feed:`); the built-in defaults when the section is left out. */
  readonly feed: FeedAlertsConfig;
}

const metricSchema = z
  .string()
  .refine(isMetricName, 'expected a metric name such as spread_bps, depth_10bps, depth_bid_25bps, basis_perp_spot_bps');

const ruleSchema = z
  .object({
    metric: metricSchema,
    direction: z.enum(['above', 'below', 'abs_above']),
    threshold: z.number(),
    zscore: positiveNumber.nullable().optional(),
    persist_seconds: seconds.optional(),
    severity: z.enum(['warning', 'critical']),
    clear_seconds: seconds.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    // |value| is never negative, so a negative bar would fire on every sample.
    if (r.direction === 'abs_above' && r.threshold < 0) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `abs_above needs a threshold >= 0, got ${r.threshold}` });
    }
  })
  .transform(
    (r): RuleConfig => ({
      metric: r.metric as MetricName,
      direction: r.direction,
      threshold: r.threshold,
      zscore: r.zscore ?? null,
      persistSeconds: r.persist_seconds ?? null,
      severity: r.severity,
      clearSeconds: r.clear_seconds ?? null,
    }),
  );

const ruleName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a rule name in snake_case such as spread_warning');

const profileSchema = z.record(ruleName, ruleSchema);

/** Schema of alerts.yaml. */
export const alertsSchema = z
  .object({
    lifecycle: z.object({ clear_seconds: seconds, max_pause_seconds: seconds.optional() }).strict(),
    // `default` is required; every other key must be an instrument id (checked against instruments.yaml later).
    thresholds: z.object({ [DEFAULT_PROFILE]: profileSchema }).catchall(profileSchema),
    feed: feedAlertsSchema.optional(),
  })
  .strict()
  .transform(
    (a): AlertsConfig => ({
      lifecycle: { clearSeconds: a.lifecycle.clear_seconds, maxPauseSeconds: a.lifecycle.max_pause_seconds ?? 60 },
      thresholds: a.thresholds as AlertsConfig['thresholds'],
      feed: a.feed ?? DEFAULT_FEED_ALERTS,
    }),
  );
