import { describe, expect, it } from 'vitest';
import { binanceListings } from '../../src/engine/discovery/binance-listings';
import type { ListedMarket } from '../../src/engine/discovery/listed-market';
import { okxListings } from '../../src/engine/discovery/okx-listings';
import { resolveSelection, type SelectionInput } from '../../src/engine/discovery/resolve-selection';
import type { InstrumentsConfig, SelectionRule, TierConfig } from '../../src/shared/config';
import { binanceTicker, exchangeInfo, okxBody, okxSpot, okxSwap, okxTicker, spotSymbol, usdmSymbol } from './samples';

const TIERS: TierConfig[] = [
  { name: 'major', minVolume24hUsd: 1e9, depth: 'full' },
  { name: 'liquid', minVolume24hUsd: 1e7, depth: 'full' },
  { name: 'long_tail', minVolume24hUsd: 0, depth: 'partial' },
];

const rule = (r: Partial<SelectionRule> & Pick<SelectionRule, 'venue' | 'type'>): SelectionRule => ({
  quotes: null,
  minVolume24hUsd: 0,
  exclude: [],
  maxInstruments: null,
  depth: 'auto',
  ...r,
});

function listings(): Map<string, ListedMarket[]> {
  const usdm = binanceListings(
    'usdm',
    exchangeInfo([usdmSymbol('BTC', 'USDT'), usdmSymbol('SOL', 'USDT'), usdmSymbol('TINY', 'USDT'), usdmSymbol('BTCDOM', 'USDT'), usdmSymbol('GONE', 'USDT', 'SETTLING'), usdmSymbol('ETH', 'USDC')]),
    JSON.stringify([
      binanceTicker('BTCUSDT', '90000', '15000000000'),
      binanceTicker('SOLUSDT', '150', '800000000'),
      binanceTicker('TINYUSDT', '0.01', '200000'),
      binanceTicker('BTCDOMUSDT', '5000', '30000000'),
      binanceTicker('ETHUSDC', '3000', '50000000'),
    ]),
  ).markets;
  const spot = binanceListings(
    'spot',
    exchangeInfo([spotSymbol('BTC', 'USDT'), spotSymbol('SOL', 'USDT'), spotSymbol('SOL', 'BTC'), spotSymbol('PAUSE', 'USDT', 'BREAK')]),
    JSON.stringify([binanceTicker('BTCUSDT', '90000', '2000000000'), binanceTicker('SOLUSDT', '150', '90000000'), binanceTicker('SOLBTC', '0.0016', '100')]),
  ).markets;
  const okx = [
    ...okxListings(okxBody([okxSwap('BTC', 'USDT', '0.01'), okxSwap('SOL', 'USDT', '1')]), okxBody([okxTicker('SWAP', 'BTC-USDT-SWAP', '90000', '40000'), okxTicker('SWAP', 'SOL-USDT-SWAP', '150', '100000')])).markets,
    ...okxListings(okxBody([okxSpot('SOL', 'USDT')]), okxBody([okxTicker('SPOT', 'SOL-USDT', '150', '5000000')])).markets,
  ];
  return new Map([['binance-usdm', usdm], ['binance-spot', spot], ['okx', okx]]);
}

const HAND: InstrumentsConfig = {
  'BTC-USDT-PERP': {
    id: 'BTC-USDT-PERP',
    type: 'perpetual',
    base: 'BTC',
    quote: 'USDT',
    enabled: true,
    spot: null,
    venues: { binance: { symbol: 'BTCUSDT', depthStream: 'diff', index: null, tickSize: null, contractValue: null } },
  },
};

const input = (rules: SelectionRule[], instruments: InstrumentsConfig = HAND): SelectionInput => ({ instruments, rules, tiers: TIERS });

