import type { RestLimit } from '../../feed/feed-core';

/**
 * OKX public REST limits, per IP, each endpoint counted on its own over 2 s.
 * Past one, OKX answers HTTP 429 with code 50011 ("Too Many Requests").
 * - `GET /api/v5/market/books`: 40 requests / 2 s
 *   (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-order-book)
 * - `GET /api/v5/public/instruments`: 20 requests / 2 s (IP + instType)
 *   (https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments)
 * - `GET /api/v5/market/tickers`: 20 requests / 2 s
 *   (https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-tickers)
 * - error codes: https://www.okx.com/docs-v5/en/#error-code-rest-api-public
 * The simulator enforces these same limits.
 */
export const OKX_BOOKS_LIMIT: RestLimit = { name: 'okx market/books', limit: 40, windowMs: 2_000 };
export const OKX_INSTRUMENTS_LIMIT: RestLimit = { name: 'okx public/instruments', limit: 20, windowMs: 2_000 };
export const OKX_TICKERS_LIMIT: RestLimit = { name: 'okx market/tickers', limit: 20, windowMs: 2_000 };

/** OKX's code for a request over its endpoint's limit. */
export const OKX_RATE_LIMIT_CODE = '50011';

/** Deepest `market/books` snapshot (`sz` up to 400). */
export const OKX_MAX_BOOK_DEPTH = 400;

/** Which limit a REST path counts against; undefined for paths without a table here. */
export function okxRestLimitOf(path: string): RestLimit | undefined {
  if (path === '/api/v5/market/books') return OKX_BOOKS_LIMIT;
  if (path === '/api/v5/public/instruments') return OKX_INSTRUMENTS_LIMIT;
  if (path === '/api/v5/market/tickers') return OKX_TICKERS_LIMIT;
  return undefined;
}
