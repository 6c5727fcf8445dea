import { BINANCE_REQUEST_WEIGHT_PER_MINUTE, binanceDepthWeight, binanceExchangeInfoWeight, binanceTicker24hWeight } from '../venues/binance/binance-rest-weights';
import type { BinanceMarket } from '../venues/binance/exchange-info';
import { OKX_RATE_LIMIT_CODE, okxRestLimitOf } from '../venues/okx/okx-rest-limits';

/**
 * The venues' REST limits per client IP, as the simulated servers enforce
 * them, so a client that overspends meets what it would meet live:
 *
 * Binance (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits):
 * weight per endpoint within REQUEST_WEIGHT per minute (spot 6000, USD-M
 * 2400), counted per calendar minute; every answer carries
 * `X-MBX-USED-WEIGHT-1M`. Past the limit: HTTP 429 with Retry-After (to the
 * end of the minute). A request before that Retry-After is over: HTTP 418,
 * the IP banned, for 2 minutes, doubling with each ban (the venue: "from 2
 * minutes to 3 days").
 *
 * OKX (https://www.okx.com/docs-v5/en/#error-code-rest-api-public): each
 * endpoint counts its own requests per IP over 2 s (market/books 40);
 * past it, HTTP 429 with code 50011.
 *
 * COIN-M (https://developers.binance.com/docs/derivatives/coin-margined-futures/general-info):
 * Binance's rules with USD-M's 2400 a minute and `/dapi/v1` weights.
 *
 * Bybit (https://bybit-exchange.github.io/docs/v5/rate-limit): 600
 * requests per 5 s per IP across the public market routes; past it,
 * HTTP 403 "access too frequent" (the venue then bans the IP for 10
 * minutes; here the window simply has to pass).
 */

/** What the server answers instead of the route, or the headers it adds to it. */
export type LimitVerdict =
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string };

/** First Binance ban; each further ban doubles it. */
const FIRST_BAN_MS = 120_000;
const MAX_BAN_MS = 3 * 24 * 3_600_000;

interface BinanceIpState {
  minute: number;
  used: number;
  /** A 429 was sent; requests before this time earn a ban. */
  throttledUntil: number;
  bannedUntil: number;
  bans: number;
}

const BINANCE_PREFIX: Readonly<Record<BinanceMarket, string>> = { spot: '/api/v3', usdm: '/fapi/v1', coinm: '/dapi/v1' };

/** Bybit's public market limit per IP. */
const BYBIT_LIMIT = { limit: 600, windowMs: 5_000 } as const;

