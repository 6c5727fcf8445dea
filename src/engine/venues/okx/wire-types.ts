/**
 * OKX v5 public wire shapes, as far as this venue reads them. Everything is
 * typed `unknown` where the exchange could send something else: the mapper
 * checks each field before use, so these describe what we expect, not what
 * we trust. Reference: https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 */

/** The `arg` of a push: which channel and instrument (or index, for `index-tickers`). */
export interface OkxWireArg {
  readonly channel?: unknown;
  readonly instId?: unknown;
  readonly instType?: unknown;
}

/** A push message: `{"arg":{...},"action":"snapshot"|"update","data":[...]}`. */
export interface OkxWirePush {
  readonly arg?: OkxWireArg;
  readonly action?: unknown;
  readonly data?: unknown;
}

/** An event message: `subscribe`, `unsubscribe`, `error`, `notice`, `login`, `channel-conn-count`. */
export interface OkxWireEvent {
  readonly event: unknown;
  readonly code?: unknown;
  readonly msg?: unknown;
  readonly arg?: OkxWireArg;
}

/**
 * One entry of a `books`-family push or a REST `market/books` response.
 * `seqId` / `prevSeqId` exist since 2022 (not in older recordings);
 * `checksum` is a signed 32-bit CRC32, fixed at 0 since June 2026.
 */
export interface OkxWireBook {
  readonly asks?: unknown;
  readonly bids?: unknown;
  readonly ts?: unknown;
  readonly checksum?: unknown;
  readonly seqId?: unknown;
  readonly prevSeqId?: unknown;
}

/** One `tickers` entry (only the fields we map). */
export interface OkxWireTicker {
  readonly instId?: unknown;
  readonly bidPx?: unknown;
  readonly bidSz?: unknown;
  readonly askPx?: unknown;
  readonly askSz?: unknown;
  readonly ts?: unknown;
}

/** One `mark-price` entry. */
export interface OkxWireMarkPrice {
  readonly instId?: unknown;
  readonly markPx?: unknown;
  readonly ts?: unknown;
}

/**
 * One `funding-rate` entry. `fundingRate` settles at `fundingTime`;
 * `nextFundingRate` / `nextFundingTime` describe the period after that.
 */
export interface OkxWireFundingRate {
  readonly instId?: unknown;
  readonly fundingRate?: unknown;
  readonly fundingTime?: unknown;
  readonly nextFundingTime?: unknown;
  readonly ts?: unknown;
}

/** One `index-tickers` entry: `instId` is the index name (`BTC-USDT`). */
export interface OkxWireIndexTicker {
  readonly instId?: unknown;
  readonly idxPx?: unknown;
  readonly ts?: unknown;
}

/** A REST response body: `{"code":"0","msg":"","data":[...]}`; `code` other than "0" is an error. */
export interface OkxWireRestResponse {
  readonly code?: unknown;
  readonly msg?: unknown;
  readonly data?: unknown;
}

/** One `public/instruments` entry (strings; empty string means "not applicable"). */
export interface OkxWireInstrument {
  readonly instType?: unknown;
  readonly instId?: unknown;
  readonly baseCcy?: unknown;
  readonly quoteCcy?: unknown;
  readonly ctType?: unknown;
  readonly ctVal?: unknown;
  readonly ctMult?: unknown;
  readonly ctValCcy?: unknown;
  readonly settleCcy?: unknown;
  readonly tickSz?: unknown;
  readonly lotSz?: unknown;
  readonly uly?: unknown;
  readonly instFamily?: unknown;
}
