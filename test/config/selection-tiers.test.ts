import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { alertsSchema } from '../../src/shared/config/alerts-schema';
import { resolveRules, tierFor } from '../../src/shared/config/resolve-rules';
import { cleanupTempDirs, copyShippedConfig, problemsOf, writeConfigFile } from './helpers';

afterEach(cleanupTempDirs);

const depth = (threshold: number) => ({ metric: 'depth_10bps', direction: 'below', threshold, severity: 'warning' });
const spread = (threshold: number) => ({ metric: 'spread_bps', direction: 'above', threshold, zscore: 2, severity: 'warning' });

describe('tiers (alerts.yaml)', () => {
  const alerts = alertsSchema.parse({
    lifecycle: { clear_seconds: 10 },
    tiers: [
      { name: 'major', min_volume_24h_usd: 1e9 },
      { name: 'long_tail', min_volume_24h_usd: 0, depth: 'partial' },
    ],
    thresholds: {
      default: { spread_warning: spread(3), depth_warning: depth(50_000) },
      major: { depth_warning: depth(1_000_000) },
      long_tail: { depth_warning: depth(5_000), spread_warning: spread(25) },
      'BTC-USDT-PERP': { depth_warning: depth(2_000_000) },
    },
  });

  it('merges default, then the tier, then the instrument', () => {
    const bar = (id: string, tier: string | null, name: string) => resolveRules(alerts, id, 'perpetual', tier).find((r) => r.name === name)?.threshold;
    expect(bar('SOL-USDT-PERP', 'major', 'depth_warning')).toBe(1_000_000);
    expect(bar('PEPE-USDT-PERP', 'long_tail', 'depth_warning')).toBe(5_000);
    expect(bar('PEPE-USDT-PERP', 'long_tail', 'spread_warning')).toBe(25);
    expect(bar('SOL-USDT-PERP', 'major', 'spread_warning')).toBe(3);
    // The instrument's own profile still wins over its tier.
    expect(bar('BTC-USDT-PERP', 'major', 'depth_warning')).toBe(2_000_000);
    // No tier known (a replay, a failed fetch): default only.
    expect(bar('SOL-USDT-PERP', null, 'depth_warning')).toBe(50_000);
  });

  it('assigns the first tier whose bar the volume reaches', () => {
    expect(tierFor(alerts.tiers, 5e9)?.name).toBe('major');
    expect(tierFor(alerts.tiers, 10)?.name).toBe('long_tail');
    expect(tierFor(alerts.tiers, null)).toBeNull();
    expect(alerts.tiers.map((t) => t.depth)).toEqual(['full', 'partial']);
  });

  it('refuses bars that do not fall, duplicate names and profiles of unknown tiers, with file:line', () => {
    const dir = copyShippedConfig();
    writeConfigFile(
      dir,
      'alerts.yaml',
      `lifecycle:
  clear_seconds: 10
tiers:
  - name: major
    min_volume_24h_usd: 1000000
  - name: major
    min_volume_24h_usd: 5000000
thresholds:
  default: {}
  majr: {}
`,
    );
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'alerts.yaml:6: tiers[1].name: tier "major" is defined twice',
      'alerts.yaml:7: tiers[1].min_volume_24h_usd: expected less than 1000000, the bar of major before it (tiers go from most to least liquid), got 5000000',
      'alerts.yaml:10: thresholds.majr: unknown tier "majr" (tiers: major)',
    ]);
  });
});

describe('select: rules (instruments.yaml)', () => {
  it('loads rules beside hand-listed instruments, with defaults', () => {
    const dir = copyShippedConfig();
    writeConfigFile(
      dir,
      'instruments.yaml',
      `select:
  - venue: binance-usdm
    quotes: [USDT]
    min_volume_24h_usd: 1000000
    exclude: [BTCDOM]
  - venue: okx
    type: spot
    max_instruments: 50
    depth: partial
discovery:
  refresh_minutes: 5
BTC-USDT-SPOT:
  type: spot
  base: BTC
  quote: USDT
  enabled: true
  tier: major
  venues:
    binance: { symbol: BTCUSDT }
`,
    );
    writeConfigFile(dir, 'alerts.yaml', `lifecycle: { clear_seconds: 10 }\ntiers:\n  - { name: major, min_volume_24h_usd: 1000000000 }\nthresholds:\n  default: {}\n  SOL-USDT-PERP: {}\n`);
    const config = loadConfig(dir);
    expect(config.selection).toEqual({
      refreshMinutes: 5,
      rules: [
        { venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], minVolume24hUsd: 1e6, exclude: ['BTCDOM'], maxInstruments: null, depth: 'auto' },
        { venue: 'okx', type: 'spot', quotes: null, minVolume24hUsd: 0, exclude: [], maxInstruments: 50, depth: 'partial' },
      ],
    });
    expect(Object.keys(config.instruments)).toEqual(['BTC-USDT-SPOT']);
    expect(config.instruments['BTC-USDT-SPOT']!.venues.binance!.tier).toBe('major');
  });

  it('bad rules and keys are named with file:line', () => {
    const dir = copyShippedConfig();
    writeConfigFile(
      dir,
      'instruments.yaml',
      `select:
  - venue: okx
    quotes: [usdt]
  - venue: binance-spot
    type: perpetual
  - venue: kraken
`,
    );
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'instruments.yaml:2: select[0].type: missing required key (okx lists all three: perpetual, spot or future)',
      'instruments.yaml:3: select[0].quotes[0]: expected an upper-case asset such as USDT, got "usdt"',
      'instruments.yaml:5: select[1].type: binance-spot lists only spot instruments, got perpetual',
      'instruments.yaml:6: select[2].venue: expected one of binance-spot|binance-usdm|okx|bybit|binance-coinm, got "kraken"',
    ]);
    // A misspelled section is a bad key, not a malformed instrument.
    writeConfigFile(dir, 'instruments.yaml', `select:\n  - venue: okx\n    type: swap\nselectt:\n  - venue: okx\n`);
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'instruments.yaml:3: select[0].type: expected one of perpetual|spot|future, got "swap"',
    ]);
    writeConfigFile(dir, 'instruments.yaml', `select:\n  - venue: okx\n    type: spot\nselectt:\n  - venue: okx\n`);
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'instruments.yaml:4: selectt: expected an instrument id such as BTC-USDT-PERP, or select: / discovery:',
    ]);
  });

  it('a pinned tier must be one alerts.yaml defines; a profile for an id no rule can make is unknown', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'instruments.yaml', `select:\n  - venue: binance-usdm\n    quotes: [USDT]\nETH-USDT-SPOT:\n  type: spot\n  base: ETH\n  quote: USDT\n  enabled: true\n  tier: gold\n  venues:\n    okx: { symbol: ETH-USDT }\n`);
    writeConfigFile(dir, 'alerts.yaml', `lifecycle: { clear_seconds: 10 }\nthresholds:\n  default: {}\n  SOL-USDT-PERP: {}\n  SOL-USDC-PERP: {}\n`);
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'instruments.yaml:9: ETH-USDT-SPOT.tier: unknown tier "gold": alerts.yaml defines no tiers',
      'alerts.yaml:5: thresholds.SOL-USDC-PERP: unknown instrument "SOL-USDC-PERP" (not in instruments.yaml, and no select: rule makes such an id)',
    ]);
  });
});
