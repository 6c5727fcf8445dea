import { describe, expect, it } from 'vitest';
import { alertsSchema, type AlertsConfig } from '../../src/shared/config/alerts-schema';
import { resolveRules } from '../../src/shared/config/resolve-rules';

// Pure tests: alerts built from plain objects, as the YAML loader would hand them over.
function alerts(thresholds: Record<string, Record<string, Record<string, unknown>>>, clearSeconds = 10): AlertsConfig {
  return alertsSchema.parse({ lifecycle: { clear_seconds: clearSeconds }, thresholds });
}

const spread = { metric: 'spread_bps', direction: 'above', threshold: 3, zscore: 2, severity: 'warning' };
const basis = { metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 10, zscore: 2, persist_seconds: 120, severity: 'warning' };
const markIndex = { metric: 'basis_mark_index_bps', direction: 'abs_above', threshold: 10, severity: 'warning' };
const funding = { metric: 'funding_rate', direction: 'abs_above', threshold: 0.001, severity: 'warning' };
const depth = { metric: 'depth_10bps', direction: 'below', threshold: 50000, severity: 'critical' };

describe('resolveRules', () => {
  it('gives an instrument without a profile the default rules', () => {
    const config = alerts({ default: { spread_warning: spread, depth_critical: depth } });
    expect(resolveRules(config, 'DOGE-USDT-PERP', 'perpetual')).toEqual([
      { name: 'spread_warning', metric: 'spread_bps', direction: 'above', threshold: 3, zscore: 2, persistSeconds: 0, severity: 'warning', clearSeconds: 10 },
      { name: 'depth_critical', metric: 'depth_10bps', direction: 'below', threshold: 50000, zscore: null, persistSeconds: 0, severity: 'critical', clearSeconds: 10 },
    ]);
  });

  it('merges the instrument profile over default by rule name', () => {
    const config = alerts({
      default: { spread_warning: spread, depth_critical: depth },
      'BTC-USDT-PERP': {
        // Replaces the default rule whole: no zscore here means none, not "inherit 2".
        spread_warning: { metric: 'spread_bps', direction: 'above', threshold: 1.5, severity: 'warning' },
        imbalance_warning: { metric: 'imbalance', direction: 'abs_above', threshold: 0.8, severity: 'warning' },
      },
    });
    const rules = resolveRules(config, 'BTC-USDT-PERP', 'perpetual');
    expect(rules.map((r) => r.name)).toEqual(['spread_warning', 'depth_critical', 'imbalance_warning']);
    expect(rules[0]).toMatchObject({ threshold: 1.5, zscore: null });
    expect(rules[1]).toMatchObject({ threshold: 50000, severity: 'critical' });
    // Other instruments are untouched by BTC's profile.
    expect(resolveRules(config, 'ETH-USDT-PERP', 'perpetual')[0]).toMatchObject({ threshold: 3, zscore: 2 });
  });

  it('drops basis, mark/index and funding rules for spot', () => {
    const config = alerts({ default: { spread_warning: spread, basis_warning: basis, mark_index_warning: markIndex, funding_warning: funding, depth_critical: depth } });
    expect(resolveRules(config, 'BTC-USDT-SPOT', 'spot').map((r) => r.name)).toEqual(['spread_warning', 'depth_critical']);
    expect(resolveRules(config, 'BTC-USDT-PERP', 'perpetual').map((r) => r.name)).toEqual([
      'spread_warning', 'basis_warning', 'mark_index_warning', 'funding_warning', 'depth_critical',
    ]);
    // Dated futures have a basis but no funding.
    expect(resolveRules(config, 'BTC-USDT-260925', 'future').map((r) => r.name)).toEqual([
      'spread_warning', 'basis_warning', 'mark_index_warning', 'depth_critical',
    ]);
  });

  it('takes clear_seconds from lifecycle unless the rule sets it', () => {
    const config = alerts({ default: { spread_warning: spread, depth_critical: { ...depth, clear_seconds: 60 } } }, 15);
    const [a, b] = resolveRules(config, 'X-Y-PERP', 'perpetual');
    expect(a?.clearSeconds).toBe(15);
    expect(b?.clearSeconds).toBe(60);
  });

  it('resolves the name "default" to the default profile itself', () => {
    const config = alerts({ default: { spread_warning: spread } });
    expect(resolveRules(config, 'default', 'perpetual').map((r) => r.name)).toEqual(['spread_warning']);
  });

  it('accepts depth band metrics and rejects unknown metrics', () => {
    expect(() => alerts({ default: { d: { ...depth, metric: 'depth_bid_25bps' } } })).not.toThrow();
    expect(alertsSchema.safeParse({ lifecycle: { clear_seconds: 10 }, thresholds: { default: { d: { ...depth, metric: 'depth_middle' } } } }).success).toBe(false);
  });

  it('requires a default profile', () => {
    const result = alertsSchema.safeParse({ lifecycle: { clear_seconds: 10 }, thresholds: { 'BTC-USDT-PERP': {} } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['thresholds', 'default']);
  });
});
