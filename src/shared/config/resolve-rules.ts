import type { InstrumentType } from '../core/model';
import type { RuleSpec } from '../core/rule-types';
import { DEFAULT_PROFILE, type AlertsConfig, type RuleConfig } from './alerts-schema';
import { metricAppliesTo } from './metric-names';

/**
 * The rules the evaluator runs for one instrument. The instrument's profile
 * merges over `default` by rule name: a same-named rule replaces the default
 * one whole (no field-by-field merge, so a rule always reads as written),
 * default rules not overridden are inherited, and new rules are added.
 * Rules whose metric cannot exist for `instrumentType` (basis and funding on
 * spot) are dropped, so a shared default profile can carry them.
 * Order: default rules in file order (overrides in place), then the
 * instrument's own additions in file order.
 */
export function resolveRules(alerts: AlertsConfig, instrumentId: string, instrumentType: InstrumentType): RuleSpec[] {
  const own = instrumentId !== DEFAULT_PROFILE && Object.hasOwn(alerts.thresholds, instrumentId)
    ? alerts.thresholds[instrumentId]
    : undefined;
  const merged: Record<string, RuleConfig> = { ...alerts.thresholds.default, ...own };
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
