import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { surveil } from '../support/cli';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf } from './helpers';

afterAll(cleanupTempDirs);

const TIERS_AS_SHIPPED = `  - name: major            # BTC, ETH and the few perps turning over $500 M a day
    min_volume_24h_usd: 500000000
    depth: full
  - name: liquid
    min_volume_24h_usd: 20000000
    depth: full
`;

describe('alerts.yaml tiers by resting depth', () => {
  it('min_depth_usd with its band is read, defaults to 10 bps, and config check prints it', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', TIERS_AS_SHIPPED, `  - name: major
    min_volume_24h_usd: 500000000
    min_depth_usd: 5000000
    depth_band_bps: 25
    depth: full
  - name: liquid
    min_volume_24h_usd: 20000000
    min_depth_usd: 250000
    depth: full
`);
    const tiers = loadConfig(dir).alerts.tiers;
    expect(tiers.map((t) => [t.name, t.minDepthUsd, t.depthBandBps])).toEqual([
      ['major', 5e6, 25],
      ['liquid', 2.5e5, 10],
      ['long_tail', null, 10],
    ]);
    const check = surveil(['config', 'check', '--config', dir]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('Rules for tier major (24 h volume >= $500,000,000 or resting depth >= $5,000,000 within 25 bps,');
  });

  it('a band the engine does not measure, a depth bar that rises, a band without a bar: file:line and key', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'alerts.yaml', TIERS_AS_SHIPPED, `  - name: major
    min_volume_24h_usd: 500000000
    min_depth_usd: 1000000
    depth_band_bps: 30
    depth: full
  - name: liquid
    min_volume_24h_usd: 20000000
    depth_band_bps: 10
    depth: full
`);
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toContainEqual(expect.stringMatching(/^alerts\.yaml:\d+: tiers\[1\]\.depth_band_bps: a band without min_depth_usd measures nothing/));
    const rising = copyShippedConfig();
    editConfigFile(rising, 'alerts.yaml', TIERS_AS_SHIPPED, `  - name: major
    min_volume_24h_usd: 500000000
    min_depth_usd: 1000000
    depth_band_bps: 30
    depth: full
  - name: liquid
    min_volume_24h_usd: 20000000
    min_depth_usd: 2000000
    depth_band_bps: 30
    depth: full
`);
    const more = problemsOf(rising).map((p) => p.replace(`${rising}/`, ''));
    expect(more).toContainEqual(expect.stringMatching(/^alerts\.yaml:\d+: tiers\[1\]\.min_depth_usd: expected less than 1000000, the depth bar of major before it/));
    // Checked against features.yaml once each file reads.
    const band = copyShippedConfig();
    editConfigFile(band, 'alerts.yaml', TIERS_AS_SHIPPED, TIERS_AS_SHIPPED.replace('    min_volume_24h_usd: 500000000\n', '    min_volume_24h_usd: 500000000\n    min_depth_usd: 1000000\n    depth_band_bps: 30\n'));
    expect(problemsOf(band).map((p) => p.replace(`${band}/`, ''))).toEqual([
      'alerts.yaml:32: tiers[0].min_depth_usd: a depth bar within 30 bps needs that band, but features.yaml depth_bands_bps is [10, 25, 50, 100] (set depth_band_bps)',
    ]);
  });
});
