import { z } from 'zod';
import { FEED_CONDITIONS, FEED_CONDITION_NAMES, type FeedCondition, type FeedRule, type FeedRuleSet } from '../core/feed-rules';
import type { Severity } from '../core/model';
import { positiveNumber, seconds } from './schema-parts';

/** One feed condition as configured (after merging a venue's override over `default`). */
export interface FeedRuleConfig {
  readonly enabled: boolean;
  /** Seconds (durations) or events in the window (counts): the alert opens above it. */
  readonly threshold: number;
  /** Counted conditions only. */
  readonly windowSeconds: number | null;
  readonly persistSeconds: number;
  readonly severity: Severity;
  /** null: `lifecycle.clear_seconds`. */
  readonly clearSeconds: number | null;
}

export type FeedProfile = Readonly<Record<FeedCondition, FeedRuleConfig>>;
type FeedOverride = Readonly<Partial<Record<FeedCondition, Partial<FeedRuleConfig>>>>;

/** alerts.yaml `feed:` after validation: `default` complete, venue overrides as written. */
export interface FeedAlertsConfig {
  readonly default: FeedProfile;
  readonly venues: Readonly<Record<string, FeedOverride>>;
}

const rule = (threshold: number, severity: Severity, windowSeconds: number | null = null): FeedRuleConfig => ({
  enabled: true,
  threshold,
  windowSeconds,
  persistSeconds: 0,
  severity,
  clearSeconds: null,
});

/**
 * What applies where alerts.yaml says nothing. Durations are set above the
 * ordinary hiccups (a reconnect takes 1-2 s, a venue's stale flag needs 5 s of
 * silence); counts above what a healthy venue shows in the window.
 */
export const FEED_RULE_DEFAULTS: FeedProfile = {
  feed_down: rule(10, 'critical'),
  feed_stale: rule(10, 'warning'),
  resync_storm: rule(5, 'warning', 300),
  sequence_gaps: rule(10, 'warning', 300),
  // OKX sends checksum 0 since June 2026: a failure at all means it checks again, or a bad book.
  checksum_failures: rule(0, 'warning', 300),
  rejected_frames: rule(20, 'warning', 60),
  crossed_book: rule(5, 'warning'),
  // A drift is already sustained (several mismatches in a row) and forced a resync: one is worth a look.
  book_drift: rule(0, 'warning', 300),
  worker_restart: rule(0, 'warning', 300),
  analytics_lag: rule(5, 'critical'),
  history_write_failures: rule(0, 'critical', 60),
};

const ruleFields = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().min(0).optional(),
    window_seconds: positiveNumber.optional(),
    persist_seconds: seconds.optional(),
    severity: z.enum(['warning', 'critical']).optional(),
    clear_seconds: seconds.optional(),
  })
  .strict();

type RuleFields = z.infer<typeof ruleFields>;

function conditionsSchema(scope: 'default' | 'venue') {
  const shape: Record<string, z.ZodOptional<typeof ruleFields>> = {};
  for (const name of FEED_CONDITION_NAMES) {
    // Engine conditions are about this console, not a venue: an override per venue would mean nothing.
    if (scope === 'venue' && FEED_CONDITIONS[name].scope === 'engine') continue;
    shape[name] = ruleFields.optional();
  }
  return z
    .object(shape)
    .strict()
    .superRefine((conditions, ctx) => {
      for (const [name, fields] of Object.entries(conditions)) {
        if (!fields || fields.window_seconds === undefined) continue;
        if (!FEED_CONDITIONS[name as FeedCondition].windowed) {
          ctx.addIssue({ code: 'custom', path: [name, 'window_seconds'], message: `${name} is a duration in seconds: it has no window` });
        }
      }
    });
}

const defaultSchema = conditionsSchema('default');
const venueSchema = conditionsSchema('venue');

function toOverride(fields: RuleFields): Partial<FeedRuleConfig> {
  return {
    ...(fields.enabled === undefined ? {} : { enabled: fields.enabled }),
    ...(fields.threshold === undefined ? {} : { threshold: fields.threshold }),
    ...(fields.window_seconds === undefined ? {} : { windowSeconds: fields.window_seconds }),
    ...(fields.persist_seconds === undefined ? {} : { persistSeconds: fields.persist_seconds }),
    ...(fields.severity === undefined ? {} : { severity: fields.severity }),
    ...(fields.clear_seconds === undefined ? {} : { clearSeconds: fields.clear_seconds }),
  };
}

