import { describe, expect, it } from 'vitest';
import { binanceListings } from '../../src/engine/discovery/binance-listings';
import { describeChange, listingChanges } from '../../src/engine/discovery/listing-changes';
import { resolveSelection, type SelectionInput } from '../../src/engine/discovery/resolve-selection';
import type { InstrumentsConfig } from '../../src/shared/config';
import { binanceTicker, exchangeInfo, usdmSymbol } from './samples';

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
const input: SelectionInput = {
  instruments: HAND,
  rules: [{ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], minVolume24hUsd: 1e6, exclude: [], maxInstruments: null, depth: 'auto' }],
  tiers: [],
};

/** USD-M listings with these statuses, each trading $5 M a day. */
function usdm(statuses: Record<string, string>) {
  const bases = Object.keys(statuses);
  const info = exchangeInfo(bases.map((b) => usdmSymbol(b, 'USDT', statuses[b])));
  const tickers = JSON.stringify(bases.map((b) => binanceTicker(`${b}USDT`, '10', '5000000')));
  return new Map([['binance-usdm', binanceListings('usdm', info, tickers).markets]]);
}

describe('listingChanges', () => {
  it('halted, resumed, delisted and listed; a hand-listed halt is reported and kept', () => {
    const start = resolveSelection(input, usdm({ BTC: 'TRADING', SOL: 'TRADING', OLD: 'TRADING' }));
    const ever = new Set(start.listings.filter((l) => l.rule !== null).map((l) => l.key));
    expect([...ever]).toEqual(['binance-usdm:SOLUSDT', 'binance-usdm:OLDUSDT']);

    // SOL halts, OLD settles, NEW lists, the hand-listed BTC breaks.
    const markets = usdm({ BTC: 'BREAK', SOL: 'BREAK', OLD: 'SETTLING', NEW: 'TRADING' });
    const next = resolveSelection(input, markets, ever);
    const changes = listingChanges(start, next, markets, ever);
    expect(changes.map((c) => [c.kind, c.symbol, c.venueStatus, c.handListed])).toEqual([
      ['halted', 'SOLUSDT', 'BREAK', false],
      ['delisted', 'OLDUSDT', 'SETTLING', false],
      ['listed', 'NEWUSDT', 'TRADING', false],
      ['halted', 'BTCUSDT', 'BREAK', true],
    ]);
    expect(Object.keys(next.instruments)).toEqual(['BTC-USDT-PERP', 'NEW-USDT-PERP']);
    expect(describeChange(changes[3]!)).toBe('halted BTCUSDT (BREAK), hand-listed: subscription kept');

    // SOL trades again (now under the volume floor: kept, it was selected before), OLD is gone from the listings.
    for (const l of next.listings) if (l.rule !== null) ever.add(l.key);
    const back = usdm({ BTC: 'TRADING', SOL: 'TRADING', NEW: 'TRADING' });
    back.set('binance-usdm', back.get('binance-usdm')!.map((m) => (m.instrument.symbol === 'SOLUSDT' ? { ...m, volume24hQuote: 10 } : m)));
    const after = resolveSelection(input, back, ever);
    expect(listingChanges(next, after, back, ever).map((c) => [c.kind, c.symbol])).toEqual([
      ['resumed', 'SOLUSDT'],
      ['resumed', 'BTCUSDT'],
    ]);
  });

  it('a hand-listed symbol the venue stops listing is a delisting', () => {
    const start = resolveSelection(input, usdm({ BTC: 'TRADING' }));
    const gone = usdm({ SOL: 'TRADING' });
    const changes = listingChanges(start, resolveSelection(input, gone), gone, new Set());
    expect(changes.map((c) => [c.kind, c.symbol, c.venueStatus, c.handListed])).toEqual([
      ['listed', 'SOLUSDT', 'TRADING', false],
      ['delisted', 'BTCUSDT', null, true],
    ]);
  });
});
