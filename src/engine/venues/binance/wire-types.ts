/**
 * Binance wire shapes, as parsed from JSON and not yet trusted: every field is
 * optional and `unknown`-ish so the mapper must check before use. Private to
 * this folder; the rest of the engine sees only the normalized model.
 *
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 */

/** Combined-stream envelope: `/stream?streams=a/b` wraps every payload. */
export interface WireCombined {
  readonly stream?: unknown;
  readonly data?: unknown;
}

/** Any payload keyed by `e` (event type); spot bookTicker and partial depth have none. */
export interface WirePayload {
  readonly e?: unknown;
  readonly E?: unknown;
  readonly T?: unknown;
  readonly s?: unknown;
  readonly [field: string]: unknown;
}

/** Diff depth (`<symbol>@depth@100ms`); USD-M partial depth has the same shape. */
export interface WireDepthUpdate extends WirePayload {
  /** First update id in the event. */
  readonly U?: unknown;
  /** Final update id in the event. */
  readonly u?: unknown;
  /** USD-M only: final update id of the previous event on this stream. */
  readonly pu?: unknown;
  readonly b?: unknown;
  readonly a?: unknown;
}

/** REST `/api/v3/depth`, `/fapi/v1/depth`, and spot partial depth `<symbol>@depth20`. */
export interface WireDepthSnapshot {
  readonly lastUpdateId?: unknown;
  /** USD-M REST only: message output time and transaction time. */
  readonly E?: unknown;
  readonly T?: unknown;
  readonly bids?: unknown;
  readonly asks?: unknown;
}

/** `bookTicker`: spot `{u,s,b,B,a,A}`, USD-M adds `e`, `E`, `T`. */
export interface WireBookTicker extends WirePayload {
  /** Order book update id of this top of book (same id space as diff depth `u`). */
  readonly u?: unknown;
  readonly b?: unknown;
  readonly B?: unknown;
  readonly a?: unknown;
  readonly A?: unknown;
}

/** USD-M `markPriceUpdate`: `p` mark, `i` index, `r` funding rate (may be ""), `T` next funding. */
export interface WireMarkPrice extends WirePayload {
  readonly p?: unknown;
  readonly i?: unknown;
  readonly r?: unknown;
}

/** One entry of `exchangeInfo.symbols`; spot, USD-M and COIN-M share these fields. */
export interface WireSymbolInfo {
  readonly symbol?: unknown;
  readonly status?: unknown;
  readonly baseAsset?: unknown;
  readonly quoteAsset?: unknown;
  /** USD-M only: `PERPETUAL`, `CURRENT_QUARTER`, `NEXT_QUARTER`, ... or "" while pending. */
  readonly contractType?: unknown;
  /** USD-M only: epoch ms; 4133404800000 (year 2100) for perpetuals. */
  readonly deliveryDate?: unknown;
  /** COIN-M only: USD one contract is worth (BTCUSD_PERP 100, the others 10). */
  readonly contractSize?: unknown;
  readonly filters?: unknown;
}

/** REST `exchangeInfo` body. */
export interface WireExchangeInfo {
  readonly symbols?: unknown;
}

/** `{"code":-1121,"msg":"Invalid symbol."}` (REST) or `{"error":{...},"id":1}` (WS). */
export interface WireError {
  readonly code?: unknown;
  readonly msg?: unknown;
}
