import { guessedInstrument } from '../guessed-instrument';
import type { Venue } from '../venue';
import { binanceConfig } from './config';
import { binanceCoinmConfig } from './coinm-config';
import { BinanceBookSync, DEFAULT_BUFFER_CAP } from './binance-book-sync';
import { BinanceFeed } from './binance-feed';
import { BinanceMapper } from './binance-mapper';
import { BINANCE_VENUE_IDS, type BinanceMarket } from './exchange-info';

export { BinanceBookSync } from './binance-book-sync';
export { BinanceMapper } from './binance-mapper';
export { BinanceFeed, planBinanceConnections } from './binance-feed';
export { yymmdd, type BinanceMarket } from './exchange-info';

function binanceVenue(market: BinanceMarket): Venue {
  return {
    id: BINANCE_VENUE_IDS[market],
    // COIN-M has its own config key: `binance:` sends perpetuals to USD-M.
    config: market === 'coinm' ? binanceCoinmConfig : binanceConfig,
    // Symbols are BTCUSDT: no base / quote split without exchangeInfo.
    guessInstrument: (symbol) => guessedInstrument(BINANCE_VENUE_IDS[market], symbol, market === 'spot' ? 'spot' : 'perpetual'),
    createMapper: (limits) => new BinanceMapper(market, limits),
    // Binance rules depend only on the service, not on the instrument.
    createBookSync: (_instrument, limits) => new BinanceBookSync(market, DEFAULT_BUFFER_CAP, limits?.bookLevelsPerSide),
    createFeed: (options) => new BinanceFeed(market, options),
  };
}

/** Binance spot (`binance-spot`): diff depth chained by `U = previous u + 1`. */
export const binanceSpot: Venue = binanceVenue('spot');

/** Binance USD-M futures (`binance-usdm`): diff depth chained by `pu`. */
export const binanceUsdm: Venue = binanceVenue('usdm');

/** Binance COIN-M futures (`binance-coinm`): inverse contracts, diff depth chained by `pu`. */
export const binanceCoinm: Venue = binanceVenue('coinm');
