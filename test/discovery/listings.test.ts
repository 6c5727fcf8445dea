import { describe, expect, it } from 'vitest';
import { binanceListings } from '../../src/engine/discovery/binance-listings';
import { okxListings } from '../../src/engine/discovery/okx-listings';
import { binanceTicker, exchangeInfo, okxBody, okxSpot, okxSwap, okxTicker, spotSymbol, usdmSymbol } from './samples';

describe('Binance listings', () => {
  it('reads status, ids, tick size and quote volume; keeps a symbol the ticker lacks with an unknown volume', () => {
    const info = exchangeInfo([spotSymbol('BTC', 'USDT'), spotSymbol('ETH', 'BTC', 'BREAK', '0.00001000'), spotSymbol('NEW', 'USDT', 'TRADING')]);
    const tickers = JSON.stringify([binanceTicker('BTCUSDT', '90000.00000000', '1500000000.12000000'), binanceTicker('ETHBTC', '0.03500000', '1200.50000000')]);
    const { markets, problems } = binanceListings('spot', info, tickers);
    expect(problems).toEqual([]);
    expect(markets.map((m) => [m.instrument.id, m.status, m.venueStatus, m.volume24hQuote, m.lastPrice])).toEqual([
      ['BTC-USDT-SPOT', 'trading', 'TRADING', 1500000000.12, 90000],
      ['ETH-BTC-SPOT', 'halted', 'BREAK', 1200.5, 0.035],
      ['NEW-USDT-SPOT', 'trading', 'TRADING', null, null],
    ]);
    expect(markets[1]!.instrument.tickSize).toBe(0.00001);
  });

  it('USD-M: perpetuals and dated futures, with their contract status (pending, settling = closed)', () => {
    const info = exchangeInfo([
      usdmSymbol('BTC', 'USDT'),
      usdmSymbol('LATE', 'USDT', 'PENDING_TRADING'),
      usdmSymbol('OLD', 'USDT', 'SETTLING'),
      { ...usdmSymbol('BTC', 'USDT', 'TRADING', 'CURRENT_QUARTER'), symbol: 'BTCUSDT_261225', deliveryDate: 1798185600000 },
    ]);
    const { markets } = binanceListings('usdm', info, '[]');
    expect(markets.map((m) => [m.instrument.symbol, m.instrument.id, m.status])).toEqual([
      ['BTCUSDT', 'BTC-USDT-PERP', 'trading'],
      ['LATEUSDT', 'LATE-USDT-PERP', 'pending'],
      ['OLDUSDT', 'OLD-USDT-PERP', 'closed'],
      ['BTCUSDT_261225', 'BTC-USDT-261225', 'trading'],
    ]);
    expect(markets[3]!.instrument).toMatchObject({ type: 'future', expiry: 1798185600000 });
  });

  it('says which body failed and why', () => {
    expect(binanceListings('usdm', '{"code":-1003,"msg":"Too much request weight used"}', '[]').problems).toEqual([
      'exchangeInfo: venue error -1003 Too much request weight used',
    ]);
    const { markets, problems } = binanceListings('spot', exchangeInfo([spotSymbol('BTC', 'USDT')]), '<html>');
    expect(markets).toHaveLength(1);
    expect(problems).toEqual(['ticker/24hr: not JSON (<html>)']);
  });
});

describe('OKX listings', () => {
  it('swap volume is volCcy24h (base) times last; spot volCcy24h is already quote; state maps to status', () => {
    const instruments = okxBody([okxSwap('BTC', 'USDT', '0.01'), okxSwap('BTC', 'USD', '100', 'live', 'inverse'), okxSwap('PRE', 'USDT', '1', 'preopen')]);
    const tickers = okxBody([okxTicker('SWAP', 'BTC-USDT-SWAP', '90000', '1000'), okxTicker('SWAP', 'BTC-USD-SWAP', '90000', '50')]);
    const { markets, problems } = okxListings(instruments, tickers);
    expect(problems).toEqual([]);
    expect(markets.map((m) => [m.instrument.id, m.instrument.contractValue, m.instrument.indexSymbol, m.status, m.volume24hQuote])).toEqual([
      ['BTC-USDT-PERP', 0.01, 'BTC-USDT', 'trading', 90_000_000],
      ['BTC-USD-PERP', 100, 'BTC-USD', 'trading', 4_500_000],
      ['PRE-USDT-PERP', 1, 'PRE-USDT', 'pending', null],
    ]);
    const spot = okxListings(okxBody([okxSpot('ETH', 'USDT'), okxSpot('HALT', 'USDT', 'suspend')]), okxBody([okxTicker('SPOT', 'ETH-USDT', '3000', '25000000')]));
    expect(spot.markets.map((m) => [m.instrument.id, m.status, m.venueStatus, m.volume24hQuote])).toEqual([
      ['ETH-USDT-SPOT', 'trading', 'live', 25_000_000],
      ['HALT-USDT-SPOT', 'halted', 'suspend', null],
    ]);
  });

  it('an error envelope is a problem, not an empty market', () => {
    const { markets, problems } = okxListings('{"code":"50011","msg":"Too Many Requests","data":[]}', okxBody([]));
    expect(markets).toEqual([]);
    expect(problems).toEqual(['public/instruments: venue error 50011 Too Many Requests']);
  });
});