function toOverrides(conditions: Record<string, RuleFields | undefined>): FeedOverride {
  const out: Partial<Record<FeedCondition, Partial<FeedRuleConfig>>> = {};
  for (const [name, fields] of Object.entries(conditions)) if (fields) out[name as FeedCondition] = toOverride(fields);
  return out;
}

/**
 * Schema of alerts.yaml `feed:`: `default` over the built-in defaults, then
 * one override per venue id. Which venue ids exist is the venue plug-ins'
 * knowledge: `unknownFeedVenues` checks the keys against them.
 */
export const feedAlertsSchema = z
  .object({ default: defaultSchema.optional() })
  .catchall(venueSchema)
  .transform((feed): FeedAlertsConfig => {
    const defaults = toOverrides(feed.default ?? {});
    const profile = {} as Record<FeedCondition, FeedRuleConfig>;
    for (const name of FEED_CONDITION_NAMES) profile[name] = { ...FEED_RULE_DEFAULTS[name], ...defaults[name] };
    const venues: Record<string, FeedOverride> = {};
    for (const [key, conditions] of Object.entries(feed)) {
      if (key !== 'default' && conditions) venues[key] = toOverrides(conditions as Record<string, RuleFields | undefined>);
    }
    return { default: profile, venues };
  });

/**
 * Keys of an alerts.yaml document's `feed:` that are neither `default` nor
 * a venue id, each as `[key, message]`. Read from the raw document, so they
 * are reported alongside any other problem of the file.
 */
export function unknownFeedVenues(alerts: unknown, venueIds: readonly string[]): [string, string][] {
  const feed = isPlainObject(alerts) ? alerts.feed : undefined;
  if (!isPlainObject(feed)) return [];
  return Object.keys(feed)
    .filter((key) => key !== 'default' && !venueIds.includes(key))
    .map((key) => [key, `unknown venue "${key}" (expected default or one of ${venueIds.join(', ')})`]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The built-in feed rules, for an alerts.yaml without a `feed:` section. */
export const DEFAULT_FEED_ALERTS: FeedAlertsConfig = { default: FEED_RULE_DEFAULTS, venues: {} };

/** Rule names are the condition names, so an alert's `rule` says which condition it is. */
function toFeedRule(condition: FeedCondition, config: FeedRuleConfig, defaultClearSeconds: number): FeedRule {
  const windowed = FEED_CONDITIONS[condition].windowed;
  return {
    condition,
    windowMs: windowed ? (config.windowSeconds ?? FEED_RULE_DEFAULTS[condition].windowSeconds!) * 1000 : null,
    spec: {
      name: condition,
      metric: FEED_CONDITIONS[condition].metric,
      direction: 'above',
      threshold: config.threshold,
      zscore: null,
      persistSeconds: config.persistSeconds,
      severity: config.severity,
      clearSeconds: config.clearSeconds ?? defaultClearSeconds,
    },
  };
}

/** The feed rules each venue runs (its override merged field by field over `default`), and the engine's. */
export function resolveFeedRules(feed: FeedAlertsConfig, defaultClearSeconds: number): FeedRuleSet {
  const cache = new Map<string, readonly FeedRule[]>();
  const build = (override: FeedOverride, scope: 'venue' | 'engine'): FeedRule[] =>
    FEED_CONDITION_NAMES.filter((name) => FEED_CONDITIONS[name].scope === scope)
      .map((name) => ({ name, config: { ...feed.default[name], ...override[name] } }))
      .filter(({ config }) => config.enabled)
      .map(({ name, config }) => toFeedRule(name, config, defaultClearSeconds));
  return {
    forVenue(venue) {
      let rules = cache.get(venue);
      if (!rules) cache.set(venue, (rules = build(feed.venues[venue] ?? {}, 'venue')));
      return rules;
    },
    engine: build({}, 'engine'),
  };
}
