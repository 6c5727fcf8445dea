import type { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';

/** Every book of a pipeline, whole: validity, update id and every level's strings (for comparing two ways of building them). */
export function wholeBooks(pipeline: SurveillancePipeline): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const state of pipeline.instrumentStates()) {
    const sync = state.sync;
    if (!sync) continue;
    const side = (s: 'bid' | 'ask') => sync.book.top(s, Number.MAX_SAFE_INTEGER).map((l) => `${l.priceText}@${l.sizeText}`);
    out[state.key] = { valid: sync.valid, id: sync.lastUpdateId, bids: side('bid'), asks: side('ask') };
  }
  return out;
}
