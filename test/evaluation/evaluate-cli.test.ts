import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cleanupTempDirs, copyShippedConfig } from '../config/helpers';
import { surveil } from '../support/cli';

afterEach(cleanupTempDirs);

describe('surveil evaluate', () => {
  it('detects the injected spread blowout and stays quiet in a calm market', () => {
    const run = surveil(['evaluate', '--seeds', '1', '--scenarios', 'calm,spread_blowout,sequence_gap']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/spread\s+critical\s+1\s+0\s+0\s+1\.00\s+1\.00\s+1\.0 s\s+1\.0 s\s+2\.0 s\s+0/);
    expect(run.stdout).toMatch(/calm\s+1\s+0\s+0\s+0/);
    expect(run.stdout).toMatch(/sequence_gap\s+1\s+0\s+0\s+0\s+2\/2/);
    expect(run.stdout).toContain('Every injected anomaly detected within its bound');
  }, 60_000);

  it('fails, naming the miss, when a rule cannot fire', () => {
    // A z-score bar no market reaches: the blowout is past the threshold but the rule never fires.
    const dir = copyShippedConfig();
    const path = join(dir, 'alerts.yaml');
    const alerts = parse(readFileSync(path, 'utf8'));
    alerts.thresholds['BTC-USDT-PERP'].spread_warning.zscore = 1_000_000;
    alerts.thresholds['BTC-USDT-PERP'].spread_critical.zscore = 1_000_000;
    writeFileSync(path, stringify(alerts));
    const run = surveil(['evaluate', '--seeds', '1', '--scenarios', 'spread_blowout', '--config', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('missed: spread_blowout seed 1 binance-usdm BTC-USDT-PERP spread critical');
    expect(run.stdout).toContain('missed: spread_blowout seed 1 binance-usdm BTC-USDT-PERP spread warning');
  }, 60_000);

  it('refuses unknown scenarios and bad seed counts', () => {
    expect(surveil(['evaluate', '--scenarios', 'meteor']).stderr).toContain('unknown scenario meteor');
    expect(surveil(['evaluate', '--seeds', '0']).code).toBe(2);
  });
});
