import { pastThreshold, pastZScore, type RuleOutcome } from './alert-rules';
import type { RuleEpisode } from './alert-tracker';
import type { MetricName, Severity, SkipReason } from './model';
import type { ZScoreResult } from './rolling-zscore';

/**
 * Where a rule stands on the latest sample: the answer to "why is this not alerting?".
 * - `armed`: judged, the condition is false (the value or its z is inside its bar)
 * - `warming_up`: the z-score window has too few samples to judge an onset
 * - `blind`: an input the metric reads is stale or invalid, or has no value
 * - `paused`: as `blind`, while an episode is under way: it neither confirms nor ends it
 * - `pending`: the condition holds, persistence not yet met
 * - `active`: the condition has held for its persistence: the rule fires
 */
export type RuleStatusKind = 'armed' | 'warming_up' | 'blind' | 'paused' | 'pending' | 'active';

export interface RuleStatus {
  readonly rule: string;
  readonly metric: MetricName;
  readonly severity: Severity;
  readonly kind: RuleStatusKind;
  /** For `blind`, `paused` and `warming_up`: why the sample could not be judged. */
  readonly reason: SkipReason | null;
  readonly value: number | null;
  readonly z: number | null;
  readonly threshold: number;
  readonly zThreshold: number | null;
  /** null when the value could not be trusted. */
  readonly thresholdMet: boolean | null;
  /** null when there is no z condition or no z yet. */
  readonly zMet: boolean | null;
  /** Samples in the z-score window of needed, while it warms up or re-warms. */
  readonly warmup: { readonly samples: number; readonly needed: number } | null;
  /** The sample was judged against the last good window while the window re-warms after a gap. */
  readonly rewarming: boolean;
  /** How long the current episode has held (pending, active, paused). */
  readonly heldMs: number | null;
  readonly persistMs: number;
}

/**
 * A rule's status from its outcome on the sample at `time`, its episode and its
 * z-score. Built as one literal of a fixed shape: it runs for every rule of
 * every sample, so no spreads and no intermediate objects.
 */
export function ruleStatus(time: number, outcome: RuleOutcome, episode: RuleEpisode | undefined, zscore: ZScoreResult | undefined): RuleStatus {
  const rule = outcome.rule;
  const ready = zscore !== undefined && zscore.ready;
  const z = ready ? zscore.z : null;
  const warmup = zscore === undefined ? null : zscore.ready ? (zscore.rewarm ?? null) : { samples: zscore.samples, needed: zscore.needed };
  const persistMs = rule.persistSeconds * 1000;
  const value = outcome.value;
  const unseen = outcome.status === 'skipped' && outcome.holds === null;
  const thresholdMet = unseen || value === null || outcome.holds === null ? null : pastThreshold(rule.direction, value, rule.threshold);
  const zMet = rule.zscore === null || z === null ? null : pastZScore(rule.direction, z, rule.zscore);
  const heldMs = episode ? time - episode.since : null;
  let kind: RuleStatusKind;
  let reason: SkipReason | null = null;
  if (unseen) {
    kind = episode ? 'paused' : 'blind';
    reason = outcome.reason;
  } else if (episode) {
    kind = heldMs !== null && heldMs >= persistMs ? 'active' : 'pending';
  } else if (outcome.status === 'skipped') {
    kind = 'warming_up';
    reason = outcome.reason;
  } else {
    kind = 'armed';
  }
  return {
    rule: rule.name,
    metric: rule.metric,
    severity: rule.severity,
    kind,
    reason,
    value,
    z,
    threshold: rule.threshold,
    zThreshold: rule.zscore,
    thresholdMet,
    zMet,
    warmup,
    rewarming: ready && zscore.rewarm !== undefined,
    heldMs: kind === 'warming_up' || kind === 'armed' || kind === 'blind' ? null : heldMs,
    persistMs,
  };
}

const REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  zscore_warmup: 'z-score warming up',
  stale_data: 'feed stale',
  book_invalid: 'book invalid',
  reference_stale: 'mark/index stream stale',
  leg_invalid: 'other leg stale or invalid',
  unconverted: 'no USD price for the quote asset on this venue',
  no_value: 'no value',
};

/** z as shown: capped at ±10σ, since beyond that the number says nothing more. */
export function displayZ(z: number): string {
  if (z >= 10) return '≥ 10σ';
  if (z <= -10) return '≤ -10σ';
  return `${z >= 0 ? '+' : ''}${z.toFixed(1)}σ`;
}

function num(v: number | null): string {
  if (v === null) return '-';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** One line for an operator: `armed: 2.10 within 3 (z +0.4σ of 2)`, `pending 12 of 60 s`. */
export function describeRuleStatus(s: RuleStatus): string {
  const zPart = s.zThreshold === null ? '' : s.z === null ? ` (no z yet)` : ` (z ${displayZ(s.z)} of ${s.zThreshold})`;
  const warm = s.warmup ? `${s.warmup.samples}/${s.warmup.needed}` : '';
  switch (s.kind) {
    case 'armed': {
      const why = s.thresholdMet === false ? `${num(s.value)} within ${num(s.threshold)}` : `${num(s.value)} past ${num(s.threshold)} but z within`;
      return `armed: ${why}${zPart}${s.rewarming ? `, judged against the window before the gap (re-warm ${warm})` : ''}`;
    }
    case 'warming_up':
      return `warming up ${warm}: ${num(s.value)}${s.thresholdMet ? ` past ${num(s.threshold)}` : ''}`;
    case 'blind':
      return `not judged: ${REASON_TEXT[s.reason ?? 'no_value']}`;
    case 'paused':
      return `paused: ${REASON_TEXT[s.reason ?? 'no_value']} (episode held ${Math.round((s.heldMs ?? 0) / 1000)} of ${Math.round(s.persistMs / 1000)} s)`;
    case 'pending':
      return `pending ${Math.round((s.heldMs ?? 0) / 1000)} of ${Math.round(s.persistMs / 1000)} s: ${num(s.value)} past ${num(s.threshold)}${zPart}`;
    case 'active':
      return `firing: ${num(s.value)} past ${num(s.threshold)}${zPart}`;
  }
}
