import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfigDir } from '../../src/engine/config/default-config-dir';
import { loadConfig } from '../../src/engine/config/load-config';
import { resolveRules } from '../../src/shared/config/resolve-rules';
import type { RuleSpec } from '../../src/shared/core/rule-types';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf, SHIPPED_CONFIG, writeConfigFile } from './helpers';

afterEach(cleanupTempDirs);

const rule = (r: Partial<RuleSpec> & Pick<RuleSpec, 'name' | 'metric' | 'direction' | 'threshold' | 'severity'>): RuleSpec => ({
  zscore: null,
  persistSeconds: 0,
  clearSeconds: 10,
  ...r,
});

describe('shipped config', () => {
  it('loads', () => {
    const config = loadConfig(SHIPPED_CONFIG);
    expect(Object.keys(config.instruments)).toEqual(
      expect.arrayContaining(['BTC-USDT-PERP', 'BTC-USDT-SPOT', 'ETH-USDT-PERP', 'ETH-USDT-SPOT']),
    );
    expect(config.features.zscore).toMatchObject({ enabled: true, windowSize: 300, minSamples: 30, resetOnGap: true, referenceMaxAgeMs: 600_000 });
    expect(config.features.zscore.stdFloors?.spread_bps).toEqual({ ticks: 1 });
    expect(config.features.referenceStaleSeconds).toBe(30);
    expect(config.alerts.lifecycle.maxPauseSeconds).toBe(60);
    expect(config.features.depthBandsBps).toEqual([10, 25, 50, 100]);
    expect(config.features.web).toEqual({ host: '127.0.0.1', port: 8050 });
    expect(config.features.sync.enabled).toBe(false);
    expect(config.features.storage.path).toBeNull();
    expect(config.alerts.lifecycle.clearSeconds).toBe(10);
  });

  it('uses the 2026 venue endpoints', () => {
    const { binance, okx } = loadConfig(SHIPPED_CONFIG).exchanges;
    expect(binance.spot).toEqual({ websocketUrl: 'wss://stream.binance.com:9443', restUrl: 'https://api.binance.com' });
    expect(binance.futures).toEqual({
      websocketPublicUrl: 'wss://fstream.binance.com/public',
      websocketMarketUrl: 'wss://fstream.binance.com/market',
      restUrl: 'https://fapi.binance.com',
    });
    expect(okx.websocketPublicUrl).toBe('wss://ws.okx.com:8443/ws/v5/public');
    expect(okx.restUrl).toBe('https://www.okx.com');
  });

  it('maps instruments to venue symbols, spot legs and indexes', () => {
    const { instruments } = loadConfig(SHIPPED_CONFIG);
    const perp = instruments['BTC-USDT-PERP']!;
    expect(perp.type).toBe('perpetual');
    expect(perp.spot).toBe('BTC-USDT-SPOT');
    expect(perp.venues.binance).toMatchObject({ symbol: 'BTCUSDT', depthStream: 'diff', index: null });
    expect(perp.venues.okx).toMatchObject({ symbol: 'BTC-USDT-SWAP', index: 'BTC-USDT' });
    expect(instruments['BTC-USDT-SPOT']!.venues.okx).toMatchObject({ symbol: 'BTC-USDT', index: null });
  });

  it('resolves BTC-USDT-PERP to exactly the designed rules', () => {
    const { alerts } = loadConfig(SHIPPED_CONFIG);
    expect(resolveRules(alerts, 'BTC-USDT-PERP', 'perpetual')).toEqual([
      rule({ name: 'spread_warning', metric: 'spread_bps', direction: 'above', threshold: 3, zscore: 2, severity: 'warning' }),
      rule({ name: 'spread_critical', metric: 'spread_bps', direction: 'above', threshold: 5, zscore: 3, severity: 'critical' }),
      rule({ name: 'basis_warning', metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 10, zscore: 2, persistSeconds: 120, severity: 'warning' }),
      rule({ name: 'basis_critical', metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 20, zscore: 3, persistSeconds: 60, severity: 'critical' }),
      rule({ name: 'depth_warning', metric: 'depth_10bps', direction: 'below', threshold: 500000, severity: 'warning' }),
      rule({ name: 'depth_critical', metric: 'depth_10bps', direction: 'below', threshold: 200000, severity: 'critical' }),
      // Inherited from `default`: BTC-USDT-PERP does not override them.
      rule({ name: 'mark_index_warning', metric: 'basis_mark_index_bps', direction: 'abs_above', threshold: 10, zscore: 2, persistSeconds: 30, severity: 'warning' }),
      rule({ name: 'mark_index_critical', metric: 'basis_mark_index_bps', direction: 'abs_above', threshold: 25, zscore: 3, persistSeconds: 15, severity: 'critical' }),
      rule({ name: 'funding_warning', metric: 'funding_bps_8h', direction: 'abs_above', threshold: 30, zscore: 3, persistSeconds: 60, severity: 'warning' }),
      rule({ name: 'funding_critical', metric: 'funding_bps_8h', direction: 'abs_above', threshold: 75, zscore: 3, persistSeconds: 60, severity: 'critical' }),
      rule({ name: 'cross_venue_warning', metric: 'cross_venue_bps', direction: 'abs_above', threshold: 15, zscore: 3, persistSeconds: 30, severity: 'warning' }),
      rule({ name: 'cross_venue_critical', metric: 'cross_venue_bps', direction: 'abs_above', threshold: 40, zscore: 3, persistSeconds: 15, severity: 'critical' }),
    ]);
  });

  it('gives an unlisted instrument the default profile, without basis rules on spot', () => {
    const { alerts } = loadConfig(SHIPPED_CONFIG);
    const spot = resolveRules(alerts, 'SOL-USDT-SPOT', 'spot');
    expect(spot.map((r) => r.name)).toEqual(['spread_warning', 'spread_critical', 'depth_warning', 'depth_critical', 'cross_venue_warning', 'cross_venue_critical']);
    expect(spot.find((r) => r.name === 'depth_warning')?.threshold).toBe(50000);
    expect(spot.find((r) => r.name === 'depth_critical')?.threshold).toBe(20000);
  });

  it('is what defaultConfigDir finds', () => {
    expect(defaultConfigDir()).toBe(SHIPPED_CONFIG);
  });
});

