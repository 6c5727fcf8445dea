import { describe, expect, it } from 'vitest';
import { binanceListings } from '../../src/engine/discovery/binance-listings';
import { okxInstTypes } from '../../src/engine/discovery/fetch-listings';
import type { ListedMarket } from '../../src/engine/discovery/listed-market';
import { describeChange, listingChanges } from '../../src/engine/discovery/listing-changes';
import { okxListings } from '../../src/engine/discovery/okx-listings';
import { nextExpiry, resolveSelection, type SelectionInput } from '../../src/engine/discovery/resolve-selection';
import type { SelectionRule } from '../../src/shared/config';
import { binanceTicker, exchangeInfo, okxBody, okxSwap, okxTicker, spotSymbol, usdmSymbol } from './samples';

/** 2026-12-25 and 2027-03-26, 08:00 UTC: Binance and OKX deliver quarterlies then. */
const DEC = Date.UTC(2026, 11, 25, 8);
const MAR = Date.UTC(2027, 2, 26, 8);
const BEFORE = DEC - 86_400_000;

/** A USD-M quarterly as exchangeInfo lists it (symbol `BTCUSDT_261225`). */
function quarterly(base: string, contractType: 'CURRENT_QUARTER' | 'NEXT_QUARTER', delivery: number, status = 'TRADING') {
  const yymmdd = new Date(delivery).toISOString().slice(2, 10).replace(/-/g, '');
  return { ...usdmSymbol(base, 'USDT', status, contractType), symbol: `${base}USDT_${yymmdd}`, deliveryDate: delivery };
}

/** An OKX FUTURES entry: the swap's fields with `expTime` and a dated instId. */
function okxFuture(base: string, quote: string, expiry: number, alias: string, ctType = 'linear') {
  const yymmdd = new Date(expiry).toISOString().slice(2, 10).replace(/-/g, '');
  return { ...okxSwap(base, quote, ctType === 'inverse' ? '100' : '0.01', 'live', ctType), instType: 'FUTURES', instId: `${base}-${quote}-${yymmdd}`, expTime: String(expiry), alias };
}

const rule = (r: Partial<SelectionRule> & Pick<SelectionRule, 'venue' | 'type'>): SelectionRule => ({
  quotes: null,
  minVolume24hUsd: 0,
  exclude: [],
  maxInstruments: null,
  depth: 'auto',
  ...r,
});

function markets(now: number): Map<string, ListedMarket[]> {
  const usdm = binanceListings(
    'usdm',
    exchangeInfo([usdmSymbol('BTC', 'USDT'), quarterly('BTC', 'CURRENT_QUARTER', DEC), quarterly('BTC', 'NEXT_QUARTER', MAR)]),
    JSON.stringify([binanceTicker('BTCUSDT', '90000', '15000000000'), binanceTicker('BTCUSDT_261225', '90500', '300000000'), binanceTicker('BTCUSDT_270326', '91500', '90000000')]),
    now,
  ).markets;
  const spot = binanceListings('spot', exchangeInfo([spotSymbol('BTC', 'USDT')]), JSON.stringify([binanceTicker('BTCUSDT', '90000', '2000000000')]), now).markets;
  const okx = okxListings(
    okxBody([okxFuture('BTC', 'USDT', DEC, 'quarter'), okxFuture('BTC', 'USD', MAR, 'next_quarter', 'inverse')]),
    okxBody([okxTicker('SWAP', 'BTC-USDT-261225', '90500', '2000'), okxTicker('SWAP', 'BTC-USD-270326', '91500', '100')]),
    now,
  ).markets;
  return new Map([['binance-usdm', usdm], ['binance-spot', spot], ['okx', okx]]);
}

const input: SelectionInput = {
  instruments: {},
  rules: [rule({ venue: 'binance-usdm', type: 'future' }), rule({ venue: 'okx', type: 'future' }), rule({ venue: 'binance-spot', type: 'spot' })],
  tiers: [
    { name: 'liquid', minVolume24hUsd: 1e8, depth: 'full' },
    { name: 'long_tail', minVolume24hUsd: 0, depth: 'partial' },
  ],
};

