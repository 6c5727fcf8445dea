// Bybit v5 public shapes as sent, loosely typed: every field is read through
// src/engine/venues/wire, never trusted from these types.
// https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
// https://bybit-exchange.github.io/docs/v5/websocket/public/ticker
// https://bybit-exchange.github.io/docs/v5/market/instrument

/** `{"topic":"orderbook.50.BTCUSDT","type":"snapshot"|"delta","ts":...,"data":{...},"cts":...}` and tickers. */
export interface BybitWirePush {
  readonly topic?: unknown;
  readonly type?: unknown;
  readonly ts?: unknown;
  readonly cts?: unknown;
  readonly cs?: unknown;
  readonly data?: unknown;
}

/** `data` of an orderbook push: `s`, bids `b` and asks `a` as `[price, size]` strings, update id `u`, cross sequence `seq`. */
export interface BybitWireBook {
  readonly s?: unknown;
  readonly b?: unknown;
  readonly a?: unknown;
  readonly u?: unknown;
  readonly seq?: unknown;
}

/** `data` of a tickers push; a derivatives delta carries only the fields that changed. */
export interface BybitWireTicker {
  readonly symbol?: unknown;
  readonly markPrice?: unknown;
  readonly indexPrice?: unknown;
  readonly fundingRate?: unknown;
  readonly nextFundingTime?: unknown;
  readonly bid1Price?: unknown;
  readonly bid1Size?: unknown;
  readonly ask1Price?: unknown;
  readonly ask1Size?: unknown;
}

/** Replies to our requests: `{"success":true,"ret_msg":"pong","conn_id":"...","op":"ping"}`, subscribe acks. */
export interface BybitWireReply {
  readonly success?: unknown;
  readonly ret_msg?: unknown;
  readonly op?: unknown;
  readonly conn_id?: unknown;
}

/** A REST body: `{"retCode":0,"retMsg":"OK","result":{...},"time":...}`. */
export interface BybitWireRest {
  readonly retCode?: unknown;
  readonly retMsg?: unknown;
  readonly result?: unknown;
}

/** One entry of `market/instruments-info` `result.list`. */
export interface BybitWireInstrument {
  readonly symbol?: unknown;
  readonly contractType?: unknown;
  readonly status?: unknown;
  readonly baseCoin?: unknown;
  readonly quoteCoin?: unknown;
  readonly settleCoin?: unknown;
  readonly deliveryTime?: unknown;
  readonly priceFilter?: { readonly tickSize?: unknown };
  readonly lotSizeFilter?: { readonly qtyStep?: unknown; readonly basePrecision?: unknown };
}
