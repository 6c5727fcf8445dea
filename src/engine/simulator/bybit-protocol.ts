import { priceText, roundedPriceText, scaledText, sizeText, tickOf, type SimBybitCategory, type SimInstrument } from './sim-instruments';
import { quoteVolume24h, type TickerInputs } from './sim-tickers';

/**
 * Bybit v5 public wire formats (spot, linear, inverse), as the real service
 * sends them:
 * - sockets, one per category: https://bybit-exchange.github.io/docs/v5/ws/connect
 * - `orderbook.{depth}.{symbol}`: a snapshot after each subscribe, then
 *   deltas whose update id `u` runs on by one; a snapshot may come again at
 *   any time and replaces the book; `seq` is the cross sequence
 *   (https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook).
 *   Depth 1000 is the one served here (200 ms pushes on linear, inverse and
 *   spot): the simulated books hold fewer levels, so the stream is the whole book.
 * - `tickers.{symbol}`: derivatives send a snapshot on subscribe, then deltas
 *   holding only the fields that changed; spot sends snapshots only
 *   (https://bybit-exchange.github.io/docs/v5/websocket/public/ticker).
 * - REST `market/instruments-info` (paged by `nextPageCursor`), `market/orderbook`,
 *   `market/tickers` (https://bybit-exchange.github.io/docs/v5/market/instrument,
 *   https://bybit-exchange.github.io/docs/v5/market/orderbook,
 *   https://bybit-exchange.github.io/docs/v5/market/tickers); errors come
 *   back with HTTP 200 and a non-zero `retCode`.
 * Objects are built in the venue's key order and serialized with JSON.stringify.
 */

/** The one book depth the simulated venue publishes. */
export const BYBIT_SIM_DEPTH = 1000;

/** `orderbook.1000.BTCUSDT`. */
export function bybitBookTopic(instrument: SimInstrument): string {
  return `orderbook.${BYBIT_SIM_DEPTH}.${instrument.wireSymbol}`;
}

/** `tickers.BTCUSDT`. */
export function bybitTickerTopic(instrument: SimInstrument): string {
  return `tickers.${instrument.wireSymbol}`;
}

/** `[["65000.10","0.012"], ...]` from ticks and lots. */
export function bybitLevels(instrument: SimInstrument, levels: readonly (readonly [number, number])[]): [string, string][] {
  return levels.map(([ticks, lots]) => [priceText(instrument, ticks), sizeText(instrument, lots)]);
}

/** One orderbook push (`snapshot` or `delta`). */
export function bybitBookPush(instrument: SimInstrument, type: 'snapshot' | 'delta', bids: [string, string][], asks: [string, string][], u: number, seq: number, ts: number): string {
  return JSON.stringify({ topic: bybitBookTopic(instrument), type, ts, data: { s: instrument.wireSymbol, b: bids, a: asks, u, seq }, cts: ts - 3 });
}

/** A ticker's fields as published, in the venue's order: what a snapshot sends whole and a delta in part. */
export type BybitTickerFields = Readonly<Record<string, string>>;

/**
 * The ticker fields of a listing now. Derivatives carry the best bid and
 * offer, mark, index and funding; spot only prices and volumes (its index
 * is the USD index, `usdIndexPrice`).
 */
export function bybitTickerFields(
  inputs: TickerInputs,
  bid: [string, string],
  ask: [string, string],
  reference: { readonly mark: string; readonly index: string; readonly funding: string; readonly nextFunding: number } | null,
): BybitTickerFields {
  const { instrument } = inputs;
  const last = roundedPriceText(instrument, ((inputs.bidTicks + inputs.askTicks) / 2) * tickOf(instrument));
  const open = roundedPriceText(instrument, inputs.open);
  const usd = quoteVolume24h(instrument);
  const mid = ((inputs.bidTicks + inputs.askTicks) / 2) * tickOf(instrument);
  const change = ((mid - inputs.open) / inputs.open).toFixed(6);
  if (instrument.type === 'spot') {
    return {
      lastPrice: last,
      highPrice24h: open,
      lowPrice24h: open,
      prevPrice24h: open,
      volume24h: scaledText(Math.round((usd / mid) * 1e4), 4, 4, false),
      turnover24h: scaledText(Math.round(usd * 100), 2, 2, false),
      price24hPcnt: change,
      usdIndexPrice: reference?.index ?? last,
    };
  }
  const inverse = instrument.contractKind === 'inverse';
  return {
    tickDirection: 'ZeroPlusTick',
    price24hPcnt: change,
    lastPrice: last,
    prevPrice24h: open,
    highPrice24h: open,
    lowPrice24h: open,
    prevPrice1h: open,
    markPrice: reference?.mark ?? last,
    indexPrice: reference?.index ?? last,
    openInterest: '0',
    openInterestValue: '0.00',
    // Inverse turnover is in the base coin and volume in USD contracts; linear the other way round.
    turnover24h: inverse ? scaledText(Math.round((usd / mid) * 1e4), 4, 4, false) : scaledText(Math.round(usd * 100), 2, 2, false),
    volume24h: inverse ? String(Math.round(usd)) : scaledText(Math.round((usd / mid) * 1e3), 3, 3, false),
    nextFundingTime: String(reference?.nextFunding ?? 0),
    fundingRate: reference?.funding ?? '0',
    bid1Price: bid[0],
    bid1Size: bid[1],
    ask1Price: ask[0],
    ask1Size: ask[1],
  };
}

