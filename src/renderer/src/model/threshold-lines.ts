import type { Severity } from '../../../shared/core/model';
import type { RuleSpec } from '../../../shared/core/rule-types';

/** A horizontal line a chart draws: a rule's threshold or a z-score bar. */
export interface ThresholdLine {
  readonly metric: string;
  readonly value: number;
  readonly severity: Severity;
  /** The rule it comes from, shown as the line's title. */
  readonly rule: string;
}

/**
 * The threshold lines of `rules` on `metrics`: one line for `above` and
 * `below`, two (+-) for `abs_above`. Sorted by metric then value, duplicates
 * (two rules with the same bar) dropped so a line is not drawn twice.
 * @example thresholdLines([{ metric: 'spread_bps', direction: 'above', threshold: 5, severity: 'critical', ... }], ['spread_bps'])
 *   // [{ metric: 'spread_bps', value: 5, severity: 'critical', rule: ... }]
 */
export function thresholdLines(rules: readonly RuleSpec[] | undefined, metrics: readonly string[]): ThresholdLine[] {
  const lines: ThresholdLine[] = [];
  for (const rule of rules ?? []) {
    if (!metrics.includes(rule.metric)) continue;
    const values = rule.direction === 'abs_above' ? [rule.threshold, -rule.threshold] : [rule.threshold];
    for (const value of values) lines.push({ metric: rule.metric, value, severity: rule.severity, rule: rule.name });
  }
  return dedupe(lines);
}

/** Fallback sigma bars when no rule of the chart's metrics uses a z-score. */
export const DEFAULT_SIGMAS: readonly { readonly sigma: number; readonly severity: Severity }[] = [
  { sigma: 2, severity: 'warning' },
  { sigma: 3, severity: 'critical' },
];

/**
 * The +-sigma lines of a z-score chart: every z bar the rules on `metrics`
 * use, in both directions (a z chart shows several metrics on one scale, so
 * the lines are symmetric), or +-2 / +-3 when no rule sets one.
 */
export function sigmaLines(rules: readonly RuleSpec[] | undefined, metrics: readonly string[]): ThresholdLine[] {
  const bars = new Map<number, Severity>();
  for (const rule of rules ?? []) {
    if (rule.zscore === null || !metrics.includes(rule.metric)) continue;
    const z = Math.abs(rule.zscore);
    if (bars.get(z) !== 'critical') bars.set(z, rule.severity);
  }
  const source = bars.size > 0 ? [...bars].map(([sigma, severity]) => ({ sigma, severity })) : DEFAULT_SIGMAS;
  const lines: ThresholdLine[] = [];
  for (const { sigma, severity } of source) {
    lines.push({ metric: 'z', value: sigma, severity, rule: `+${sigma}σ` });
    lines.push({ metric: 'z', value: -sigma, severity, rule: `-${sigma}σ` });
  }
  return dedupe(lines);
}

function dedupe(lines: ThresholdLine[]): ThresholdLine[] {
  const seen = new Set<string>();
  return lines
    .sort((a, b) => (a.metric === b.metric ? a.value - b.value : a.metric < b.metric ? -1 : 1))
    .filter((l) => {
      const id = `${l.metric}|${l.value}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}
