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

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/**
 * A future's basis is annualized only while at least this much time is left:
 * in its last day the division by the time left magnifies every tick of the
 * mid without end, and convergence is judged on the raw basis instead.
 */
export const MIN_ANNUALIZED_MS = DAY_MS;

/**
 * The basis of a dated future against the index it settles to, in % a year
 * (ACT/365): the carry a desk compares across expiries, where the raw basis
 * of a quarterly is large by construction and shrinks to nothing at delivery.
 * Undefined without a basis, or with less than {@link MIN_ANNUALIZED_MS} left.
 */
export function annualizedBasisPct(basisBps: number | undefined, msToExpiry: number): number | undefined {
  if (basisBps === undefined || !Number.isFinite(basisBps) || !Number.isFinite(msToExpiry) || msToExpiry < MIN_ANNUALIZED_MS) return undefined;
  return (basisBps / 100) * (YEAR_MS / msToExpiry);
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
