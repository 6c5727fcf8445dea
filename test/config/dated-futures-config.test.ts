import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { surveil } from '../support/cli';
import { cleanupTempDirs, copyShippedConfig, problemsOf, writeConfigFile } from './helpers';

afterAll(cleanupTempDirs);

const FUTURE = `BTC-USDT-261225:
  type: future
  base: BTC
  quote: USDT
  enabled: true
  spot: BTC-USDT-SPOT
  expiry: 2026-12-25T08:00:00Z
  venues:
    binance:
      symbol: BTCUSDT_261225
BTC-USDT-SPOT:
  type: spot
  base: BTC
  quote: USDT
  enabled: true
  venues:
    binance:
      symbol: BTCUSDT
`;

describe('dated futures in instruments.yaml', () => {
  it("select: type future on binance-usdm and okx; a hand-listed future carries its expiry, and config check prints it", () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'instruments.yaml', `${FUTURE}select:\n  - venue: binance-usdm\n    type: future\n  - venue: okx\n    type: future\n    quotes: [USDT]\n  - venue: binance-usdm\n`);
    const config = loadConfig(dir);
    expect(config.selection!.rules.map((r) => [r.venue, r.type])).toEqual([
      ['binance-usdm', 'future'],
      ['okx', 'future'],
      ['binance-usdm', 'perpetual'],
    ]);
    expect(config.instruments['BTC-USDT-261225']).toMatchObject({ type: 'future', expiry: Date.UTC(2026, 11, 25, 8), spot: 'BTC-USDT-SPOT' });
    const check = surveil(['config', 'check', '--config', dir]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/BTC-USDT-261225\s+future, expires 2026-12-25 08:00 UTC/);
    expect(check.stdout).toContain('select[0]: binance-usdm future');
    // A profile for a future id a rule can make is accepted; one no rule can make is named.
    writeConfigFile(dir, 'instruments.yaml', `${FUTURE}select:\n  - venue: okx\n    type: future\n    quotes: [USDC]\n`);
    expect(problemsOf(dir).join('\n')).toMatch(/alerts\.yaml:\d+: thresholds\.BTC-USDT-PERP: unknown instrument "BTC-USDT-PERP" \(not in instruments\.yaml, and no select: rule makes such an id\)/);
  });

  it('a future type where the venue has none, or an expiry on a perpetual, is named with file:line', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'instruments.yaml', `${FUTURE.replace('type: future', 'type: perpetual')}select:\n  - venue: binance-spot\n    type: future\n`);
    expect(problemsOf(dir).map((p) => p.replace(`${dir}/`, ''))).toEqual([
      'instruments.yaml:7: BTC-USDT-261225.expiry: only dated futures expire; this is a perpetual',
      'instruments.yaml:21: select[0].type: binance-spot lists only spot instruments, got future',
    ]);
  });
});
