import type { InstrumentType } from '../core/model';
import type { RuleSpec } from '../core/rule-types';
import { DEFAULT_PROFILE, type AlertsConfig, type RuleConfig, type TierConfig } from './alerts-schema';
import { metricAppliesTo } from './metric-names';

/**
 * The rules the evaluator runs for one instrument. Profiles merge by rule
 * name, `default` first, then the instrument's liquidity tier (when it has
 * one and alerts.yaml profiles it), then the instrument's own: a same-named
 * rule replaces the earlier one whole (no field-by-field merge, so a rule
 * always reads as written), rules not overridden are inherited, and new
 * rules are added.
 * Rules whose metric cannot exist for `instrumentType` (basis and funding on
 * spot) are dropped, so a shared default profile can carry them.
 * Order: default rules in file order (overrides in place), then the
 * instrument's own additions in file order.
 */
export function resolveRules(
  alerts: AlertsConfig,
  instrumentId: string,
  instrumentType: InstrumentType,
  tier: string | null = null,
): RuleSpec[] {
  const own = instrumentId !== DEFAULT_PROFILE && Object.hasOwn(alerts.thresholds, instrumentId)
    ? alerts.thresholds[instrumentId]
    : undefined;
  const ofTier = tier !== null && tier !== DEFAULT_PROFILE && Object.hasOwn(alerts.thresholds, tier) ? alerts.thresholds[tier] : undefined;
  const merged: Record<string, RuleConfig> = { ...alerts.thresholds.default, ...ofTier, ...own };
  return Object.entries(merged)
    .filter(([, rule]) => metricAppliesTo(rule.metric, instrumentType))
    .map(([name, rule]) => toRuleSpec(name, rule, alerts.lifecycle.clearSeconds));
}

function toRuleSpec(name: string, rule: RuleConfig, defaultClearSeconds: number): RuleSpec {
  return {
    name,
    metric: rule.metric,
    direction: rule.direction,
    threshold: rule.threshold,
    zscore: rule.zscore,
    persistSeconds: rule.persistSeconds ?? 0,
    severity: rule.severity,
    clearSeconds: rule.clearSeconds ?? defaultClearSeconds,
  };
}

/**
 * The first tier (most liquid first) whose bar a 24 h USD volume reaches;
 * null when the volume is unknown (NaN, null) or below every bar.
 */
export function tierFor(tiers: readonly TierConfig[], volume24hUsd: number | null): TierConfig | null {
  if (volume24hUsd === null || !Number.isFinite(volume24hUsd)) return null;
  return tiers.find((t) => volume24hUsd >= t.minVolume24hUsd) ?? null;
}
