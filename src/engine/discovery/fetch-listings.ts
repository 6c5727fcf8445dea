import type { ExchangesConfig, LimitsSettings, SelectableVenue, SelectionRule } from '../../shared/config';
import { DEFAULT_LIMITS } from '../../shared/config';
import { RequestBudget } from '../feed/request-budget';
import { RestClient, RestError, type RestResponse } from '../feed/rest-client';
import { binanceListings, type ParsedListings } from './binance-listings';
import type { ListedMarket } from './listed-market';
import { okxListings } from './okx-listings';

/** One GET, as RestClient spends it: `cost` is the endpoint's documented weight. */
export type RestGet = (url: string, cost: number) => Promise<RestResponse>;

/** What one venue's fetch came to: its listings, or why there are none. */
export interface VenueFetch {
  readonly venue: SelectableVenue;
  readonly markets: readonly ListedMarket[];
  /** Empty on success; a request that failed or a body that did not read. */
  readonly problems: readonly string[];
  /** The bodies as received, by URL: what a capture or a test keeps. */
  readonly bodies: readonly RestResponse[];
}

/**
 * Request weights (documented per endpoint, all symbols):
 * Binance spot exchangeInfo 20, ticker/24hr 80
 * (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints);
 * USD-M exchangeInfo 1, ticker/24hr 40
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/24hr-Ticker-Price-Change-Statistics);
 * OKX one request each, 20 per 2 s per endpoint.
 */
const PLAN: Readonly<Record<Exclude<SelectableVenue, 'okx'>, { info: [string, number]; ticker: [string, number] }>> = {
  'binance-spot': { info: ['/api/v3/exchangeInfo', 20], ticker: ['/api/v3/ticker/24hr', 80] },
  'binance-usdm': { info: ['/fapi/v1/exchangeInfo', 1], ticker: ['/fapi/v1/ticker/24hr', 40] },
};

/** OKX instTypes of each instrument type a rule selects. */
export type OkxInstType = 'SPOT' | 'SWAP' | 'FUTURES';
const OKX_INST_TYPE: Readonly<Record<SelectionRule['type'], OkxInstType>> = { spot: 'SPOT', perpetual: 'SWAP', future: 'FUTURES' };

/** The OKX instTypes the okx rules need, once each. */
export function okxInstTypes(rules: readonly SelectionRule[]): OkxInstType[] {
  return [...new Set(rules.filter((r) => r.venue === 'okx').map((r) => OKX_INST_TYPE[r.type]))];
}

/**
 * Fetches one venue's listings and 24 h tickers. OKX: only the instTypes
 * asked for (SWAP for perpetual rules, SPOT for spot ones, FUTURES for dated
 * futures). Never throws: a network failure or an error status is a problem
 * in the result. `now` (default the wall clock) closes dated futures past
 * their expiry.
 */
export async function fetchVenueListings(
  venue: SelectableVenue,
  exchanges: ExchangesConfig,
  get: RestGet,
  okxTypes: readonly OkxInstType[] = ['SWAP', 'SPOT'],
  now: number = Date.now(),
): Promise<VenueFetch> {
  const bodies: RestResponse[] = [];
  const fetchBody = async (url: string, cost: number): Promise<string | { problem: string }> => {
    try {
      const response = await get(url, cost);
      bodies.push(response);
      if (response.status !== 200) return { problem: `${url}: HTTP ${response.status} ${response.body.slice(0, 120)}` };
      return response.body;
    } catch (error) {
      return { problem: `${url}: ${error instanceof RestError || error instanceof Error ? error.message : String(error)}` };
    }
  };
  const parts: ParsedListings[] = [];
  const problems: string[] = [];
  if (venue === 'okx') {
    const base = trimSlash(exchanges.okx.restUrl);
    for (const type of okxTypes) {
      const [info, tickers] = await Promise.all([
        fetchBody(`${base}/api/v5/public/instruments?instType=${type}`, 1),
        fetchBody(`${base}/api/v5/market/tickers?instType=${type}`, 1),
      ]);
      if (typeof info !== 'string') problems.push(info.problem);
      else parts.push(okxListings(info, typeof tickers === 'string' ? tickers : EMPTY_OKX, now));
      if (typeof tickers !== 'string') problems.push(tickers.problem);
    }
  } else {
    const base = trimSlash(venue === 'binance-spot' ? exchanges.binance.spot.restUrl : exchanges.binance.futures.restUrl);
    const plan = PLAN[venue];
    // select: rules admit every registered venue id; discovery knows how to list these ones only.
    if (plan === undefined) throw new Error(`discovery cannot list venue ${venue} (it lists ${[...Object.keys(PLAN), 'okx'].join(', ')})`);
    const [info, tickers] = await Promise.all([fetchBody(`${base}${plan.info[0]}`, plan.info[1]), fetchBody(`${base}${plan.ticker[0]}`, plan.ticker[1])]);
    if (typeof info !== 'string') problems.push(info.problem);
    else parts.push(binanceListings(venue === 'binance-spot' ? 'spot' : 'usdm', info, typeof tickers === 'string' ? tickers : '[]', now));
    if (typeof tickers !== 'string') problems.push(tickers.problem);
  }
  for (const p of parts) problems.push(...p.problems);
  return { venue, markets: parts.flatMap((p) => p.markets), problems, bodies };
}

/** Stands in for a ticker body that failed to fetch (already a problem): listings then have unknown volumes. */
const EMPTY_OKX = '{"code":"0","msg":"","data":[]}';

/** What the venues allow per window, per REST host, for discovery's own budget. */
const BUDGETS: Readonly<Record<SelectableVenue, { limit: number; windowMs: number }>> = {
  'binance-spot': { limit: 6000, windowMs: 60_000 },
  'binance-usdm': { limit: 2400, windowMs: 60_000 },
  okx: { limit: 20, windowMs: 2_000 },
};

/**
 * A RestClient for discovery alone, per venue, spending a tenth of the
 * venue's limit: a refresh is a few hundred weight a quarter-hour, far inside
 * the headroom the feeds leave (exchanges.yaml `rest_weight_share`).
 */
export function discoveryRestGet(venue: SelectableVenue, limits?: Partial<LimitsSettings>, fetchImpl?: typeof fetch): { get: RestGet; close(): void } {
  const allowance = BUDGETS[venue];
  if (allowance === undefined) throw new Error(`discovery has no request budget for venue ${venue}`);
  const budget = new RequestBudget({ name: `${venue} discovery`, ...allowance, share: 0.1, maxInFlight: 2 });
  const client = new RestClient({
    budgets: [budget],
    timeoutMs: 30_000,
    defaultRetryAfterMs: 60_000,
    maxBodyBytes: limits?.restBodyBytes ?? DEFAULT_LIMITS.restBodyBytes,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return {
    get: (url, cost) => client.get(url, { cost }),
    close: () => {
      client.close();
      budget.close();
    },
  };
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
