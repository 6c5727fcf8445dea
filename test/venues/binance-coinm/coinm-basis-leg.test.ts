import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/config/load-config';
import { InstrumentDirectory } from '../../../src/engine/pipeline/instrument-directory';
import { pipelineSettingsFrom } from '../../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../../src/engine/replay/replay-capture';
import { binanceCoinm } from '../../../src/engine/venues/binance';
import { exchangeOf } from '../../../src/engine/venues/registry';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
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

  it('replayed with a Binance spot ETCUSDT book beside it, the COIN-M perpetual has a basis against that spot', async () => {
    const config = loadConfig(configWithEtc());
    const lines = readFileSync(realRecording('binance-coinm-2021-07-22.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const t0 = (JSON.parse(lines[1]!) as { t: number }).t;
    const tEnd = (JSON.parse(lines[lines.length - 1]!) as { t: number }).t;
    // A Binance spot ETCUSDT book, mid 42.30: a REST snapshot, then a diff a second (spot rule: U = previous u + 1),
    // so the leg stays fresh to the end of the COIN-M frames.
    const spotFrames: { t: number; line: string }[] = [];
    const snapshot = { lastUpdateId: 1000, bids: [['42.29', '10']], asks: [['42.31', '10']] };
    spotFrames.push({ t: t0 + 500, line: JSON.stringify({ t: t0 + 500, venue: 'binance-spot', kind: 'rest', url: 'https://api.binance.com/api/v3/depth?limit=100&symbol=ETCUSDT', data: JSON.stringify(snapshot) }) });
    for (let k = 1, t = t0 + 1000; t <= tEnd + 1000; k += 1, t += 1000) {
      const data = { stream: 'etcusdt@depth@100ms', data: { e: 'depthUpdate', E: Math.floor(t), s: 'ETCUSDT', U: 1000 + k, u: 1000 + k, b: [['42.29', String(10 + k)]], a: [] } };
      spotFrames.push({ t, line: JSON.stringify({ t, venue: 'binance-spot', kind: 'ws', url: 'wss://stream.binance.com:9443/stream?streams=etcusdt@depth@100ms', data: JSON.stringify(data) }) });
    }
    const merged = [...lines.slice(1).map((line) => ({ t: (JSON.parse(line) as { t: number }).t, line })), ...spotFrames].sort((a, b) => a.t - b.t);
    const file = join(dir, 'coinm-and-spot.jsonl');
    writeFileSync(file, `${[lines[0], ...merged.map((m) => m.line)].join('\n')}\n`);
    const { report } = await replayCapture(file, { speed: 'max', settings: pipelineSettingsFrom(config) });
    const spotRow = report.instruments.find((i) => i.symbol === 'ETCUSDT');
    expect(spotRow).toMatchObject({ venue: 'binance-spot', bookValid: true, bestBid: '42.29', bestAsk: '42.31' });
    const perp = report.instruments.find((i) => i.symbol === 'ETCUSD_PERP')!;
    const basis = perp.rules.find((r) => r.metric === 'basis_perp_spot_bps');
    expect(basis, 'a basis rule on the perpetual').toBeDefined();
    // Judged: the perpetual found its spot leg (without spotExchange it has no value at all).
    expect(basis!.finalText).not.toMatch(/no value/);
    // ETC perp mid (42.280 + 42.281) / 2 = 42.2805 against spot mid 42.30: (42.2805 / 42.30 - 1) x 1e4 = -4.61 bps.
    expect(basis!.finalText).toMatch(/-4\.6\d/);
  });
});