// Small alerts.yaml whose line numbers the tests rely on.
const ALERTS_WITH_BAD_ZSCORE = `lifecycle:
  clear_seconds: 10
thresholds:
  default:
    spread_warning:
      metric: spread_bps
      direction: above
      threshold: 3
      severity: warning
  BTC-USDT-PERP:
    spread_warning:
      zscore: two
      metric: spread_bps
      direction: above
      threshold: 3
      severity: warning
`;

describe('problems', () => {
  it('reports a wrong type with file, line and key path', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'alerts.yaml', ALERTS_WITH_BAD_ZSCORE);
    expect(problemsOf(dir)).toEqual([
      `${join(dir, 'alerts.yaml')}:12: thresholds.BTC-USDT-PERP.spread_warning.zscore: expected a number, got "two"`,
    ]);
  });

  it('reports an unknown key at its line', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  window_size: 300', '  windowsize: 300');
    expect(problemsOf(dir)).toEqual([
      `${join(dir, 'features.yaml')}:3: zscore.window_size: missing required key (expected a number)`,
      `${join(dir, 'features.yaml')}:5: zscore.windowsize: unknown key`,
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'features.yaml', 'zscore:\n  enabled: true\n window_size: 300\n');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(`${join(dir, 'features.yaml')}:3: YAML syntax error: All mapping items must start at the same column`);
  });

  it('reports duplicate keys as a syntax error', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', 'sampling:\n  interval_ms: 1000\n', 'sampling:\n  interval_ms: 1000\n  interval_ms: 500\n');
    expect(problemsOf(dir)[0]).toMatch(/features\.yaml:\d+: YAML syntax error: .*unique/);
  });

  it('rejects a database URL or password in sync, pointing at SURVEIL_PG_URL', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  desk_id: desk-1\n', '  desk_id: desk-1\n  url: postgres://u:p@db/surveil\n  password: hunter2\n');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/features\.yaml:\d+: sync\.url: not allowed in config: .*SURVEIL_PG_URL environment variable/);
    expect(problems[1]).toMatch(/features\.yaml:\d+: sync\.password: not allowed in config: .*SURVEIL_PG_URL/);
  });

  it('rejects credentials anywhere', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'exchanges.yaml', 'okx:\n  enabled: true\n', 'okx:\n  enabled: true\n  api_key: abc\n');
    expect(problemsOf(dir)).toEqual([
      `${join(dir, 'exchanges.yaml')}:25: okx.api_key: not allowed in config: secrets never go in config files`,
    ]);
  });

  it('reports a missing file and a missing folder', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'alerts.yaml', '');
    editConfigFile(dir, 'features.yaml', 'web:', 'web_:'); // keep one more problem alongside
    const problems = problemsOf(dir);
    expect(problems[0]).toBe(`${join(dir, 'alerts.yaml')}:1: (top level): the file is empty (expected a mapping)`);

    expect(problemsOf(join(dir, 'nope'))).toEqual([`${join(dir, 'nope')}: config folder not found`]);
  });

  it('names a file that does not exist', () => {
    const dir = copyShippedConfig();
    rmSync(join(dir, 'instruments.yaml'));
    expect(problemsOf(dir)).toEqual([`${join(dir, 'instruments.yaml')}: file not found`]);
  });

  it('collects every problem in every file, in file then line order', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'exchanges.yaml', '    rest_url: https://api.binance.com', '    rest_url: ftp://api.binance.com');
    editConfigFile(dir, 'instruments.yaml', 'BTC-USDT-SPOT:\n  type: spot', 'BTC-USDT-SPOT:\n  type: spott');
    editConfigFile(dir, 'features.yaml', '  port: 8050', '  port: 80500');
    editConfigFile(dir, 'features.yaml', '  min_samples: 30', '  min_samples: 3.5');
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toEqual([
      'exchanges.yaml:9: binance.spot.rest_url: expected an http:// or https:// URL, got "ftp://api.binance.com"',
      'instruments.yaml:34: BTC-USDT-SPOT.type: expected one of spot|perpetual|future, got "spott"',
      'features.yaml:6: zscore.min_samples: expected a whole number, got 3.5',
      'features.yaml:65: web.port: expected a number <= 65535, got 80500',
    ]);
  });

  it('accepts local simulator URLs', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'exchanges.yaml', 'wss://ws.okx.com:8443/ws/v5/public', 'ws://127.0.0.1:18443/ws/v5/public');
    editConfigFile(dir, 'exchanges.yaml', 'https://www.okx.com', 'http://127.0.0.1:18080');
    expect(loadConfig(dir).exchanges.okx.websocketPublicUrl).toBe('ws://127.0.0.1:18443/ws/v5/public');
  });

  it('checks references between files', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', '  BTC-USDT-PERP:\n', '  BTC-USDT-PERPS:\n');
    editConfigFile(dir, 'features.yaml', 'depth_bands_bps: [10, 25, 50, 100]', 'depth_bands_bps: [25, 50, 100]');
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toContain('alerts.yaml:208: thresholds.BTC-USDT-PERPS: unknown instrument "BTC-USDT-PERPS" (not in instruments.yaml)');
    expect(problems).toContain(
      'alerts.yaml:77: thresholds.default.depth_warning.metric: depth_10bps needs a 10 bps band, but features.yaml depth_bands_bps is [25, 50, 100]',
    );
  });

  it('checks that a perpetual names an existing spot leg', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'instruments.yaml', '  spot: ETH-USDT-SPOT\n  venues:\n    binance:', '  spot: ETH-USDT-PERP\n  venues:\n    binance:');
    editConfigFile(dir, 'instruments.yaml', '  spot: BTC-USDT-SPOT\n  venues:\n    binance:', '  spot: BTC-USD-SPOT\n  venues:\n    binance:');
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toEqual([
      'instruments.yaml:21: BTC-USDT-PERP.spot: unknown instrument "BTC-USD-SPOT" (not in this file)',
      'instruments.yaml:52: ETH-USDT-PERP.spot: "ETH-USDT-PERP" is a perpetual, expected a spot instrument',
    ]);
  });

  it('rejects an unknown metric and direction', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', '      metric: basis_perp_spot_bps\n      direction: abs_above\n      threshold: 10\n      zscore: 2\n      persist_seconds: 120\n      severity: warning\n    basis_critical:\n      metric: basis_perp_spot_bps\n      direction: abs_above\n      threshold: 20\n      zscore: 3\n      persist_seconds: 60\n      severity: critical\n    # Depth in quote',
      '      metric: basis_bps\n      direction: over\n      threshold: 10\n      zscore: 2\n      persist_seconds: 120\n      severity: warning\n    basis_critical:\n      metric: basis_perp_spot_bps\n      direction: abs_above\n      threshold: 20\n      zscore: 3\n      persist_seconds: 60\n      severity: critical\n    # Depth in quote');
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toEqual([
      'alerts.yaml:222: thresholds.BTC-USDT-PERP.basis_warning.metric: expected a metric name such as spread_bps, depth_10bps, depth_bid_25bps, basis_perp_spot_bps, got "basis_bps"',
      'alerts.yaml:223: thresholds.BTC-USDT-PERP.basis_warning.direction: expected one of above|below|abs_above, got "over"',
    ]);
  });
});

