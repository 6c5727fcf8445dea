/**
 * Basis metrics: how far one price sits from another, in bps of the second.
 * Inputs come from different streams (books, index, mark, funding), so any of
 * them may be missing; a missing input drops the metric instead of guessing.
 */
import type { MetricName } from './model';

/**
 * (a - b) / b x 1e4. Used for perp vs spot (same venue), perp mid vs index,
 * mark vs index and cross-venue divergence. Undefined when either input is
 * missing or not finite, or b is not positive (no reference to divide by).
 */
export function basisBps(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || !(b > 0)) {
    return undefined;
  }
  return ((a - b) / b) * 1e4;
}

/**
 * This instrument's mid vs the mid of the same canonical instrument on
 * another venue, in bps of the other venue's mid.
 */
export function crossVenueBps(mid: number | undefined, otherVenueMid: number | undefined): number | undefined {
  return basisBps(mid, otherVenueMid);
}

/** The prices behind the basis family; omit what is not known. */
export interface BasisInputs {
  /** Perpetual mid on this venue. */
  readonly perpMid?: number;
  /** Spot mid of the same pair on the same venue. */
  readonly spotMid?: number;
  readonly indexPrice?: number;
  readonly markPrice?: number;
  /** Funding rate as a fraction per funding interval (0.0001 = 1 bp), passed through. */
  readonly fundingRate?: number;
}

/**
 * basis_perp_spot_bps, basis_perp_index_bps, basis_mark_index_bps and
 * funding_rate: each present only when its inputs are.
 */
export function basisMetrics(inputs: BasisInputs): Partial<Record<MetricName, number>> {
  const values: Partial<Record<MetricName, number>> = {};
  const perpSpot = basisBps(inputs.perpMid, inputs.spotMid);
  if (perpSpot !== undefined) values.basis_perp_spot_bps = perpSpot;
  const perpIndex = basisBps(inputs.perpMid, inputs.indexPrice);
  if (perpIndex !== undefined) values.basis_perp_index_bps = perpIndex;
  const markIndex = basisBps(inputs.markPrice, inputs.indexPrice);
  if (markIndex !== undefined) values.basis_mark_index_bps = markIndex;
  if (inputs.fundingRate !== undefined && Number.isFinite(inputs.fundingRate)) {
    values.funding_rate = inputs.fundingRate;
  }
  return values;
}
