import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { surveil } from '../support/cli';
import { cleanupTempDirs, copyShippedConfig, editConfigFile } from './helpers';

afterEach(cleanupTempDirs);

describe('surveil config check', () => {
  it('exits 0 on the shipped config and prints resolved rules', () => {
    const { code, stdout, stderr } = surveil(['config', 'check']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Rules for BTC-USDT-PERP');
    expect(stdout).toContain('Rules for default');
    // Feed rules per venue, with the venue's override named where it applies.
    expect(stdout).toMatch(/binance-spot\s+resync_storm\s+resyncs_in_window\s+8\s+300s\s+0s\s+10s\s+warning\s+binance-spot/);
    expect(stdout).toMatch(/okx\s+feed_down\s+feed_down_seconds\s+10\s+-\s+0s\s+10s\s+critical\s+default/);
    expect(stdout).toMatch(/engine\s+analytics_lag\s+analytics_lag_seconds\s+5\s+-/);
    expect(stdout).toMatch(/depth_warning\s+depth_10bps\s+below\s+500000\s+-\s+0s\s+10s\s+warning/);
    expect(stdout).toMatch(/basis_warning\s+basis_perp_spot_bps\s+abs_above\s+10\s+2\s+120s\s+10s\s+warning/);
  });

  it('prints the tiers with their rules, the select: rules as written, and with --simulator what they pick', () => {
    const { code, stdout } = surveil(['config', 'check', '--config', 'config/examples/whole-market']);
    expect(code).toBe(0);
    expect(stdout).toContain('select[0]: binance-usdm perpetual, quotes USDT, USDC, excluding BTCDOM, depth auto');
    // The long tail's depth rules come from its tier, per side within 50 bps.
    expect(stdout).toMatch(/Rules for tier long_tail[^\n]*\n(?:.*\n)*?\s+depth_warning\s+depth_bid_50bps\s+below\s+10000\s+-\s+0s\s+10s\s+warning\s+tier long_tail/);
    const resolved = surveil(['config', 'check', '--config', 'config/examples/whole-market', '--simulator', '10']);
    expect(resolved.stderr).toBe('');
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('resolved on a local simulator with 10 synthetic assets');
    expect(resolved.stdout).toContain('in all: 24 instruments, 48 venue listings');
    // A column per exchange: Bybit lists nothing here ("-").
    expect(resolved.stdout).toMatch(/BTC-USDT-PERP\s+perpetual\s+enabled\s+BTCUSDT \(diff, major\)\s+BTC-USDT-SWAP index BTC-USDT \(major\)\s+-\s+-\s+BTC-USDT-SPOT/);
  });

  it('exits 1 with file:line:path on stderr and no stack trace', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', '      threshold: 500000', '      threshold: lots');
    // Run from the temp folder so the file shows as config/alerts.yaml, as operators see it.
    const { code, stdout, stderr } = surveil(['config', 'check', '--config', 'config'], dirname(dir));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('config/alerts.yaml:239: thresholds.BTC-USDT-PERP.depth_warning.threshold: expected a number, got "lots"\n');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('accepts --config=DIR with an absolute path', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  port: 8050', '  port: "8050"');
    const { code, stderr } = surveil(['config', 'check', `--config=${dir}`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'features.yaml')}:65: web.port: expected a number, got "8050"`);
  });

  it('exits 2 with usage on unknown commands and flags', () => {
    const unknownCommand = surveil(['frobnicate']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('unknown command "frobnicate"');
    expect(unknownCommand.stderr).toContain('Usage: surveil <command>');

    const unknownFlag = surveil(['config', 'check', '--verbose']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("unknown option '--verbose'");
    expect(unknownFlag.stderr).toContain('Usage: surveil config check');

    expect(surveil([]).code).toBe(2);
  });

  it('prints help with exit 0', () => {
    const top = surveil(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('config check');
    const command = surveil(['config', 'check', '--help']);
    expect(command.code).toBe(0);
    expect(command.stdout).toContain('--config DIR');
  });
});
