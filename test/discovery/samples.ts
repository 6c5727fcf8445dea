// Bodies shaped as the venues document them (field names, string decimals,
// key order), trimmed to the fields the parsers read plus their neighbours.
// Binance spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information
// Binance USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
// OKX: https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments, #order-book-trading-market-data-get-tickers

export const priceFilter = (tickSize: string) => ({ filterType: 'PRICE_FILTER', minPrice: tickSize, maxPrice: '1000000.00000000', tickSize });

export function spotSymbol(base: string, quote: string, status = 'TRADING', tick = '0.01000000') {
  return {
    symbol: `${base}${quote}`,
    status,
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: true,
    isSpotTradingAllowed: true,
    filters: [priceFilter(tick), { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' }],
    permissionSets: [['SPOT', 'MARGIN']],
  };
}

export function usdmSymbol(base: string, quote: string, status = 'TRADING', contractType = 'PERPETUAL', tick = '0.10') {
  return {
    symbol: `${base}${quote}`,
    pair: `${base}${quote}`,
    contractType,
    deliveryDate: 4133404800000,
    onboardDate: 1569398400000,
    status,
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: base,
    quoteAsset: quote,
    marginAsset: quote,
    pricePrecision: 2,
    quantityPrecision: 3,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    filters: [priceFilter(tick)],
  };
}

export function binanceTicker(symbol: string, lastPrice: string, quoteVolume: string) {
  return {
    symbol,
    priceChange: '-94.99999800',
    priceChangePercent: '-95.960',
    weightedAvgPrice: '0.29628482',
    prevClosePrice: '0.10002000',
    lastPrice,
    lastQty: '200.00000000',
    openPrice: '99.00000000',
    highPrice: '100.00000000',
    lowPrice: '0.10000000',
    volume: '8913.30000000',
    quoteVolume,
    openTime: 1499783499040,
    closeTime: 1499869899040,
    firstId: 28385,
    lastId: 28460,
    count: 76,
  };
}

export const exchangeInfo = (symbols: object[]) => JSON.stringify({ timezone: 'UTC', serverTime: 1565246363776, rateLimits: [], exchangeFilters: [], symbols });

export function okxSwap(base: string, quote: string, ctVal: string, state = 'live', ctType = 'linear') {
  return {
    alias: '',
    baseCcy: '',
    category: '1',
    ctMult: '1',
    ctType,
    ctVal,
    ctValCcy: ctType === 'inverse' ? quote : base,
    expTime: '',
    instFamily: `${base}-${quote}`,
    instId: `${base}-${quote}-SWAP`,
    instType: 'SWAP',
    lever: '125',
    listTime: '1573557408000',
    lotSz: '0.01',
    minSz: '0.01',
    optType: '',
    quoteCcy: '',
    settleCcy: ctType === 'inverse' ? base : quote,
    state,
    stk: '',
    tickSz: '0.1',
    uly: `${base}-${quote}`,
  };
}

export function okxSpot(base: string, quote: string, state = 'live') {
  return {
    alias: '',
    baseCcy: base,
    category: '1',
    ctMult: '',
    ctType: '',
    ctVal: '',
    ctValCcy: '',
    expTime: '',
    instFamily: '',
    instId: `${base}-${quote}`,
    instType: 'SPOT',
    lever: '10',
    listTime: '1606468572000',
    lotSz: '0.00000001',
    minSz: '0.00001',
    optType: '',
    quoteCcy: quote,
    settleCcy: '',
    state,
    stk: '',
    tickSz: '0.1',
    uly: '',
  };
}

export function okxTicker(instType: 'SPOT' | 'SWAP', instId: string, last: string, volCcy24h: string) {
  return {
    instType,
    instId,
    last,
    lastSz: '1',
    askPx: last,
    askSz: '11',
    bidPx: last,
    bidSz: '5',
    open24h: last,
    high24h: last,
    low24h: last,
    volCcy24h,
    vol24h: '2222',
    sodUtc0: '0.1',
    sodUtc8: '0.1',
    ts: '1597026383085',
  };
}

export const okxBody = (data: object[]) => JSON.stringify({ code: '0', msg: '', data });
