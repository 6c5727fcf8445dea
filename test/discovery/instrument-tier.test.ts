import { describe, expect, it } from 'vitest';
import { InstrumentDirectory } from '../../src/engine/pipeline/instrument-directory';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { loadConfig } from '../../src/engine/config/load-config';
import type { InstrumentsConfig } from '../../src/shared/config';
import type { Instrument } from '../../src/shared/core/model';
import { SHIPPED_CONFIG } from '../config/helpers';

const CONFIG: InstrumentsConfig = {
  'SOL-USDT-PERP': {
    id: 'SOL-USDT-PERP',
    type: 'perpetual',
    base: 'SOL',
    quote: 'USDT',
    enabled: true,
    spot: null,
    venues: { binance: { symbol: 'SOLUSDT', depthStream: 'diff', index: null, tickSize: 0.01, contractValue: 1, tier: 'long_tail' } },
  },
};

const metadata: Instrument = {
  venue: 'binance-usdm',
  symbol: 'SOLUSDT',
  id: 'SOL-USDT-PERP',
  type: 'perpetual',
  base: 'SOL',
  quote: 'USDT',
  tickSize: 0.01,
  contractKind: 'linear',
  contractValue: 1,
};

describe('the tier travels with the instrument', () => {
  it('from the config listing onto venue metadata and config-only instruments', () => {
    const directory = new InstrumentDirectory(CONFIG);
    expect(directory.resolve('binance-usdm', 'SOLUSDT').tier).toBe('long_tail');
    directory.addMetadata([metadata]);
    expect(directory.get('binance-usdm:SOLUSDT')).toEqual({ ...metadata, tier: 'long_tail' });
    // A symbol the config does not tier keeps the venue's metadata as it is.
    directory.addMetadata([{ ...metadata, symbol: 'XRPUSDT', id: 'XRP-USDT-PERP', base: 'XRP' }]);
    expect(directory.get('binance-usdm:XRPUSDT')?.tier).toBeUndefined();
  });

  it('and the pipeline judges it by its tier profile', () => {
    const config = loadConfig(SHIPPED_CONFIG);
    const settings = pipelineSettingsFrom(config);
    const bar = (tier?: string) => settings.rulesFor({ ...metadata, ...(tier ? { tier } : {}) }).find((r) => r.name === 'depth_warning')?.threshold;
    expect(bar()).toBe(50_000);
    expect(bar('major')).toBeGreaterThan(bar()!);
    expect(bar('long_tail')).toBeLessThan(bar()!);
  });
});
