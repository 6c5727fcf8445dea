import type { ZScoreSettings } from './rule-types';

/** What a z-score update yields: a value once warm, progress while warming up. */
export type ZScoreResult =
  | {
      readonly ready: true;
      readonly z: number;
      readonly mean: number;
      readonly std: number;
      /**
       * Present while the window re-warms after a gap: the sample was judged
       * against the last good window, and this is the new window's progress.
       */
      readonly rewarm?: { readonly samples: number; readonly needed: number };
    }
  | { readonly ready: false; readonly samples: number; readonly needed: number };

/** Least std a score may use: absolute, and relative to |mean|. */
export interface StdFloorValue {
  readonly abs: number;
  readonly relative: number;
}

const NO_FLOOR: StdFloorValue = { abs: 0, relative: 0 };

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
  /** The window as it was before the last gap, while the new one re-warms. */
  private lastGood: { readonly mean: number; readonly std: number } | null = null;

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
  update(value: number, floor: StdFloorValue = NO_FLOOR): ZScoreResult {
    if (!Number.isFinite(value)) return this.progress();
    const result = this.score(value, floor);
    this.push(value);
    if (this.count >= this.minSamples) this.lastGood = null;
    return result;
  }

  /**
   * Scores `value` against the current window without adding it; while the
   * window re-warms after a gap, against the last good window.
   */
  score(value: number, floor: StdFloorValue = NO_FLOOR): ZScoreResult {
    if (this.count < this.minSamples) {
      const ref = this.lastGood;
      if (!ref) return this.progress();
      return { ...scoreAgainst(value - ref.mean, ref.mean, ref.std, floor), rewarm: { samples: this.count, needed: this.minSamples } };
    }
    const std = Math.sqrt(this.m2 / (this.count - 1));
    // The difference is taken on shifted values: prices near 1e5 with a tiny std keep their digits.
    return scoreAgainst(value - this.pivot - this.mean, this.mean + this.pivot, std, floor);
  }

  /** True while samples are judged against the last good window. */
  get rewarming(): boolean {
    return this.lastGood !== null;
  }

  /**
   * Starts the window over after a gap, keeping the last good window to judge
   * against until the new one has `minSamples`. A window that had not warmed
   * up keeps the reference it had (two gaps in a row), or none.
   */
  rewarm(): void {
    if (this.count >= this.minSamples) {
      this.lastGood = { mean: this.mean + this.pivot, std: Math.sqrt(this.m2 / (this.count - 1)) };
    }
    this.clear();
  }

  /** Forgets the window and any last good window: the next z needs a full warmup. */
  reset(): void {
    this.lastGood = null;
    this.clear();
  }

  private clear(): void {
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

/**
 * z of a value `diff` away from `mean`, the std raised to its floor. With no
 * floor a flat window that moves reports a capped z of ±1e6.
 */
function scoreAgainst(diff: number, mean: number, rawStd: number, floor: StdFloorValue): { ready: true; z: number; mean: number; std: number } {
  const std = Math.max(rawStd, floor.abs, floor.relative * Math.abs(mean));
  let z: number;
  if (std > 0) z = diff / std;
  else z = diff === 0 ? 0 : Math.sign(diff) * Z_CAP;
  if (z > Z_CAP) z = Z_CAP;
  else if (z < -Z_CAP) z = -Z_CAP;
  return { ready: true, z, mean, std };
}
