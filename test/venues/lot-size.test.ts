import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { instrumentsFromExchangeInfo, type BinanceMarket } from '../../src/engine/venues/binance/exchange-info';
import { mapBybitInstruments } from '../../src/engine/venues/bybit/instruments';
import { mapOkxInstruments } from '../../src/engine/venues/okx/instruments';
import { priceFilter } from '../discovery/samples';
import { realRecording } from '../support/shared-data';

// Bodies shaped as the venues document them, trimmed to the neighbours of the fields read:
// Binance: https://github.com/binance/binance-spot-api-docs/blob/master/rest-api.md (Filters, LOT_SIZE),
//   https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Exchange-Information
// OKX: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments (lotSz)
// Bybit: https://bybit-exchange.github.io/docs/v5/market/instrument (lotSizeFilter)

const lotFilter = (stepSize: string) => ({ filterType: 'LOT_SIZE', minQty: stepSize, maxQty: '9000.00000000', stepSize });
// Spot sends MARKET_LOT_SIZE with a zero step: it must not be taken for the lot.
const marketLot = { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '114.12693879', stepSize: '0.00000000' };

function binanceSymbol(market: BinanceMarket, filters: object[]) {
  const base = { symbol: 'BTCUSDT', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', filters };
  if (market === 'spot') return base;
  if (market === 'usdm') return { ...base, contractType: 'PERPETUAL', deliveryDate: 4133404800000 };
  return { ...base, symbol: 'BTCUSD_PERP', quoteAsset: 'USD', contractType: 'PERPETUAL', deliveryDate: 4133404800000, contractSize: 100 };
}

describe('lot size from Binance exchangeInfo (LOT_SIZE stepSize)', () => {
  it.each([
    ['spot', '0.00001000', 0.00001],
    ['usdm', '0.001', 0.001],
    // COIN-M sizes are contracts: a step of one contract.
    ['coinm', '1', 1],
  ] as const)('%s: stepSize %s -> %s, MARKET_LOT_SIZE ignored', (market, step, lot) => {
    const [instrument] = instrumentsFromExchangeInfo(market, [binanceSymbol(market, [priceFilter('0.10'), marketLot, lotFilter(step)])]);
    expect(instrument?.lotSize).toBe(lot);
  });

  it('no LOT_SIZE filter: the instrument is kept without a lot size', () => {
    const [instrument] = instrumentsFromExchangeInfo('usdm', [binanceSymbol('usdm', [priceFilter('0.10')])]);
    expect(instrument).toBeDefined();
    expect('lotSize' in instrument!).toBe(false);
  });

  it.each(['0.00000000', '-1', 'abc', ''])('a LOT_SIZE stepSize of %j refuses the listing, as a bad tick does', (step) => {
    expect(instrumentsFromExchangeInfo('spot', [binanceSymbol('spot', [priceFilter('0.01'), lotFilter(step)])])).toEqual([]);
    expect(instrumentsFromExchangeInfo('spot', [binanceSymbol('spot', [priceFilter('0.01'), { filterType: 'LOT_SIZE', minQty: '1' }])])).toEqual([]);
  });
});

function okxEntry(instType: 'SPOT' | 'SWAP', lotSz: string | undefined) {
  const common = { instType, tickSz: '0.1', minSz: lotSz ?? '1', state: 'live', uly: '', instFamily: '', ...(lotSz === undefined ? {} : { lotSz }) };
  if (instType === 'SPOT') return { ...common, instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT', ctVal: '', ctMult: '', ctType: '', ctValCcy: '' };
  return { ...common, instId: 'BTC-USDT-SWAP', baseCcy: '', quoteCcy: '', ctVal: '0.01', ctMult: '1', ctType: 'linear', ctValCcy: 'BTC', uly: 'BTC-USDT' };
}

describe('lot size from OKX public/instruments (lotSz)', () => {
  it('SPOT in base currency, SWAP in contracts', () => {
    const { instruments, skipped } = mapOkxInstruments([okxEntry('SPOT', '0.00000001'), okxEntry('SWAP', '0.01')]);
    expect(skipped).toBe(0);
    expect(instruments.map((i) => [i.symbol, i.lotSize])).toEqual([
      ['BTC-USDT', 0.00000001],
      ['BTC-USDT-SWAP', 0.01],
    ]);
  });

  it('absent or "": kept without a lot size; unreadable: skipped and counted', () => {
    const { instruments, skipped } = mapOkxInstruments([okxEntry('SPOT', undefined), okxEntry('SWAP', ''), okxEntry('SWAP', '0'), okxEntry('SPOT', 'x')]);
    expect(instruments.map((i) => i.symbol)).toEqual(['BTC-USDT', 'BTC-USDT-SWAP']);
    expect(instruments.every((i) => !('lotSize' in i))).toBe(true);
    expect(skipped).toBe(2);
  });
});

function bybitEntry(category: 'spot' | 'linear' | 'inverse', lotSizeFilter: object | undefined) {
  const filter = lotSizeFilter === undefined ? {} : { lotSizeFilter };
  if (category === 'spot') return { symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', status: 'Trading', priceFilter: { tickSize: '0.01' }, ...filter };
  if (category === 'linear') return { symbol: 'BTCUSDT', contractType: 'LinearPerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT', deliveryTime: '0', priceFilter: { tickSize: '0.10' }, ...filter };
  return { symbol: 'BTCUSD', contractType: 'InversePerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USD', deliveryTime: '0', priceFilter: { tickSize: '0.50' }, ...filter };
}

describe('lot size from Bybit instruments-info (lotSizeFilter)', () => {
  it('spot reads basePrecision, linear and inverse read qtyStep', () => {
    const spot = mapBybitInstruments('spot', [bybitEntry('spot', { basePrecision: '0.000001', quotePrecision: '0.00000001', minOrderQty: '0.000048', maxOrderQty: '71.73956243' })]);
    const linear = mapBybitInstruments('linear', [bybitEntry('linear', { maxOrderQty: '1190.000', minOrderQty: '0.001', qtyStep: '0.001' })]);
    const inverse = mapBybitInstruments('inverse', [bybitEntry('inverse', { maxOrderQty: '1000000', minOrderQty: '1', qtyStep: '1' })]);
    expect([spot, linear, inverse].map((r) => [r.skipped, r.instruments[0]?.lotSize])).toEqual([
      [0, 0.000001],
      [0, 0.001],
      [0, 1],
    ]);
  });

  it('no lotSizeFilter (or not the field of its category): kept without a lot size; a bad step: skipped', () => {
    const missing = mapBybitInstruments('linear', [bybitEntry('linear', undefined), bybitEntry('linear', { basePrecision: '0.001' })]);
    expect(missing.instruments.length).toBe(2);
    expect(missing.instruments.every((i) => !('lotSize' in i))).toBe(true);
    const bad = mapBybitInstruments('spot', [bybitEntry('spot', { basePrecision: '0' }), bybitEntry('spot', { basePrecision: 'NaN' })]);
    expect(bad).toEqual({ instruments: [], skipped: 2 });
  });
});

/** The `data` of the first REST capture line whose URL contains `path`. */
function capturedBody(recording: string, path: string): unknown {
  for (const line of readFileSync(realRecording(recording), 'utf8').split('\n')) {
    if (!line.includes(path)) continue;
    const record = JSON.parse(line) as { kind?: string; url?: string; data?: string };
    if (record.kind === 'rest' && record.url?.includes(path)) return JSON.parse(record.data!);
  }
  throw new Error(`no ${path} in ${recording}`);
}

describe('lot sizes of the real recordings', () => {
  it.each([
    ['spot', 'binance-spot-2021-10-12.jsonl', '/exchangeInfo'],
    ['usdm', 'binance-usdm-2021-07-22-sushi-akro.jsonl', '/exchangeInfo'],
    ['coinm', 'binance-coinm-2021-07-22.jsonl', '/exchangeInfo'],
  ] as const)('Binance %s: every listing has its LOT_SIZE step', (market, recording, path) => {
    const body = capturedBody(recording, path) as { symbols: unknown[] };
    const instruments = instrumentsFromExchangeInfo(market, body.symbols);
    expect(instruments.length).toBeGreaterThan(30);
    for (const i of instruments) expect(i.lotSize, i.symbol).toBeGreaterThan(0);
  });

  it('OKX: every SPOT and SWAP listing has its lotSz, UNI-USD-SWAP in whole contracts', () => {
    for (const type of ['SPOT', 'SWAP']) {
      const body = capturedBody('okx-2022-05-13-uni-usd-swap.jsonl', `public/instruments?instType=${type}`) as { data: unknown[] };
      const { instruments } = mapOkxInstruments(body.data);
      expect(instruments.length).toBeGreaterThan(50);
      for (const i of instruments) expect(i.lotSize, i.symbol).toBeGreaterThan(0);
      if (type === 'SWAP') expect(instruments.find((i) => i.symbol === 'UNI-USD-SWAP')?.lotSize).toBe(1);
    }
  });
});