describe('dated futures', () => {
  it('are read from USD-M exchangeInfo and OKX FUTURES with their expiry; one canonical id per delivery day on both venues', () => {
    const m = markets(BEFORE);
    expect(m.get('binance-usdm')!.map((l) => [l.instrument.symbol, l.instrument.id, l.instrument.type, l.instrument.expiry ?? null, l.status])).toEqual([
      ['BTCUSDT', 'BTC-USDT-PERP', 'perpetual', null, 'trading'],
      ['BTCUSDT_261225', 'BTC-USDT-261225', 'future', DEC, 'trading'],
      ['BTCUSDT_270326', 'BTC-USDT-270326', 'future', MAR, 'trading'],
    ]);
    // OKX: volCcy24h in base currency (times last), the index under uly, inverse in USD.
    expect(m.get('okx')!.map((l) => [l.instrument.id, l.instrument.expiry, l.instrument.indexSymbol, l.instrument.contractKind, l.volume24hQuote])).toEqual([
      ['BTC-USDT-261225', DEC, 'BTC-USDT', 'linear', 2000 * 90500],
      ['BTC-USD-270326', MAR, 'BTC-USD', 'inverse', 100 * 91500],
    ]);
    expect(okxInstTypes(input.rules)).toEqual(['FUTURES']);
    expect(okxInstTypes([rule({ venue: 'okx', type: 'perpetual' }), rule({ venue: 'okx', type: 'spot' }), rule({ venue: 'okx', type: 'future' })])).toEqual(['SWAP', 'SPOT', 'FUTURES']);
  });

  it('type: future selects them, paired with the same spot pair as the perpetuals, expiry on the instrument; perpetual rules leave them out', () => {
    const result = resolveSelection(input, markets(BEFORE));
    const future = result.instruments['BTC-USDT-261225']!;
    expect(future).toMatchObject({ type: 'future', spot: 'BTC-USDT-SPOT', expiry: DEC });
    expect(Object.keys(future.venues)).toEqual(['binance', 'okx']);
    expect(future.venues.okx).toMatchObject({ symbol: 'BTC-USDT-261225', index: 'BTC-USDT', contractValue: 0.01, tier: 'liquid' });
    expect(future.venues.binance).toMatchObject({ symbol: 'BTCUSDT_261225', tier: 'liquid', depthStream: 'diff' });
    // An inverse future has no spot pair in USD on OKX: no leg, basis against its index only.
    expect(result.instruments['BTC-USD-270326']).toMatchObject({ spot: null, expiry: MAR });
    expect(nextExpiry(result, BEFORE)).toBe(DEC);
    const perps = resolveSelection({ ...input, rules: [rule({ venue: 'binance-usdm', type: 'perpetual' })] }, markets(BEFORE));
    expect(Object.keys(perps.instruments)).toEqual(['BTC-USDT-PERP']);
  });

  it('delivery is a listing change: past its expiry a future is delisted even while the venue still says TRADING', () => {
    const start = resolveSelection(input, markets(BEFORE));
    const ever = new Set(start.listings.filter((l) => l.rule !== null).map((l) => l.key));
    const after = markets(DEC + 1_000);
    const binanceDec = after.get('binance-usdm')!.find((l) => l.instrument.symbol === 'BTCUSDT_261225')!;
    expect([binanceDec.status, binanceDec.venueStatus]).toEqual(['closed', 'expired 2026-12-25 08:00 UTC, TRADING']);
    const next = resolveSelection(input, after, ever);
    expect(next.instruments['BTC-USDT-261225']).toBeUndefined();
    const changes = listingChanges(start, next, after, ever);
    expect(changes.map((c) => [c.kind, c.key])).toEqual([
      ['delisted', 'binance-usdm:BTCUSDT_261225'],
      ['delisted', 'okx:BTC-USDT-261225'],
    ]);
    expect(describeChange(changes[0]!)).toBe('delisted BTCUSDT_261225 (expired 2026-12-25 08:00 UTC, TRADING)');
    expect(nextExpiry(next, DEC + 1_000)).toBe(MAR);
  });
});
