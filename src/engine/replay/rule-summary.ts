import type { MetricName, Severity } from '../../shared/core/model';
import { describeRuleStatus, type RuleStatus, type RuleStatusKind } from '../../shared/core/rule-status';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';

/** Every kind, in the order a summary lists them: the order a rule normally moves through. */
export const RULE_STATUS_KINDS: readonly RuleStatusKind[] = ['warming_up', 'armed', 'pending', 'active', 'paused', 'blind'];

/** How one rule of one instrument spent a replay (see docs/replay-report.md, `instruments[].rules`). */
export interface RuleSummaryEntry {
  readonly rule: string;
  readonly metric: MetricName;
  readonly severity: Severity;
  /** The rule's status on the instrument's last sample. */
  readonly final: RuleStatusKind;
  /** That status in words (describeRuleStatus): `armed: 2.10 within 3 (z +0.4σ of 2)`. */
  readonly finalText: string;
  /** Samples the rule spent in each kind; every kind is present, 0 when never seen. */
  readonly samples: Readonly<Record<RuleStatusKind, number>>;
}

/** The statuses of one instrument's rules on its latest sample. */
export interface LatestRules {
  readonly time: number;
  readonly instrumentId: string;
  readonly rules: readonly RuleStatus[];
}

interface Tally {
  last: RuleStatus;
  readonly samples: Record<RuleStatusKind, number>;
}

const zeroCounts = (): Record<RuleStatusKind, number> => ({ warming_up: 0, armed: 0, pending: 0, active: 0, paused: 0, blind: 0 });

/**
 * Where every rule of every instrument stood over a run, fed one evaluation
 * at a time from the pipeline's `onEvaluation`. The counts answer "why did
 * this never alert?" for a whole capture (blind most of the run, never out
 * of warmup, pending but never long enough) where the final status alone
 * only tells the end.
 */
export class RuleSummary {
  private readonly byKey = new Map<string, Map<string, Tally>>();
  private readonly latestByKey = new Map<string, LatestRules>();

  onEvaluation(evaluation: SampleEvaluation): void {
    const { key, time, instrumentId } = evaluation.sample;
    let tallies = this.byKey.get(key);
    if (!tallies) {
      tallies = new Map();
      this.byKey.set(key, tallies);
    }
    for (const status of evaluation.rules) {
      const tally = tallies.get(status.rule);
      if (tally) {
        tally.last = status;
        tally.samples[status.kind]++;
      } else {
        const samples = zeroCounts();
        samples[status.kind] = 1;
        tallies.set(status.rule, { last: status, samples });
      }
    }
    this.latestByKey.set(key, { time, instrumentId, rules: evaluation.rules });
  }

  /** The rules of an instrument (`venue:symbol`) in the order first seen; empty when it was never sampled. */
  forInstrument(key: string): RuleSummaryEntry[] {
    const tallies = this.byKey.get(key);
    if (!tallies) return [];
    return [...tallies.values()].map(({ last, samples }) => ({
      rule: last.rule,
      metric: last.metric,
      severity: last.severity,
      final: last.kind,
      finalText: describeRuleStatus(last),
      samples: { ...samples },
    }));
  }

  /** The latest sample's rule statuses per instrument key. */
  latest(): ReadonlyMap<string, LatestRules> {
    return this.latestByKey;
  }
}
