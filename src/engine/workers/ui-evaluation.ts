import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';

/**
 * What the overview reads of an evaluation. The live engine sends only this
 * across threads: outcomes carry their rule specs and events travel apart,
 * and at 2,500 instruments a second the rest is most of the clone.
 */
export type ShownEvaluation = Pick<SampleEvaluation, 'sample' | 'zscores' | 'rules'>;

/** The part of an evaluation main needs for the overview; alert events and alerts go in their own message. */
export function uiEvaluation(evaluation: SampleEvaluation): ShownEvaluation {
  return { sample: evaluation.sample, zscores: evaluation.zscores, rules: evaluation.rules };
}

/** For a row no client shows in full: its summary reads values, z-scores and health, never the rules. */
export function briefEvaluation(evaluation: ShownEvaluation): ShownEvaluation {
  return evaluation.rules.length === 0 ? evaluation : { sample: evaluation.sample, zscores: evaluation.zscores, rules: [] };
}
