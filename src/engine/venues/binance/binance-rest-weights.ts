import type { RestLimit } from '../../feed/feed-core';
import type { BinanceMarket } from './exchange-info';

/**
 * Binance REST request weights and the per-IP limit they count against
 * (REQUEST_WEIGHT per minute; `exchangeInfo` lists it in `rateLimits`).
 * Each response carries the IP's count in `X-MBX-USED-WEIGHT-1M`; past the
 * limit comes HTTP 429 with Retry-After, and requests after a 429 earn an
 * IP ban, HTTP 418 (2 minutes up to 3 days).
 * - spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits
 *   and https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#order-book
 * - USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 *   and https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book
 * - COIN-M: https://developers.binance.com/docs/derivatives/coin-margined-futures/general-info
 *   and https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Order-Book
 *   (2400 a minute; `/dapi/v1/depth` takes USD-M's limits and weights, exchangeInfo 1)
 * The simulator enforces these same tables.
 */
export const BINANCE_REQUEST_WEIGHT_PER_MINUTE: Readonly<Record<BinanceMarket, number>> = { spot: 6000, usdm: 2400, coinm: 2400 };

/** The header with the IP's weight in the current minute (lower-case: fetch headers are). */
export const BINANCE_USED_WEIGHT_HEADER = 'x-mbx-used-weight-1m';

/** Deepest snapshot each service returns: spot 5000, USD-M and COIN-M 1000. */
export const BINANCE_MAX_DEPTH: Readonly<Record<BinanceMarket, number>> = { spot: 5000, usdm: 1000, coinm: 1000 };

/** USD-M and COIN-M accept only these `limit` values (default 500). */
export const USDM_DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000] as const;

/** The documented limit of one Binance service, as a budget. */
export function binanceRestLimit(market: BinanceMarket): RestLimit {
  return { name: `${market} REQUEST_WEIGHT`, limit: BINANCE_REQUEST_WEIGHT_PER_MINUTE[market], windowMs: 60_000 };
}

/**
 * Weight of `GET /api/v3/depth` (spot: 1-100 5, 101-500 25, 501-1000 50,
 * 1001-5000 250) or `GET /fapi/v1/depth` (USD-M: 5/10/20/50 2, 100 5, 500 10,
 * 1000 20; COIN-M's `/dapi/v1/depth` the same), for a limit already made valid by {@link binanceDepthLimit}.
 */
export function binanceDepthWeight(market: BinanceMarket, limit: number): number {
  if (market === 'spot') return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
}

/** A wanted depth as a limit the service accepts: spot 1..5000, USD-M / COIN-M the next listed value up (capped at 1000). */
export function binanceDepthLimit(market: BinanceMarket, depth: number): number {
  const wanted = Math.max(1, Math.ceil(depth));
  if (market === 'spot') return Math.min(BINANCE_MAX_DEPTH.spot, wanted);
  return USDM_DEPTH_LIMITS.find((l) => l >= wanted) ?? BINANCE_MAX_DEPTH[market];
}

/** `exchangeInfo`: spot 20, USD-M and COIN-M 1. */
export function binanceExchangeInfoWeight(market: BinanceMarket): number {
  return market === 'spot' ? 20 : 1;
}

/**
 * 24 h ticker: spot 2 for 1-20 symbols, 40 for 21-100, 80 for more or all;
 * USD-M (and COIN-M, taken as the same) 1 with a symbol, 40 without.
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
 */
export function binanceTicker24hWeight(market: BinanceMarket, symbols: number | 'all'): number {
  if (market !== 'spot') return symbols === 1 ? 1 : 40;
  if (symbols === 'all' || symbols > 100) return 80;
  return symbols > 20 ? 40 : 2;
}
