import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { resolveFeedRules } from '../../src/shared/config/feed-alerts-schema';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf, SHIPPED_CONFIG } from './helpers';

afterEach(cleanupTempDirs);

describe('alerts.yaml feed section', () => {
  it('resolves per-venue overrides field by field over default', () => {
    const config = loadConfig(SHIPPED_CONFIG);
    const rules = resolveFeedRules(config.alerts.feed, config.alerts.lifecycle.clearSeconds);
    const spot = rules.forVenue('binance-spot').find((r) => r.condition === 'resync_storm')!;
    const okx = rules.forVenue('okx').find((r) => r.condition === 'resync_storm')!;
    expect(spot.spec).toMatchObject({ metric: 'resyncs_in_window', threshold: 8, severity: 'warning', zscore: null, clearSeconds: 10 });
    expect(spot.windowMs).toBe(300_000);
    expect(okx.spec.threshold).toBe(5);
    const down = rules.forVenue('okx').find((r) => r.condition === 'feed_down')!;
    expect(down.spec).toMatchObject({ metric: 'feed_down_seconds', threshold: 10, severity: 'critical' });
    expect(down.windowMs).toBeNull();
    expect(rules.engine.map((r) => r.condition)).toEqual(['analytics_lag', 'history_write_failures']);
    expect(rules.forVenue('okx').map((r) => r.condition)).not.toContain('analytics_lag');
  });

  it('applies the built-in defaults when the section is left out, and drops disabled conditions', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', '  binance-spot:\n    resync_storm: { threshold: 8 }', '  okx:\n    crossed_book: { enabled: false }');
    const config = loadConfig(dir);
    const rules = resolveFeedRules(config.alerts.feed, 10);
    expect(rules.forVenue('okx').map((r) => r.condition)).not.toContain('crossed_book');
    expect(rules.forVenue('binance-spot').find((r) => r.condition === 'resync_storm')!.spec.threshold).toBe(5);
  });

  it('reports unknown venues, unknown conditions, windows on durations and engine conditions per venue with file:line', () => {
    const dir = copyShippedConfig();
    editConfigFile(
      dir,
      'alerts.yaml',
      '  binance-spot:\n    resync_storm: { threshold: 8 }',
      '  binance-perp:\n    feed_down: { threshold: 3 }\n  okx:\n    feed_dwn: { threshold: 3 }\n    crossed_book: { threshold: 2, window_seconds: 60 }\n    analytics_lag: { threshold: 1 }',
    );
    const file = join(dir, 'alerts.yaml');
    const problems = problemsOf(dir).join('\n');
    expect(problems).toMatch(new RegExp(`${file}:\\d+: feed\\.binance-perp: unknown venue "binance-perp"`));
    expect(problems).toMatch(new RegExp(`${file}:\\d+: feed\\.okx.*feed_dwn`));
    expect(problems).toMatch(new RegExp(`${file}:\\d+: feed\\.okx\\.crossed_book\\.window_seconds: crossed_book is a duration in seconds: it has no window`));
    expect(problems).toMatch(new RegExp(`${file}:\\d+: feed\\.okx.*analytics_lag`));
  });

  it('refuses feed metrics in market rules: a sample never carries one', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', 'metric: depth_10bps\n      direction: below\n      threshold: 50000\n', 'metric: gaps_in_window\n      direction: below\n      threshold: 50000\n');
    expect(problemsOf(dir).join('\n')).toMatch(/thresholds\.default\.depth_warning\.metric: expected a metric name/);
  });
});
