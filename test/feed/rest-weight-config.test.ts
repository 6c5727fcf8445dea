import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf, SHIPPED_CONFIG } from '../config/helpers';

afterAll(() => cleanupTempDirs());

describe('exchanges.yaml rest_weight_share', () => {
  it('ships 0.8 for both venues', () => {
    const config = loadConfig(SHIPPED_CONFIG);
    expect(config.exchanges.binance.connection.restWeightShare).toBe(0.8);
    expect(config.exchanges.okx.connection.restWeightShare).toBe(0.8);
  });

  it('refuses a share above 1 at its line', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'exchanges.yaml', '    rest_weight_share: 0.8          # spend 80 %', '    rest_weight_share: 1.5          # spend 80 %');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'exchanges.yaml').replace(/[.]/g, '\\.')}:\\d+: binance\\.connection\\.rest_weight_share: `));
  });

  it('names the replacement of the old rest_rate_limit_per_second key', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'exchanges.yaml', '    rest_weight_share: 0.8          # 80 % of each', '    rest_rate_limit_per_second: 10\n    rest_weight_share: 0.8          # 80 % of each');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/exchanges\.yaml:\d+: okx\.connection\.rest_rate_limit_per_second: replaced by rest_weight_share/);
  });
});
