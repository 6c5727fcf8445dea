import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { InstrumentDirectory } from '../../src/engine/pipeline/instrument-directory';
import { cleanupTempDirs, copyShippedConfig, problemsOf, writeConfigFile } from './helpers';

afterAll(cleanupTempDirs);

const listing = (lot: string) => `BTC-USDT-PERP:
  type: perpetual
  base: BTC
  quote: USDT
  enabled: true
  spot: BTC-USDT-SPOT
  venues:
    okx:
      symbol: BTC-USDT-SWAP
      index: BTC-USDT
      tick_size: 0.1
      ${lot}
BTC-USDT-SPOT:
  type: spot
  base: BTC
  quote: USDT
  enabled: true
  venues:
    okx:
      symbol: BTC-USDT
`;

describe('lot_size in instruments.yaml (fallback when venue metadata is not fetched)', () => {
  it('reaches the instrument the directory falls back to, beside tick_size', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'instruments.yaml', listing('lot_size: 0.01'));
    const config = loadConfig(dir);
    expect(config.instruments['BTC-USDT-PERP']!.venues.okx).toMatchObject({ tickSize: 0.1, lotSize: 0.01 });
    const instrument = new InstrumentDirectory(config.instruments).resolve('okx', 'BTC-USDT-SWAP');
    expect([instrument.tickSize, instrument.lotSize]).toEqual([0.1, 0.01]);
  });

  it('leaves it unknown when not given, and refuses one that is not positive', () => {
    const dir = copyShippedConfig();
    writeConfigFile(dir, 'instruments.yaml', listing(''));
    expect('lotSize' in new InstrumentDirectory(loadConfig(dir).instruments).resolve('okx', 'BTC-USDT-SWAP')).toBe(false);
    writeConfigFile(dir, 'instruments.yaml', listing('lot_size: 0'));
    expect(problemsOf(dir).join('\n')).toMatch(/instruments\.yaml:\d+: .*lot_size/);
  });
});