/** Weight of a Binance route; null for a path the server does not serve (a 404 costs nothing here). */
export function binanceRouteWeight(market: BinanceMarket, path: string, params: URLSearchParams): number | null {
  const prefix = BINANCE_PREFIX[market];
  switch (path) {
    case `${prefix}/ping`:
    case `${prefix}/time`:
      return 1;
    case `${prefix}/exchangeInfo`:
      return binanceExchangeInfoWeight(market);
    case `${prefix}/depth`: {
      const limit = Number(params.get('limit') ?? (market === 'spot' ? 100 : 500));
      return binanceDepthWeight(market, Number.isFinite(limit) && limit > 0 ? limit : 100);
    }
    case `${prefix}/ticker/24hr`: {
      if (params.has('symbol')) return binanceTicker24hWeight(market, 1);
      const many = params.get('symbols');
      if (many === null) return binanceTicker24hWeight(market, 'all');
      const count = (many.match(/"/g)?.length ?? 0) / 2;
      return binanceTicker24hWeight(market, Math.max(1, count));
    }
    default:
      return null;
  }
}

/** Counts and judges every REST request of one simulated server. */
export class SimRestLimits {
  private readonly binance = new Map<string, BinanceIpState>();
  /** Bybit: per IP, request times within the last window. */
  private readonly bybit = new Map<string, number[]>();
  /** OKX: per `ip path`, request times within the last window. */
  private readonly okx = new Map<string, number[]>();
  /** Answers refused per status, for tests and benches: a well-behaved client sees none. */
  readonly refused = { throttled: 0, banned: 0 };
  /** Weight (Binance) or requests (OKX) served per IP. */
  readonly spent = new Map<string, number>();

  /** A Binance request from `ip`: served (with the used-weight header) or refused. */
  judgeBinance(market: BinanceMarket, ip: string, path: string, params: URLSearchParams, now: number): LimitVerdict {
    const weight = binanceRouteWeight(market, path, params) ?? 1;
    const limit = BINANCE_REQUEST_WEIGHT_PER_MINUTE[market];
    const minute = Math.floor(now / 60_000);
    let state = this.binance.get(ip);
    if (state === undefined) this.binance.set(ip, (state = { minute, used: 0, throttledUntil: 0, bannedUntil: 0, bans: 0 }));
    if (state.minute !== minute) {
      state.minute = minute;
      state.used = 0;
    }
    const retryAfter = (until: number) => String(Math.max(1, Math.ceil((until - now) / 1000)));
    if (now < state.bannedUntil || now < state.throttledUntil) {
      if (now >= state.bannedUntil) {
        // Going on after a 429 inside its Retry-After: the IP is banned.
        state.bannedUntil = now + Math.min(MAX_BAN_MS, FIRST_BAN_MS * 2 ** state.bans);
        state.bans += 1;
        state.throttledUntil = 0;
      }
      this.refused.banned += 1;
      const body = JSON.stringify({ code: -1003, msg: `Way too many requests; IP banned until ${state.bannedUntil}. Please use the websocket for live updates to avoid bans.` });
      return { ok: false, status: 418, headers: { 'retry-after': retryAfter(state.bannedUntil), 'x-mbx-used-weight-1m': String(state.used) }, body };
    }
    if (state.used + weight > limit) {
      state.throttledUntil = (minute + 1) * 60_000;
      this.refused.throttled += 1;
      const body = JSON.stringify({ code: -1003, msg: `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.` });
      return { ok: false, status: 429, headers: { 'retry-after': retryAfter(state.throttledUntil), 'x-mbx-used-weight-1m': String(state.used) }, body };
    }
    state.used += weight;
    this.spent.set(ip, (this.spent.get(ip) ?? 0) + weight);
    return { ok: true, headers: { 'x-mbx-used-weight-1m': String(state.used) } };
  }

  /** A Bybit request from `ip`: served, or HTTP 403 past 600 in 5 s. */
  judgeBybit(ip: string, now: number): LimitVerdict {
    if (!this.admit(this.bybit, ip, BYBIT_LIMIT.limit, BYBIT_LIMIT.windowMs, now)) {
      this.refused.throttled += 1;
      return { ok: false, status: 403, headers: { 'content-type': 'text/plain' }, body: 'access too frequent' };
    }
    this.spent.set(ip, (this.spent.get(ip) ?? 0) + 1);
    return { ok: true, headers: {} };
  }

  /** Counts a request in a sliding window; false (not counted) when the window is full. */
  private admit(store: Map<string, number[]>, key: string, limit: number, windowMs: number, now: number): boolean {
    let times = store.get(key);
    if (times === undefined) store.set(key, (times = []));
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - windowMs) drop += 1;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= limit) return false;
    times.push(now);
    return true;
  }

  /** An OKX request from `ip`: served, or HTTP 429 code 50011 past its endpoint's limit. */
  judgeOkx(ip: string, path: string, now: number): LimitVerdict {
    const limit = okxRestLimitOf(path);
    if (limit === undefined) return { ok: true, headers: {} };
    if (!this.admit(this.okx, `${ip} ${path}`, limit.limit, limit.windowMs, now)) {
      this.refused.throttled += 1;
      return { ok: false, status: 429, headers: {}, body: JSON.stringify({ msg: 'Too Many Requests', code: OKX_RATE_LIMIT_CODE }) };
    }
    this.spent.set(ip, (this.spent.get(ip) ?? 0) + 1);
    return { ok: true, headers: {} };
  }
}
