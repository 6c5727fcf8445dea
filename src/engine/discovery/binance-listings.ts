import { instrumentsFromExchangeInfo, type BinanceMarket } from '../venues/binance/exchange-info';
import type { Instrument } from '../../shared/core/model';
import { finiteOrNull, type ListedMarket, type ListingStatus } from './listed-market';

/**
 * Binance listings from the bodies of `exchangeInfo` and the all-symbols
 * `ticker/24hr` (spot weight 80, USD-M weight 40: one call each per refresh).
 * Spot: https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints#exchange-information
 *   and https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#24hr-ticker-price-change-statistics
 * USD-M: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information
 *   and https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics
 * Symbol statuses: spot https://developers.binance.com/docs/binance-spot-api-docs/enums#symbol-status-status,
 * USD-M contract status https://developers.binance.com/docs/derivatives/usds-margined-futures/common-definition
 */

/** What the two bodies made: the listings, or why they could not be read. */
export interface ParsedListings {
  readonly markets: ListedMarket[];
  /** Empty when both bodies were read; otherwise each says which body and why (shown, never swallowed). */
  readonly problems: string[];
}

const HALTED: ReadonlySet<string> = new Set(['BREAK', 'HALT', 'AUCTION_MATCH', 'PRE_TRADING', 'POST_TRADING', 'END_OF_DAY']);
const CLOSED: ReadonlySet<string> = new Set(['PRE_DELIVERING', 'DELIVERING', 'DELIVERED', 'PRE_SETTLE', 'SETTLING', 'CLOSE']);

/** Binance `status` -> where the listing stands; an unknown status is taken as halted (not subscribed, but reported). */
export function binanceListingStatus(status: string): ListingStatus {
  if (status === 'TRADING') return 'trading';
  if (status === 'PENDING_TRADING') return 'pending';
  if (CLOSED.has(status)) return 'closed';
  if (HALTED.has(status)) return 'halted';
  return 'halted';
}

/**
 * Parses both bodies: spot pairs, perpetuals and dated USD-M futures
 * (`contractType` CURRENT_QUARTER, NEXT_QUARTER, or any other dated type,
 * id `BASE-QUOTE-YYMMDD` from `deliveryDate`, which is carried as the
 * instrument's `expiry`). A future whose expiry is at or before `now` is
 * `closed` (`venueStatus` says `expired`) whatever status the venue still
 * gives it, so a refresh after delivery is a delisting. A symbol the ticker
 * does not list keeps a null volume rather than being dropped: it may be a
 * listing minutes old.
 */
export function binanceListings(market: BinanceMarket, exchangeInfoBody: string, tickerBody: string, now: number | null = null): ParsedListings {
  const problems: string[] = [];
  const info = parseJson(exchangeInfoBody);
  const symbols = isObject(info) && Array.isArray(info['symbols']) ? (info['symbols'] as unknown[]) : null;
  if (symbols === null) return { markets: [], problems: [`exchangeInfo: ${describeBody(info, exchangeInfoBody)}`] };

  const tickers = new Map<string, { last: number | null; quoteVolume: number | null }>();
  const ticker = parseJson(tickerBody);
  if (Array.isArray(ticker)) {
    for (const t of ticker) {
      if (!isObject(t) || typeof t['symbol'] !== 'string') continue;
      tickers.set(t['symbol'], { last: finiteOrNull(t['lastPrice']), quoteVolume: finiteOrNull(t['quoteVolume']) });
    }
  } else {
    problems.push(`ticker/24hr: ${describeBody(ticker, tickerBody)}`);
  }

  const markets: ListedMarket[] = [];
  for (const entry of symbols) {
    if (!isObject(entry)) continue;
    const [mapped] = instrumentsFromExchangeInfo(market, [entry]);
    if (mapped === undefined) continue;
    const delivery = entry['deliveryDate'];
    const instrument = mapped.type === 'future' && typeof delivery === 'number' ? { ...mapped, expiry: delivery } : mapped;
    const venueStatus = typeof entry['status'] === 'string' ? entry['status'] : '';
    const t = tickers.get(instrument.symbol);
    markets.push({
      instrument,
      ...expiredOr(instrument, binanceListingStatus(venueStatus), venueStatus, now),
      lastPrice: t?.last ?? null,
      volume24hQuote: t?.quoteVolume ?? null,
    });
  }
  return { markets, problems };
}

/**
 * A dated future past its expiry is closed, whatever the venue's status
 * still says (Binance keeps TRADING until it starts delivering).
 */
export function expiredOr(instrument: Instrument, status: ListingStatus, venueStatus: string, now: number | null): { status: ListingStatus; venueStatus: string } {
  if (now === null || instrument.expiry === undefined || instrument.expiry > now) return { status, venueStatus };
  const when = new Date(instrument.expiry).toISOString().slice(0, 16).replace('T', ' ');
  return { status: 'closed', venueStatus: `expired ${when} UTC${venueStatus ? `, ${venueStatus}` : ''}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"code":-1003,"msg":"Too many requests"}` -> `-1003 Too many requests`; otherwise what it is. */
export function describeBody(parsed: unknown, text: string): string {
  if (parsed === undefined) return `not JSON (${text.slice(0, 80)})`;
  if (isObject(parsed) && ('msg' in parsed || 'code' in parsed)) return `venue error ${String(parsed['code'] ?? '')} ${String(parsed['msg'] ?? '')}`.trim();
  return 'unexpected shape';
}
