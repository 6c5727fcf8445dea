import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import type { ShownEvaluation } from '../console/overview';

/** The part of an evaluation main needs for the overview; alert events and alerts go in their own message. */
export function uiEvaluation(evaluation: SampleEvaluation): ShownEvaluation {
  return { sample: evaluation.sample, zscores: evaluation.zscores, rules: evaluation.rules };
}