/** The fields of `next` that differ from `previous`: a derivatives ticker delta. */
export function bybitChangedFields(previous: BybitTickerFields, next: BybitTickerFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(next)) if (previous[key] !== value) out[key] = value;
  return out;
}

/** A tickers push: `snapshot` (whole) or `delta` (the changed fields). `cs` is the matching engine's version. */
export function bybitTickerPush(instrument: SimInstrument, type: 'snapshot' | 'delta', fields: BybitTickerFields, cs: number, ts: number): string {
  return JSON.stringify({ topic: bybitTickerTopic(instrument), type, data: { symbol: instrument.wireSymbol, ...fields }, cs, ts });
}

/** Reply to a subscribe or unsubscribe request (one per request, whatever its args). */
export function bybitOpReply(op: string, success: boolean, retMsg: string, connId: string, reqId: string): string {
  return JSON.stringify({ success, ret_msg: retMsg, conn_id: connId, req_id: reqId, op });
}

/**
 * Reply to `{"op":"ping"}`: spot answers with a success reply whose
 * `ret_msg` is `pong`, linear and inverse with an `op: pong` message
 * carrying the server time.
 */
export function bybitPong(category: SimBybitCategory, connId: string, reqId: string, now: number): string {
  if (category === 'spot') return JSON.stringify({ success: true, ret_msg: 'pong', conn_id: connId, req_id: reqId, op: 'ping' });
  return JSON.stringify({ req_id: reqId, op: 'pong', args: [String(now)], conn_id: connId });
}

/** A REST answer: HTTP 200 whether it worked or not, `retCode` 0 when it did. */
export function bybitRest(result: object, time: number, retCode = 0, retMsg = 'OK'): string {
  return JSON.stringify({ retCode, retMsg, result, retExtInfo: {}, time });
}

function instrumentEntry(instrument: SimInstrument): object {
  const tickSize = priceText(instrument, 1);
  const step = sizeText(instrument, 1);
  if (instrument.category === 'spot') {
    return {
      symbol: instrument.wireSymbol,
      baseCoin: instrument.base,
      quoteCoin: instrument.quote,
      innovation: '0',
      status: 'Trading',
      marginTrading: 'utaOnly',
      stTag: '0',
      lotSizeFilter: { basePrecision: step, quotePrecision: '0.00000001', minOrderQty: step, maxOrderQty: '71.73956243', minOrderAmt: '1', maxOrderAmt: '4000000' },
      priceFilter: { tickSize },
      riskParameters: { priceLimitRatioX: '0.005', priceLimitRatioY: '0.01' },
    };
  }
  const inverse = instrument.contractKind === 'inverse';
  return {
    symbol: instrument.wireSymbol,
    contractType: inverse ? 'InversePerpetual' : 'LinearPerpetual',
    status: 'Trading',
    baseCoin: instrument.base,
    quoteCoin: instrument.quote,
    launchTime: '1585526400000',
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(instrument.tickDecimals),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: tickSize, maxPrice: '1999999.80', tickSize },
    lotSizeFilter: { maxOrderQty: '1190.000', minOrderQty: step, qtyStep: step, postOnlyMaxOrderQty: '1190.000', maxMktOrderQty: '500.000', minNotionalValue: inverse ? '0' : '5' },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: inverse ? instrument.base : instrument.quote,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
  };
}

/** One page of `market/instruments-info`; `nextPageCursor` is "" on the last page. */
export function bybitInstrumentsPage(category: SimBybitCategory, page: readonly SimInstrument[], nextCursor: string, time: number): string {
  return bybitRest({ category, list: page.map(instrumentEntry), nextPageCursor: nextCursor }, time);
}

/** `market/orderbook` body: the top `limit` levels, with the stream's update id and cross sequence. */
export function bybitRestBook(instrument: SimInstrument, bids: [string, string][], asks: [string, string][], u: number, seq: number, time: number): string {
  return bybitRest({ s: instrument.wireSymbol, b: bids, a: asks, ts: time, u, seq, cts: time - 3 }, time);
}

/** One `market/tickers` entry: the socket ticker's fields under the REST names. */
export function bybitRestTicker(instrument: SimInstrument, fields: BybitTickerFields): object {
  return { symbol: instrument.wireSymbol, ...fields };
}
