import { mapOkxInstrument } from '../venues/okx/instruments';
import type { OkxWireInstrument } from '../venues/okx/wire-types';
import { describeBody, expiredOr, type ParsedListings } from './binance-listings';
import { finiteOrNull, type ListedMarket, type ListingStatus } from './listed-market';

/**
 * OKX listings of one instType (SPOT, SWAP or FUTURES) from `public/instruments` and
 * `market/tickers` (20 requests per 2 s each: one call per type per refresh).
 * https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-get-tickers
 * `state`: live, suspend, preopen (listing announced; also during a
 * scheduled re-listing), test (not tradable by the public).
 * `volCcy24h`: SPOT in the quote currency, SWAP and FUTURES in the base
 * currency (so times `last` for the quote notional, inverse contracts
 * included: their quote is USD). FUTURES carry `expTime` (epoch ms, as a
 * string), kept as the instrument's `expiry`; their id is the instId
 * (`BTC-USDT-250627`), the same as Binance's for the same delivery day.
 */
export function okxListingStatus(state: string): ListingStatus {
  if (state === 'live') return 'trading';
  if (state === 'preopen' || state === 'test') return 'pending';
  return 'halted';
}

export function okxListings(instrumentsBody: string, tickersBody: string, now: number | null = null): ParsedListings {
  const problems: string[] = [];
  const instruments = okxData(instrumentsBody);
  if (!Array.isArray(instruments)) return { markets: [], problems: [`public/instruments: ${instruments}`] };

  const tickers = new Map<string, { last: number | null; volCcy: number | null }>();
  const data = okxData(tickersBody);
  if (Array.isArray(data)) {
    for (const t of data) {
      if (typeof t !== 'object' || t === null) continue;
      const { instId, last, volCcy24h } = t as Record<string, unknown>;
      if (typeof instId === 'string') tickers.set(instId, { last: finiteOrNull(last), volCcy: finiteOrNull(volCcy24h) });
    }
  } else {
    problems.push(`market/tickers: ${data}`);
  }

  const markets: ListedMarket[] = [];
  for (const entry of instruments) {
    if (typeof entry !== 'object' || entry === null) continue;
    const mapped = mapOkxInstrument(entry as OkxWireInstrument);
    if (mapped === undefined) continue;
    const expTime = finiteOrNull((entry as { expTime?: unknown }).expTime);
    const instrument = mapped.type === 'future' && expTime !== null ? { ...mapped, expiry: expTime } : mapped;
    const state = (entry as { state?: unknown }).state;
    const venueStatus = typeof state === 'string' ? state : '';
    const t = tickers.get(instrument.symbol);
    const last = t?.last ?? null;
    const volCcy = t?.volCcy ?? null;
    const volume24hQuote = volCcy === null ? null : instrument.type === 'spot' ? volCcy : last === null ? null : volCcy * last;
    markets.push({ instrument, ...expiredOr(instrument, okxListingStatus(venueStatus), venueStatus, now), lastPrice: last, volume24hQuote });
  }
  return { markets, problems };
}

/** The `data` array of an OKX envelope with code "0", or a description of what came instead. */
function okxData(text: string): unknown[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return describeBody(undefined, text);
  }
  if (typeof parsed === 'object' && parsed !== null && (parsed as { code?: unknown }).code === '0' && Array.isArray((parsed as { data?: unknown }).data)) {
    return (parsed as { data: unknown[] }).data;
  }
  return describeBody(parsed, text);
}
