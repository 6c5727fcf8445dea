import type { DataHealth, Severity, SkipReason } from './model';
import type { RuleDirection, RuleSpec } from './rule-types';
import type { ZScoreResult } from './rolling-zscore';
import { blindingReason } from './metric-sources';

/**
 * One rule judged on one sample.
 * - `fires`: threshold AND z-score conditions both hold: what opens or escalates an alert.
 * - `holds`: the threshold condition alone holds: what keeps an open alert open.
 *   The z-score gates opening only; once open, an alert resolves when the value
 *   is back inside its threshold, not when the rolling window has got used to it.
 * - `skipped`: the rule could not be judged (warmup, stale or invalid data).
 */
export type RuleOutcome =
  | {
      readonly rule: RuleSpec;
      readonly status: 'judged';
      readonly fires: boolean;
      readonly holds: boolean;
      readonly value: number;
      readonly z: number | null;
    }
  | {
      readonly rule: RuleSpec;
      readonly status: 'skipped';
      readonly reason: SkipReason;
      readonly value: number | null;
      /** Threshold condition when the value is trustworthy but the z-score is warming up; else null. */
      readonly holds: boolean | null;
    };

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { warning: 1, critical: 2 };

/** Orders severities: negative when a is lower than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

/** True when `value` is past `threshold` in the rule's direction. */
export function pastThreshold(direction: RuleDirection, value: number, threshold: number): boolean {
  switch (direction) {
    case 'above':
      return value > threshold;
    case 'below':
      return value < threshold;
    case 'abs_above':
      return Math.abs(value) > threshold;
  }
}

/** True when `z` is unusual in the rule's direction: z > k, z < -k, or |z| > k. */
export function pastZScore(direction: RuleDirection, z: number, k: number): boolean {
  switch (direction) {
    case 'above':
      return z > k;
    case 'below':
      return z < -k;
    case 'abs_above':
      return Math.abs(z) > k;
  }
}

/**
 * Judges a rule on one sample. The health of the sources its metric reads is
 * checked first: a stale feed or an invalid book means the value may be
 * wrong, so nothing is concluded; a source the metric does not read (the book,
 * for mark vs index) does not blind it.
 */
export function evaluateRule(
  rule: RuleSpec,
  value: number | undefined,
  zscore: ZScoreResult | undefined,
  health: DataHealth,
  /** The metric's blinding reason when the caller already worked it out for this sample. */
  blindReason?: SkipReason | null,
): RuleOutcome {
  const blind = blindReason === undefined ? blindingReason(rule.metric, health) : blindReason;
  if (blind !== null) return { rule, status: 'skipped', reason: blind, value: value ?? null, holds: null };
  if (value === undefined || !Number.isFinite(value)) {
    return { rule, status: 'skipped', reason: 'no_value', value: null, holds: null };
  }
  const holds = pastThreshold(rule.direction, value, rule.threshold);
  if (rule.zscore === null) return { rule, status: 'judged', fires: holds, holds, value, z: null };
  if (zscore === undefined || !zscore.ready) return { rule, status: 'skipped', reason: 'zscore_warmup', value, holds };
  const fires = holds && pastZScore(rule.direction, zscore.z, rule.zscore);
  return { rule, status: 'judged', fires, holds, value, z: zscore.z };
}