describe('resolveSelection', () => {
  it('selects by venue, type, quote, volume floor and exclusions, most traded first; the hand list wins', () => {
    const result = resolveSelection(input([rule({ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], minVolume24hUsd: 1e6, exclude: ['BTCDOM'] })]), listings());
    const byRule = result.listings.filter((l) => l.rule === 0);
    // BTCUSDT is hand-listed, TINY under the floor, BTCDOM excluded by base, GONE settling, ETHUSDC the wrong quote.
    expect(byRule.map((l) => [l.key, l.tier, l.depth])).toEqual([['binance-usdm:SOLUSDT', 'liquid', 'full']]);
    expect(result.notTrading).toEqual([{ key: 'binance-usdm:GONEUSDT', id: 'GONE-USDT-PERP', rule: 0, status: 'closed', venueStatus: 'SETTLING' }]);
    // The hand-listed BTC perp is as written, with the tier its volume implies.
    expect(result.instruments['BTC-USDT-PERP']!.venues.binance).toEqual({ ...HAND['BTC-USDT-PERP']!.venues.binance, tier: 'major' });
    expect(Object.keys(result.instruments)).toEqual(['BTC-USDT-PERP', 'SOL-USDT-PERP']);
  });

  it('one canonical id across venues, paired with the spot of the selection, OKX index and contract value derived', () => {
    const rules = [
      rule({ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], exclude: ['BTCDOM'] }),
      rule({ venue: 'okx', type: 'perpetual', quotes: ['USDT'] }),
      rule({ venue: 'binance-spot', type: 'spot', quotes: ['USDT'] }),
    ];
    const { instruments, listings: chosen } = resolveSelection(input(rules, {}), listings());
    expect(instruments['SOL-USDT-PERP']).toEqual({
      id: 'SOL-USDT-PERP',
      type: 'perpetual',
      base: 'SOL',
      quote: 'USDT',
      enabled: true,
      spot: 'SOL-USDT-SPOT',
      venues: {
        binance: { symbol: 'SOLUSDT', depthStream: 'diff', index: null, tickSize: 0.1, contractValue: 1, tier: 'liquid' },
        // OKX's sample lists lotSz 0.01 (contracts); Binance's sample has no LOT_SIZE filter, so no lot size.
        okx: { symbol: 'SOL-USDT-SWAP', depthStream: null, index: 'SOL-USDT', tickSize: 0.1, lotSize: 0.01, contractValue: 1, tier: 'liquid' },
      },
    });
    // The long tail gets the partial book its tier asks for (depth: auto).
    expect(instruments['TINY-USDT-PERP']!.venues.binance).toMatchObject({ depthStream: 'partial20', tier: 'long_tail' });
    expect(instruments['TINY-USDT-PERP']!.spot).toBeNull();
    // OKX swap volume: 40,000 BTC x 90,000.
    expect(chosen.find((l) => l.key === 'okx:BTC-USDT-SWAP')).toMatchObject({ volume24hUsd: 3.6e9, tier: 'major' });
    expect(chosen.filter((l) => l.rule === 0).map((l) => l.symbol)).toEqual(['BTCUSDT', 'SOLUSDT', 'TINYUSDT']);
  });

  it('a quote that is not a dollar is converted by the exchange`s own <quote>USDT price', () => {
    const { listings: chosen } = resolveSelection(input([rule({ venue: 'binance-spot', type: 'spot', quotes: ['BTC'], minVolume24hUsd: 1e6 })], {}), listings());
    // SOLBTC: 100 BTC x 90,000 = $9 M.
    expect(chosen.map((l) => [l.symbol, l.volume24hUsd, l.tier])).toEqual([['SOLBTC', 9e6, 'long_tail']]);
  });

  it('max_instruments keeps the most traded and counts the rest; kept listings survive a quiet day on refresh', () => {
    const rules = [rule({ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], maxInstruments: 2, minVolume24hUsd: 1e7 })];
    const first = resolveSelection(input(rules, {}), listings());
    expect(first.listings.map((l) => l.symbol)).toEqual(['BTCUSDT', 'SOLUSDT']);
    expect(first.capped).toEqual([1]);
    // SOL's volume falls under the floor: kept, because it was selected before.
    const quiet = listings();
    quiet.set('binance-usdm', quiet.get('binance-usdm')!.map((m) => (m.instrument.symbol === 'SOLUSDT' ? { ...m, volume24hQuote: 10 } : m)));
    const again = resolveSelection(input(rules, {}), quiet, new Set(first.listings.map((l) => l.key)));
    expect(again.listings.map((l) => l.symbol)).toEqual(['BTCUSDT', 'SOLUSDT']);
  });

  it('an explicit depth overrides the tier', () => {
    const { instruments } = resolveSelection(input([rule({ venue: 'binance-usdm', type: 'perpetual', depth: 'partial' })], {}), listings());
    expect(instruments['BTC-USDT-PERP']!.venues.binance!.depthStream).toBe('partial20');
  });
});
