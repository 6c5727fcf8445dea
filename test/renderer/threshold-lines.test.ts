import { describe, expect, it } from 'vitest';
import type { RuleSpec } from '../../src/shared/core/rule-types';
import { DEFAULT_SIGMAS, sigmaLines, thresholdLines } from '../../src/renderer/src/model/threshold-lines';

const rule = (patch: Partial<RuleSpec>): RuleSpec => ({
  name: 'r',
  metric: 'spread_bps',
  direction: 'above',
  threshold: 3,
  zscore: 2,
  persistSeconds: 0,
  severity: 'warning',
  clearSeconds: 10,
  ...patch,
});

describe('thresholdLines', () => {
  it('draws one line for above/below and two for abs_above, only for the chart metrics', () => {
    const rules = [
      rule({ name: 'spread_warning', threshold: 3 }),
      rule({ name: 'spread_critical', threshold: 5, severity: 'critical' }),
      rule({ name: 'basis_warning', metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 10 }),
      rule({ name: 'depth_warning', metric: 'depth_10bps', direction: 'below', threshold: 50_000 }),
    ];
    expect(thresholdLines(rules, ['spread_bps']).map((l) => [l.value, l.severity, l.rule])).toEqual([
      [3, 'warning', 'spread_warning'],
      [5, 'critical', 'spread_critical'],
    ]);
    expect(thresholdLines(rules, ['basis_perp_spot_bps']).map((l) => l.value)).toEqual([-10, 10]);
    expect(thresholdLines(rules, ['depth_10bps']).map((l) => l.value)).toEqual([50_000]);
    expect(thresholdLines(undefined, ['spread_bps'])).toEqual([]);
  });

  it('does not draw the same bar twice', () => {
    const rules = [rule({ name: 'a' }), rule({ name: 'b' })];
    expect(thresholdLines(rules, ['spread_bps'])).toHaveLength(1);
  });
});

describe('sigmaLines', () => {
  it('uses the z bars of the rules, symmetric', () => {
    const rules = [rule({ zscore: 2 }), rule({ zscore: 3, severity: 'critical' }), rule({ metric: 'mid', zscore: 9 })];
    expect(sigmaLines(rules, ['spread_bps']).map((l) => [l.value, l.severity])).toEqual([
      [-3, 'critical'],
      [-2, 'warning'],
      [2, 'warning'],
      [3, 'critical'],
    ]);
  });

  it('falls back to +-2 and +-3 sigma when no rule sets a z bar', () => {
    const lines = sigmaLines([rule({ zscore: null })], ['spread_bps']);
    expect(lines).toHaveLength(DEFAULT_SIGMAS.length * 2);
    expect(lines.map((l) => l.value)).toEqual([-3, -2, 2, 3]);
  });
});
