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

/**
 * A liquidity tier: listings trading at least `minVolume24hUsd` in 24 h (and
 * not in an earlier tier) are judged by the profile of the same name in
 * `thresholds`, merged over `default`, so BTC and a long-tail token are not
 * held to one depth bar.
 */
export interface TierConfig {
  readonly name: string;
  readonly minVolume24hUsd: number;
  /** Book depth a `select:` rule with `depth: auto` gives this tier's listings. */
  readonly depth: 'full' | 'partial';
  /**
   * Or: a median resting depth (bid + ask within `depthBandBps` of the mid,
   * USD) at least this deep, as the local history observed it
   * (src/shared/core/tier-assignment.ts); absent or null: volume only.
   */
  readonly minDepthUsd?: number | null;
  /** The band `minDepthUsd` is measured within (features.yaml depth_bands_bps); default 10. */
  readonly depthBandBps?: number;
}

/** alerts.yaml after validation. */
export interface AlertsConfig {
  readonly lifecycle: {
    /** Default seconds a condition must stay false before its alert resolves. */
    readonly clearSeconds: number;
    /** How long a pending episode bridges samples that cannot be judged; longer blind spells restart its persistence. */
    readonly maxPauseSeconds: number;
  };
  /** `default`, one profile per tier name, and one per canonical instrument id. */
  readonly thresholds: Readonly<Record<string, RuleProfile>> & { readonly default: RuleProfile };
  /** Most liquid first; empty when alerts.yaml defines none. */
  readonly tiers: readonly TierConfig[];
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

const tierName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a tier name in snake_case such as major');

const tierSchema = z
  .object({
    name: tierName,
    min_volume_24h_usd: z.number().min(0),
    depth: z.enum(['full', 'partial']).optional(),
    min_depth_usd: positiveNumber.optional(),
    depth_band_bps: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.depth_band_bps !== undefined && t.min_depth_usd === undefined) {
      ctx.addIssue({ code: 'custom', path: ['depth_band_bps'], message: 'a band without min_depth_usd measures nothing: add min_depth_usd or drop the band' });
    }
  })
  .transform(
    (t): TierConfig => ({
      name: t.name,
      minVolume24hUsd: t.min_volume_24h_usd,
      depth: t.depth ?? 'full',
      minDepthUsd: t.min_depth_usd ?? null,
      depthBandBps: t.depth_band_bps ?? DEFAULT_TIER_DEPTH_BAND_BPS,
    }),
  );

/** The band a tier's `min_depth_usd` is measured within when it names none. */
export const DEFAULT_TIER_DEPTH_BAND_BPS = 10;

/** Lower-case keys of `thresholds` are `default` or a tier; upper-case ones are instrument ids. */
const PROFILE_KEY = /^[a-z]/;

/** Schema of alerts.yaml. */
export const alertsSchema = z
  .object({
    lifecycle: z.object({ clear_seconds: seconds, max_pause_seconds: seconds.optional() }).strict(),
    // `default` is required; every other key must be an instrument id (checked against instruments.yaml later).
    thresholds: z.object({ [DEFAULT_PROFILE]: profileSchema }).catchall(profileSchema),
    tiers: z.array(tierSchema).min(1).optional(),
    feed: feedAlertsSchema.optional(),
  })
  .strict()
  .superRefine((a, ctx) => checkTiers(a.tiers ?? [], Object.keys(a.thresholds), ctx))
  .transform(
    (a): AlertsConfig => ({
      lifecycle: { clearSeconds: a.lifecycle.clear_seconds, maxPauseSeconds: a.lifecycle.max_pause_seconds ?? 60 },
      thresholds: a.thresholds as AlertsConfig['thresholds'],
      tiers: a.tiers ?? [],
      feed: a.feed ?? DEFAULT_FEED_ALERTS,
    }),
  );

/**
 * Tiers are tried in order, first match wins, so their bars must fall
 * strictly: a later tier with a higher bar could never be reached. A
 * lower-case profile that names no tier would silently never apply.
 */
function checkTiers(tiers: readonly TierConfig[], profiles: readonly string[], ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  tiers.forEach((tier, i) => {
    if (tier.name === DEFAULT_PROFILE) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: '"default" is the profile every tier merges over, not a tier' });
    if (names.has(tier.name)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: `tier "${tier.name}" is defined twice` });
    names.add(tier.name);
    const before = tiers[i - 1];
    // Depth bars fall too, where two tiers in a row have them on the same band.
    const depthBefore = tiers.slice(0, i).reverse().find((t) => t.minDepthUsd != null && t.depthBandBps === tier.depthBandBps);
    if (tier.minDepthUsd != null && depthBefore && tier.minDepthUsd >= depthBefore.minDepthUsd!) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', i, 'min_depth_usd'],
        message: `expected less than ${depthBefore.minDepthUsd}, the depth bar of ${depthBefore.name} before it (tiers go from most to least liquid)`,
      });
    }
    if (before && tier.minVolume24hUsd >= before.minVolume24hUsd) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', i, 'min_volume_24h_usd'],
        message: `expected less than ${before.minVolume24hUsd}, the bar of ${before.name} before it (tiers go from most to least liquid)`,
      });
    }
  });
  for (const key of profiles) {
    if (key === DEFAULT_PROFILE || !PROFILE_KEY.test(key) || names.has(key)) continue;
    ctx.addIssue({
      code: 'custom',
      path: ['thresholds', key],
      message: names.size === 0 ? `unknown profile "${key}": no tiers are defined (tiers:)` : `unknown tier "${key}" (tiers: ${[...names].join(', ')})`,
    });
  }
}
