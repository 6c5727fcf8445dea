import type { ZScoreSettings } from './rule-types';

/** What a z-score update yields: a value once warm, progress while warming up. */
export type ZScoreResult =
  | { readonly ready: true; readonly z: number; readonly mean: number; readonly std: number }
  | { readonly ready: false; readonly samples: number; readonly needed: number };

/** |z| is capped so that a flat series that moves reports a large, finite value. */
export const Z_CAP = 1e6;

/**
 * Rolling z-score over the last `windowSize` samples, O(1) per sample.
 *
 * Precision: prices near 1e5 with variance near 1e-8 lose every digit in a
 * naive sum-of-squares. Values are stored relative to a pivot (the first
 * sample after a reset), and mean/M2 are kept with Welford's add/remove
 * updates on those shifted values. Welford's remove step still accumulates
 * rounding over millions of samples, so the moments are recomputed exactly
 * (two passes over the ring) once per window: amortized O(1).
 *
 * The z of a sample is taken against the window *before* it is added, so an
 * outlier does not dampen its own score.
 */
export class RollingZScore {
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private pivot = 0;
  private mean = 0;
  private m2 = 0;
  private sinceExact = 0;

  constructor(
    private readonly windowSize: number,
    private readonly minSamples: number,
  ) {
    if (!Number.isInteger(windowSize) || windowSize < 2) throw new RangeError('windowSize must be an integer >= 2');
    if (!Number.isInteger(minSamples) || minSamples < 2 || minSamples > windowSize) {
      throw new RangeError('minSamples must be an integer in [2, windowSize]');
    }
    this.ring = new Float64Array(windowSize);
  }

  static fromSettings(settings: ZScoreSettings): RollingZScore {
    return new RollingZScore(settings.windowSize, settings.minSamples);
  }

  /** Samples currently in the window. */
  get size(): number {
    return this.count;
  }

  /** Scores `value` against the current window, then adds it. Non-finite values are ignored. */
  update(value: number): ZScoreResult {
    if (!Number.isFinite(value)) return this.progress();
    const result = this.score(value);
    this.push(value);
    return result;
  }

  /** Scores `value` against the current window without adding it. */
  score(value: number): ZScoreResult {
    if (this.count < this.minSamples) return this.progress();
    const std = Math.sqrt(this.m2 / (this.count - 1));
    const mean = this.mean + this.pivot;
    const diff = value - this.pivot - this.mean;
    let z: number;
    if (std > 0) z = diff / std;
    else z = diff === 0 ? 0 : Math.sign(diff) * Z_CAP;
    if (z > Z_CAP) z = Z_CAP;
    else if (z < -Z_CAP) z = -Z_CAP;
    return { ready: true, z, mean, std };
  }

  /** Forgets the window: after a data gap the old distribution says nothing about the new one. */
  reset(): void {
    this.head = 0;
    this.count = 0;
    this.mean = 0;
    this.m2 = 0;
    this.sinceExact = 0;
  }

  private progress(): ZScoreResult {
    return { ready: false, samples: Math.min(this.count, this.minSamples), needed: this.minSamples };
  }

  private push(value: number): void {
    if (this.count === 0) this.pivot = value;
    const x = value - this.pivot;
    if (this.count === this.windowSize) {
      const old = this.ring[this.head]!;
      // Replace old by x in one step: mean shifts by (x-old)/n, M2 by (x-old)(x-newMean + old-oldMean).
      const oldMean = this.mean;
      this.mean = oldMean + (x - old) / this.count;
      this.m2 += (x - old) * (x - this.mean + old - oldMean);
      if (this.m2 < 0) this.m2 = 0;
    } else {
      this.count++;
      const delta = x - this.mean;
      this.mean += delta / this.count;
      this.m2 += delta * (x - this.mean);
    }
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.windowSize;
    if (++this.sinceExact >= this.windowSize) this.recomputeExact();
  }

  private recomputeExact(): void {
    this.sinceExact = 0;
    const n = this.count;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.ring[i]!;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.ring[i]! - mean;
      m2 += d * d;
    }
    // Re-pivot on the mean so shifted values stay small if the series drifts far from its first sample.
    // The shift actually applied is the rounded difference of the pivots, so ring and pivot stay consistent.
    const newPivot = this.pivot + mean;
    const shift = newPivot - this.pivot;
    for (let i = 0; i < n; i++) this.ring[i] = this.ring[i]! - shift;
    this.pivot = newPivot;
    this.mean = mean - shift;
    this.m2 = m2;
  }
}
