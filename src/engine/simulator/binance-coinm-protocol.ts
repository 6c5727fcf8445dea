import type { BinanceDiffIds } from './binance-protocol';
import { priceText, roundedPriceText, scaledText, sizeText, tickOf, type SimInstrument } from './sim-instruments';
import { quoteVolume24h, type TickerInputs } from './sim-tickers';

/**
 * Binance COIN-M (inverse) futures wire formats, as dstream and dapi send
 * them; the shapes and key orders follow the real COIN-M frames in
 * ../shared/data/real/binance-coinm-2021-07-22.jsonl and the docs:
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Diff-Book-Depth-Streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Individual-Symbol-Book-Ticker-Streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Mark-Price-Stream
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Exchange-Information
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Order-Book
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
 * Unlike USD-M every book message names its pair (`ps`, REST `pair`), sizes
 * are whole contracts of `contractSize` USD, and stream names are the
 * lower-cased symbol (`btcusd_perp@depth@100ms`), as binanceStream makes them.
 */

/** `BTCUSD_PERP` -> `BTCUSD`. */
export function coinmPair(symbol: string): string {
  const at = symbol.indexOf('_');
  return at === -1 ? symbol : symbol.slice(0, at);
}

/** `depthUpdate` payload: `pu` chains it to the previous diff of the stream. */
export function coinmDepthUpdate(instrument: SimInstrument, eventTime: number, ids: Required<BinanceDiffIds>, bids: [string, string][], asks: [string, string][]): object {
  const s = instrument.symbol;
  return { e: 'depthUpdate', E: eventTime, T: eventTime - 8, s, ps: coinmPair(s), U: ids.first, u: ids.last, pu: ids.prev, b: bids, a: asks };
}

/** `bookTicker` payload, in the order COIN-M sends it (`u` first). */
export function coinmBookTicker(instrument: SimInstrument, eventTime: number, updateId: number, bid: [string, string], ask: [string, string]): object {
  const s = instrument.symbol;
  return { u: updateId, e: 'bookTicker', s, ps: coinmPair(s), b: bid[0], B: bid[1], a: ask[0], A: ask[1], T: eventTime - 4, E: eventTime };
}

/** REST `/dapi/v1/depth` body: times, then symbol and pair, then the levels. */
export function coinmDepthSnapshot(instrument: SimInstrument, lastUpdateId: number, time: number, bids: [string, string][], asks: [string, string][]): string {
  return JSON.stringify({ lastUpdateId, E: time, T: time - 4, symbol: instrument.symbol, pair: coinmPair(instrument.symbol), bids, asks });
}

function symbolInfo(instrument: SimInstrument): object {
  const tick = priceText(instrument, 1);
  const step = sizeText(instrument, 1);
  return {
    symbol: instrument.symbol,
    pair: coinmPair(instrument.symbol),
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate: 1597042800000,
    contractStatus: 'TRADING',
    // USD per contract: what makes the notional of a size (inverse).
    contractSize: instrument.contractValue,
    marginAsset: instrument.base,
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: instrument.base,
    quoteAsset: instrument.quote,
    pricePrecision: instrument.priceDecimals,
    quantityPrecision: instrument.lotDecimals,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    equalQtyPrecision: 4,
    maxMoveOrderLimit: 10000,
    triggerProtect: '0.0500',
    underlyingType: 'COIN',
    underlyingSubType: [],
    filters: [
      { minPrice: tick, maxPrice: '1000000', filterType: 'PRICE_FILTER', tickSize: tick },
      { stepSize: step, filterType: 'LOT_SIZE', maxQty: '1000000', minQty: step },
      { stepSize: step, filterType: 'MARKET_LOT_SIZE', maxQty: '100000', minQty: step },
      { limit: 200, filterType: 'MAX_NUM_ORDERS' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    liquidationFee: '0.006000',
    marketTakeBound: '0.30',
  };
}

/** `GET /dapi/v1/exchangeInfo` body: every contract, with COIN-M's 2400-a-minute weight limit. */
export function coinmExchangeInfo(instruments: readonly SimInstrument[], serverTime: number): string {
  return JSON.stringify({
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ],
    exchangeFilters: [],
    symbols: instruments.map(symbolInfo),
  });
}

/**
 * One `GET /dapi/v1/ticker/24hr` entry: COIN-M counts `volume` in
 * contracts and `baseVolume` in the base coin, and has no quote volume.
 */
export function coinmTicker24h(inputs: TickerInputs, now: number): object {
  const { instrument } = inputs;
  const last = ((inputs.bidTicks + inputs.askTicks) / 2) * tickOf(instrument);
  const usd = quoteVolume24h(instrument);
  const px = (p: number) => roundedPriceText(instrument, p);
  const change = last - inputs.open;
  const count = Math.round(usd / 2_000) + 1;
  return {
    symbol: instrument.symbol,
    pair: coinmPair(instrument.symbol),
    priceChange: px(change),
    priceChangePercent: ((change / inputs.open) * 100).toFixed(3),
    weightedAvgPrice: px((last + inputs.open) / 2),
    lastPrice: px(last),
    lastQty: '1',
    openPrice: px(inputs.open),
    highPrice: px(Math.max(last, inputs.open) * 1.012),
    lowPrice: px(Math.min(last, inputs.open) * 0.988),
    volume: String(Math.round(usd / instrument.contractValue)),
    baseVolume: scaledText(Math.round((usd / last) * 1e8), 8, 8, false),
    openTime: now - 86_400_000,
    closeTime: now,
    firstId: 1_000_000,
    lastId: 1_000_000 + count - 1,
    count,
  };
}
