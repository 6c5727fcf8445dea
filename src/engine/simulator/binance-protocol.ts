import type { LevelChange } from './sim-book';
import { priceText, sizeText, type SimInstrument } from './sim-instruments';

/**
 * Binance wire formats, spot and USD-M, as the real services send them:
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * Objects are built in the venue's key order and serialized with JSON.stringify.
 */

/** `[["65000.01000000","0.12300000"], ...]` from ticks and lots. */
export function binanceLevels(instrument: SimInstrument, levels: readonly LevelChange[]): [string, string][] {
  return levels.map(([ticks, lots]) => [priceText(instrument, ticks), sizeText(instrument, lots)]);
}

/** Stream names: `btcusdt@depth@100ms`, `btcusdt@bookTicker`, `btcusdt@markPrice@1s`. */
export function binanceStream(symbol: string, kind: 'depth' | 'bookTicker' | 'markPrice'): string {
  const s = symbol.toLowerCase();
  return kind === 'depth' ? `${s}@depth@100ms` : kind === 'bookTicker' ? `${s}@bookTicker` : `${s}@markPrice@1s`;
}

/** Combined-stream envelope (`/stream?streams=...`). */
export function binanceCombined(stream: string, payload: unknown): string {
  return JSON.stringify({ stream, data: payload });
}

/** Sequence ids of one diff: spot `U`/`u`, USD-M adds `pu` (previous `u` on this stream). */
export interface BinanceDiffIds {
  readonly first: number;
  readonly last: number;
  readonly prev?: number;
}

/** `depthUpdate` payload. */
export function binanceDepthUpdate(
  instrument: SimInstrument,
  eventTime: number,
  ids: BinanceDiffIds,
  bids: [string, string][],
  asks: [string, string][],
): object {
  if (instrument.venue === 'binance-spot') {
    return { e: 'depthUpdate', E: eventTime, s: instrument.symbol, U: ids.first, u: ids.last, b: bids, a: asks };
  }
  return { e: 'depthUpdate', E: eventTime, T: eventTime - 2, s: instrument.symbol, U: ids.first, u: ids.last, pu: ids.prev, b: bids, a: asks };
}

/** `bookTicker` payload: spot has no event type or times, USD-M has both. */
export function binanceBookTicker(
  instrument: SimInstrument,
  eventTime: number,
  updateId: number,
  bid: [string, string],
  ask: [string, string],
): object {
  if (instrument.venue === 'binance-spot') return { u: updateId, s: instrument.symbol, b: bid[0], B: bid[1], a: ask[0], A: ask[1] };
  return { e: 'bookTicker', u: updateId, s: instrument.symbol, b: bid[0], B: bid[1], a: ask[0], A: ask[1], T: eventTime - 2, E: eventTime };
}

/** USD-M `markPriceUpdate`: mark, index, estimated settle price, funding rate and next funding time. */
export function binanceMarkPrice(symbol: string, eventTime: number, mark: string, index: string, settle: string, funding: string, nextFunding: number): object {
  return { e: 'markPriceUpdate', E: eventTime, s: symbol, p: mark, P: settle, i: index, r: funding, T: nextFunding };
}

/** REST depth snapshot body (`/api/v3/depth`, `/fapi/v1/depth`). */
export function binanceDepthSnapshot(
  instrument: SimInstrument,
  lastUpdateId: number,
  time: number,
  bids: [string, string][],
  asks: [string, string][],
): string {
  if (instrument.venue === 'binance-spot') return JSON.stringify({ lastUpdateId, bids, asks });
  return JSON.stringify({ lastUpdateId, E: time, T: time - 3, bids, asks });
}

function spotSymbolInfo(instrument: SimInstrument): object {
  const tick = priceText(instrument, 1);
  const step = sizeText(instrument, 1);
  return {
    symbol: instrument.symbol,
    status: 'TRADING',
    baseAsset: instrument.base,
    baseAssetPrecision: 8,
    quoteAsset: instrument.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '1000000.00000000', tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: '9000.00000000', stepSize: step },
      { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT', 'MARGIN']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

function usdmSymbolInfo(instrument: SimInstrument): object {
  const tick = priceText(instrument, 1);
  const step = sizeText(instrument, 1);
  return {
    symbol: instrument.symbol,
    pair: instrument.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status: 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: instrument.base,
    quoteAsset: instrument.quote,
    marginAsset: instrument.quote,
    pricePrecision: instrument.priceDecimals,
    quantityPrecision: instrument.lotDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: ['PoW'],
    triggerProtect: '0.0500',
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '4529764', tickSize: tick },
      { filterType: 'LOT_SIZE', stepSize: step, maxQty: '1000', minQty: step },
      { filterType: 'MARKET_LOT_SIZE', stepSize: step, maxQty: '120', minQty: step },
      { filterType: 'MIN_NOTIONAL', notional: '100' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  };
}

/** `exchangeInfo` body for the listings of one Binance service. */
export function binanceExchangeInfo(market: 'spot' | 'usdm', instruments: readonly SimInstrument[], serverTime: number): string {
  const rateLimits = [
    { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: market === 'spot' ? 6000 : 2400 },
    { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: market === 'spot' ? 100 : 300 },
  ];
  if (market === 'spot') {
    return JSON.stringify({ timezone: 'UTC', serverTime, rateLimits, exchangeFilters: [], symbols: instruments.map(spotSymbolInfo) });
  }
  return JSON.stringify({
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits,
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: instruments.map(usdmSymbolInfo),
  });
}
