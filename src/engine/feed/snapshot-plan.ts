/** One snapshot depth a venue offers and what a request for it costs. */
export interface DepthOption {
  readonly depth: number;
  readonly cost: number;
}

/**
 * Snapshot depth per book so that every book's first snapshot fits in
 * `allowance` (one window of the venue's budget, less what else it must
 * carry): every book starts at the cheapest option, then from the most
 * liquid down each is raised one option at a time while the allowance lasts
 * (all to the middle option before any to full depth). So the whole list
 * bootstraps in the first window, and the top books get the deep picture a
 * market-operations desk looks at. A book listed with a depth of its own
 * keeps it (`fixed`), its cost taken from the allowance first.
 *
 * `options` go from shallow to deep; the result is one depth per book, in
 * the order given (most liquid first).
 */
export function planSnapshotDepths(
  fixed: readonly (number | undefined)[],
  options: readonly DepthOption[],
  allowance: number,
  costOf: (depth: number) => number,
): number[] {
  if (options.length === 0) throw new RangeError('planSnapshotDepths: no depth options');
  const choice = fixed.map(() => 0);
  let left = allowance;
  for (let i = 0; i < fixed.length; i += 1) left -= fixed[i] === undefined ? options[0]!.cost : costOf(fixed[i]!);
  for (let level = 1; level < options.length; level += 1) {
    for (let i = 0; i < fixed.length; i += 1) {
      if (fixed[i] !== undefined || choice[i] !== level - 1) continue;
      const extra = options[level]!.cost - options[level - 1]!.cost;
      if (extra > left) break;
      left -= extra;
      choice[i] = level;
    }
  }
  return fixed.map((depth, i) => depth ?? options[choice[i]!]!.depth);
}
