import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/config/load-config';
import { InstrumentDirectory } from '../../../src/engine/pipeline/instrument-directory';
import { binanceCoinm } from '../../../src/engine/venues/binance';
import { exchangeOf } from '../../../src/engine/venues/registry';
import type { RawFrame } from '../../../src/engine/venues/venue';
import type { Instrument } from '../../../src/shared/core/model';
import { realRecording, repoRoot } from '../../support/shared-data';

/**
 * COIN-M is listed under its own config key (`binancecoinm`), yet its
 * perpetuals' basis is measured against Binance spot: the plug-in names the
 * exchange of its spot legs (issue 12, item 5).
 */

const dir = mkdtempSync(join(tmpdir(), 'surveil-coinm-basis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shipped config with an inverse ETC perpetual on COIN-M and ETC spot on Binance and OKX. */
function configWithEtc(): string {
  const config = join(dir, 'config');
  cpSync(join(repoRoot, 'config'), config, { recursive: true });
  appendFileSync(
    join(config, 'instruments.yaml'),
    `
ETC-USD-PERP:
  type: perpetual
  base: ETC
  quote: USD
  enabled: true
  spot: ETC-USDT-SPOT
  venues:
    binancecoinm:
      symbol: ETCUSD_PERP

ETC-USDT-SPOT:
  type: spot
  base: ETC
  quote: USDT
  enabled: true
  venues:
    binance:
      symbol: ETCUSDT
    okx:
      symbol: ETC-USDT
`,
  );
  return config;
}

/** COIN-M instruments from the real dapi exchangeInfo frame. */
function coinmInstruments(): readonly Instrument[] {
  const line = readFileSync(realRecording('binance-coinm-2021-07-22.jsonl'), 'utf8').split('\n')[1]!;
  const result = binanceCoinm.createMapper().map(JSON.parse(line) as RawFrame);
  if (result.kind !== 'instruments') throw new Error(`exchangeInfo mapped to ${result.kind}`);
  return result.instruments;
}

const spot = (venue: string, symbol: string): Instrument => ({
  venue,
  symbol,
  id: 'ETC-USDT-SPOT',
  type: 'spot',
  base: 'ETC',
  quote: 'USDT',
  tickSize: 0.01,
  contractKind: 'spot',
  contractValue: 1,
});

describe('binance-coinm spot legs', () => {
  it('COIN-M is its own config key but Binance for its spot legs', () => {
    expect(binanceCoinm.config.exchange).toBe('binancecoinm');
    expect(exchangeOf('binance-coinm')).toBe(exchangeOf('binance-spot'));
    expect(exchangeOf('binance-coinm')).not.toBe(exchangeOf('okx'));
  });

  it('an ETCUSD_PERP listed under binancecoinm pairs with Binance spot ETCUSDT for basis, not OKX spot', () => {
    const config = loadConfig(configWithEtc());
    expect(config.instruments['ETC-USD-PERP']?.venues).toMatchObject({ binancecoinm: { symbol: 'ETCUSD_PERP' } });
    const directory = new InstrumentDirectory(config.instruments);
    directory.addMetadata([...coinmInstruments(), spot('okx', 'ETC-USDT'), spot('binance-spot', 'ETCUSDT')]);
    const perp = directory.resolve('binance-coinm', 'ETCUSD_PERP');
    expect(perp).toMatchObject({ id: 'ETC-USD-PERP', contractKind: 'inverse', contractValue: 10 });
    expect(directory.spotKeyFor(perp)).toBe('binance-spot:ETCUSDT');
    // Its USD conversion pairs are Binance's too.
    expect(directory.usdPairKeysFor('ETC', perp.venue)).toEqual(['binance-spot:ETCUSDT']);
  });

  it('the listing schema refuses a spot or a mis-shaped symbol under binancecoinm, with the file and line', () => {
    const config = configWithEtc();
    appendFileSync(join(config, 'instruments.yaml'), `
ADA-USD-PERP:
  type: perpetual
  base: ADA
  quote: USD
  enabled: true
  venues:
    binancecoinm:
      symbol: ADAUSD
`);
    expect(() => loadConfig(config)).toThrow(/instruments\.yaml:\d+: ADA-USD-PERP\.venues\.binancecoinm\.symbol: expected a Binance COIN-M symbol/);
  });
});
