import { describe, expect, it } from 'vitest';
import { RollingZScore, Z_CAP } from '../../src/shared/core/rolling-zscore';
import { mulberry32 } from '../support/prng';

/**
 * Two-pass reference: mean and sample std of the window, then z of the new value.
 * Values are first shifted by the window's first value, which is exact for
 * nearby doubles, so the reference itself does not lose the tiny variance.
 */
function reference(raw: readonly number[], rawValue: number): number {
  const origin = raw[0]!;
  const window = raw.map((v) => v - origin);
  const value = rawValue - origin;
  const n = window.length;
  let sum = 0;
  for (const v of window) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of window) ss += (v - mean) ** 2;
  return (value - mean) / Math.sqrt(ss / (n - 1));
}

const rng = mulberry32;

describe('RollingZScore', () => {
  it('reports warmup progress until min_samples, then a z-score', () => {
    const z = new RollingZScore(300, 30);
    for (let i = 0; i < 30; i++) {
      const r = z.update(i % 2);
      expect(r).toEqual({ ready: false, samples: i, needed: 30 });
    }
    const r = z.update(0.5);
    expect(r.ready).toBe(true);
  });

  it('hand-computed: window [1,2,3,4] scores 6 as (6-2.5)/sqrt(5/3)', () => {
    const z = new RollingZScore(10, 4);
    for (const v of [1, 2, 3, 4]) z.update(v);
    const r = z.score(6);
    // mean 2.5; squared deviations 2.25+0.25+0.25+2.25 = 5; sample variance 5/3
    expect(r.ready && r.z).toBeCloseTo(3.5 / Math.sqrt(5 / 3), 12);
  });

  it('matches a two-pass reference over a sliding window of random data', () => {
    const rand = rng(7);
    const z = new RollingZScore(50, 10);
    const history: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = 100 + rand() * 10 + (i > 2500 ? 50 : 0);
      const r = z.update(v);
      const window = history.slice(-50);
      if (window.length >= 10) {
        expect(r.ready).toBe(true);
        if (r.ready) expect(r.z).toBeCloseTo(reference(window, v), 8);
      }
      history.push(v);
    }
  });

  it('keeps precision for prices near 1e5 with tiny variance', () => {
    const rand = rng(42);
    const z = new RollingZScore(300, 30);
    const history: number[] = [];
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      // 1e5 plus noise of 1e-6: a naive sum of squares (1e10 scale) loses it completely.
      const v = 100_000.12345 + (rand() - 0.5) * 2e-6;
      const r = z.update(v);
      const window = history.slice(-300);
      if (r.ready) worst = Math.max(worst, Math.abs(r.z - reference(window, v)));
      history.push(v);
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('forgets the window on reset and warms up again', () => {
    const z = new RollingZScore(300, 30);
    for (let i = 0; i < 100; i++) z.update(i);
    z.reset();
    expect(z.size).toBe(0);
    expect(z.update(5)).toEqual({ ready: false, samples: 0, needed: 30 });
  });

  it('gives a capped, finite z when a flat series moves, 0 when it does not', () => {
    const z = new RollingZScore(100, 30);
    for (let i = 0; i < 40; i++) z.update(1);
    expect(z.score(1)).toMatchObject({ ready: true, z: 0 });
    expect(z.score(2)).toMatchObject({ ready: true, z: Z_CAP });
    expect(z.score(0)).toMatchObject({ ready: true, z: -Z_CAP });
  });

  it('ignores NaN and infinities', () => {
    const z = new RollingZScore(10, 2);
    z.update(1);
    z.update(Number.NaN);
    z.update(Number.POSITIVE_INFINITY);
    expect(z.size).toBe(1);
  });

  it('rejects impossible settings', () => {
    expect(() => new RollingZScore(1, 1)).toThrow(RangeError);
    expect(() => new RollingZScore(10, 20)).toThrow(RangeError);
  });
});
