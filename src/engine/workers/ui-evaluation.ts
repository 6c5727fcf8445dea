import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import type { ShownEvaluation } from '../console/overview';

/** The part of an evaluation main needs for the overview; alert events and alerts go in their own message. */
export function uiEvaluation(evaluation: SampleEvaluation): ShownEvaluation {
  return { sample: evaluation.sample, zscores: evaluation.zscores, rules: evaluation.rules };
}

/** For a row no client shows in full: its summary reads values, z-scores and health, never the rules. */
export function briefEvaluation(evaluation: ShownEvaluation): ShownEvaluation {
  return evaluation.rules.length === 0 ? evaluation : { sample: evaluation.sample, zscores: evaluation.zscores, rules: [] };
}
