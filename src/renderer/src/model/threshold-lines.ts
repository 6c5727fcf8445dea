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

/** A threshold line's label at its pixel height on the chart. */
export interface LabelAt {
  readonly line: ThresholdLine;
  /** Pixels from the top of the plot; null when the line is off the scale. */
  readonly y: number | null;
}

/** A label that is drawn, with the lines whose labels it hides (they would overlap it). */
export interface ShownLabel {
  readonly line: ThresholdLine;
  readonly y: number;
  readonly hidden: readonly ThresholdLine[];
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 2, warning: 1 };

/**
 * Threshold labels that do not overlap: labels `height` px tall centred on
 * their line, placed most severe first (critical over warning, then the
 * larger bar), a label that would overlap one already placed is hidden under
 * it (listed in its `hidden`: the drawn label says `+1`). Off-scale lines are
 * dropped. Sorted top to bottom.
 * @example declutterLabels([{ line: warn5, y: 100 }, { line: crit538, y: 104 }], 14) // [{ line: crit538, y: 104, hidden: [warn5] }]
 */
export function declutterLabels(labels: readonly LabelAt[], height: number): ShownLabel[] {
  const order = labels
    .filter((l): l is LabelAt & { y: number } => l.y !== null && Number.isFinite(l.y))
    .sort((a, b) => SEVERITY_RANK[b.line.severity] - SEVERITY_RANK[a.line.severity] || Math.abs(b.line.value) - Math.abs(a.line.value) || a.y - b.y);
  const shown: { line: ThresholdLine; y: number; hidden: ThresholdLine[] }[] = [];
  for (const l of order) {
    const over = shown.find((s) => Math.abs(s.y - l.y) < height);
    if (over) over.hidden.push(l.line);
    else shown.push({ line: l.line, y: l.y, hidden: [] });
  }
  return shown.sort((a, b) => a.y - b.y);
}
