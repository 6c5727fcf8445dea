import { assetRank } from './fair-value';
import { roundedPriceText, scaledText, tickOf, type SimInstrument } from './sim-instruments';

export { assetRank };

/**
 * 24 h statistics of the simulated listings, as the venues' REST ticker
 * routes return them: what instrument discovery ranks by (minimum 24 h
 * volume, liquidity tiers).
 * - Binance spot `GET /api/v3/ticker/24hr` (FULL):
 *   https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 * - Binance USD-M `GET /fapi/v1/ticker/24hr`:
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
 * - OKX `GET /api/v5/market/tickers?instType=`: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-tickers
 *   (SPOT: `vol24h` in base, `volCcy24h` in quote; SWAP: `vol24h` in contracts, `volCcy24h` in base).
 */

/** What a ticker needs of a listing at the time of the request. */
export interface TickerInputs {
  readonly instrument: SimInstrument;
  /** Best bid and ask now, in ticks. */
  readonly bidTicks: number;
  readonly askTicks: number;
  /** The asset's price 24 h ago (the run's open). */
  readonly open: number;
}

/** Share of an asset's 24 h turnover each venue takes: perps trade far more than spot, Binance more than OKX. */
const VENUE_SHARE: Readonly<Record<string, number>> = {
  'binance-usdm:perpetual': 1,
  'binance-spot:spot': 0.25,
  'okx:perpetual': 0.4,
  'okx:spot': 0.08,
  'binance-coinm:perpetual': 0.12,
  'bybit:perpetual': 0.5,
  'bybit:spot': 0.1,
};

/** BTC's USD-M 24 h quote volume, the top of the market (about $15 B on a real day). */
const TOP_QUOTE_VOLUME = 15e9;

/**
 * 24 h quote volume of a listing: a Zipf-like fall by the asset's rank
 * (BTC 1, ETH 2, the synthetic assets after them in a shuffled order so
 * that volume does not follow the price level), times the venue's share.
 * BTC perp ~$15 B, ETH ~$6 B, the tail down to a few hundred $K: the spread
 * of a real listing, so volume tiers and minimum-volume rules have
 * something to cut.
 */
export function quoteVolume24h(instrument: SimInstrument): number {
  const rank = assetRank(instrument.base);
  const share = VENUE_SHARE[`${instrument.venue}:${instrument.type}`] ?? 0.1;
  return (TOP_QUOTE_VOLUME * share) / rank ** 1.35;
}

function mid(inputs: TickerInputs): number {
  return ((inputs.bidTicks + inputs.askTicks) / 2) * tickOf(inputs.instrument);
}

/** A decimal string with `decimals` places, from a float: volumes and notional, not prices. */
function amount(value: number, decimals: number): string {
  return scaledText(Math.round(value * 10 ** decimals), decimals, decimals, false);
}

/** One Binance 24 h ticker (spot FULL or USD-M), in the venue's key order. */
export function binanceTicker24h(inputs: TickerInputs, now: number): object {
  const { instrument } = inputs;
  const last = mid(inputs);
  const quote = quoteVolume24h(instrument);
  const base = quote / last;
  const px = (p: number) => roundedPriceText(instrument, p);
  const change = last - inputs.open;
  const spot = instrument.venue === 'binance-spot';
  const common = {
    symbol: instrument.symbol,
    priceChange: px(change),
    priceChangePercent: ((change / inputs.open) * 100).toFixed(3),
    weightedAvgPrice: px((last + inputs.open) / 2),
  };
  const counts = { openTime: now - 86_400_000, closeTime: now, firstId: 1_000_000, lastId: 1_000_000 + Math.round(quote / 2_000), count: Math.round(quote / 2_000) + 1 };
  const hiLo = { highPrice: px(Math.max(last, inputs.open) * 1.012), lowPrice: px(Math.min(last, inputs.open) * 0.988) };
  if (spot) {
    const bid = inputs.bidTicks * tickOf(instrument);
    const ask = inputs.askTicks * tickOf(instrument);
    return {
      ...common,
      prevClosePrice: px(inputs.open),
      lastPrice: px(last),
      lastQty: amount(100 / last, 8),
      bidPrice: px(bid),
      bidQty: amount(1_000 / bid, 8),
      askPrice: px(ask),
      askQty: amount(1_000 / ask, 8),
      openPrice: px(inputs.open),
      ...hiLo,
      volume: amount(base, 8),
      quoteVolume: amount(quote, 8),
      ...counts,
    };
  }
  return {
    ...common,
    lastPrice: px(last),
    lastQty: amount(100 / last, instrument.lotDecimals),
    openPrice: px(inputs.open),
    ...hiLo,
    volume: amount(base, instrument.lotDecimals),
    quoteVolume: amount(quote, 2),
    ...counts,
  };
}

/** One OKX `market/tickers` entry. */
export function okxTicker24h(inputs: TickerInputs, now: number): object {
  const { instrument } = inputs;
  const last = mid(inputs);
  const quote = quoteVolume24h(instrument);
  const base = quote / last;
  const px = (p: number) => roundedPriceText(instrument, p);
  const swap = instrument.type === 'perpetual';
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  return {
    instType: swap ? 'SWAP' : 'SPOT',
    instId: instrument.symbol,
    last: px(last),
    lastSz: '1',
    askPx: px(inputs.askTicks * tickOf(instrument)),
    askSz: '10',
    bidPx: px(inputs.bidTicks * tickOf(instrument)),
    bidSz: '10',
    open24h: px(inputs.open),
    high24h: px(Math.max(last, inputs.open) * 1.012),
    low24h: px(Math.min(last, inputs.open) * 0.988),
    // SPOT: volCcy24h in quote, vol24h in base. SWAP: volCcy24h in base, vol24h in contracts.
    volCcy24h: trim(swap ? amount(base, 4) : amount(quote, 4)),
    vol24h: trim(swap ? amount(base / instrument.contractValue, 0) : amount(base, 4)),
    ts: String(now),
    sodUtc0: px(inputs.open),
    sodUtc8: px(inputs.open),
  };
}
