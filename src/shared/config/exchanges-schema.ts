import { z } from 'zod';
import { httpUrl, positiveNumber, seconds, wsUrl } from './schema-parts';

/** Exchanges this build has adapters for; keys of exchanges.yaml and of `venues` in instruments.yaml. */
export const EXCHANGE_NAMES = ['binance', 'okx'] as const;

export type ExchangeName = (typeof EXCHANGE_NAMES)[number];

/** How one venue's sockets are paced and kept alive. */
export interface ConnectionSettings {
  /** Outgoing messages (subscribe, ping) per second the venue tolerates. */
  readonly rateLimitPerSecond: number;
  /**
   * Share of the venue's documented REST request limit per IP that we spend
   * (Binance REQUEST_WEIGHT per minute, OKX requests per 2 s per endpoint):
   * the rest is headroom. Default {@link DEFAULT_REST_WEIGHT_SHARE}.
   */
  readonly restWeightShare?: number;
  /**
   * @deprecated Replaced by `restWeightShare` (issue 11): REST is paced by
   * the venues' request weights. Not read; exchanges.yaml refuses the key.
   */
  readonly restRateLimitPerSecond?: number;
  /** Initial delay before reconnecting; adapters back off exponentially (with jitter) from here. */
  readonly reconnectDelaySeconds: number;
  /**
   * Fast reconnect attempts (exponential backoff); past them the feed never
   * gives up but retries slowly (about once a minute) and reports `backing_off`.
   * 0: no slow phase, exponential backoff (capped) forever.
   */
  readonly maxReconnectAttempts: number;
  readonly pingIntervalSeconds: number;
  /** A socket silent for this long is treated as dead and reconnected. */
  readonly staleTimeoutSeconds: number;
}

/** Spend 80 % of a venue's REST limit: room for resync bursts and for the venue's window not lining up with ours. */
export const DEFAULT_REST_WEIGHT_SHARE = 0.8;

/** Binance endpoints: spot and USD-M futures are separate hosts. */
export interface BinanceConfig {
  readonly enabled: boolean;
  readonly spot: {
    readonly websocketUrl: string;
    readonly restUrl: string;
  };
  /** USD-M futures. */
  readonly futures: {
    /** High-frequency public data: depth, bookTicker (`/public` base path since 2026-04-23). */
    readonly websocketPublicUrl: string;
    /** Market data: markPrice, ticker, klines (`/market` base path since 2026-04-23). */
    readonly websocketMarketUrl: string;
    readonly restUrl: string;
  };
  readonly connection: ConnectionSettings;
}

/** OKX serves spot and swaps from one public socket. */
export interface OkxConfig {
  readonly enabled: boolean;
  readonly websocketPublicUrl: string;
  readonly restUrl: string;
  readonly connection: ConnectionSettings;
}

/** exchanges.yaml after validation. */
export interface ExchangesConfig {
  readonly binance: BinanceConfig;
  readonly okx: OkxConfig;
}

const connectionSchema = z
  .object({
    rate_limit_per_second: positiveNumber,
    rest_weight_share: z.number().gt(0).max(1).default(DEFAULT_REST_WEIGHT_SHARE),
    // Refused with its replacement named rather than as an unknown key: older configs carry it.
    rest_rate_limit_per_second: z
      .unknown()
      .optional()
      .refine((v) => v === undefined, 'replaced by rest_weight_share (a share of the venue\'s documented request weight, e.g. 0.8): REST is paced by request weight now'),
    reconnect_delay_seconds: seconds,
    max_reconnect_attempts: z.number().int().min(0),
    ping_interval_seconds: positiveNumber,
    stale_timeout_seconds: positiveNumber,
  })
  .strict()
  .transform(
    (c): ConnectionSettings => ({
      rateLimitPerSecond: c.rate_limit_per_second,
      restWeightShare: c.rest_weight_share,
      reconnectDelaySeconds: c.reconnect_delay_seconds,
      maxReconnectAttempts: c.max_reconnect_attempts,
      pingIntervalSeconds: c.ping_interval_seconds,
      staleTimeoutSeconds: c.stale_timeout_seconds,
    }),
  );

const binanceSchema = z
  .object({
    enabled: z.boolean(),
    spot: z.object({ websocket_url: wsUrl, rest_url: httpUrl }).strict(),
    futures: z
      .object({ websocket_public_url: wsUrl, websocket_market_url: wsUrl, rest_url: httpUrl })
      .strict(),
    connection: connectionSchema,
  })
  .strict()
  .transform(
    (b): BinanceConfig => ({
      enabled: b.enabled,
      spot: { websocketUrl: b.spot.websocket_url, restUrl: b.spot.rest_url },
      futures: {
        websocketPublicUrl: b.futures.websocket_public_url,
        websocketMarketUrl: b.futures.websocket_market_url,
        restUrl: b.futures.rest_url,
      },
      connection: b.connection,
    }),
  );

const okxSchema = z
  .object({
    enabled: z.boolean(),
    websocket_public_url: wsUrl,
    rest_url: httpUrl,
    connection: connectionSchema,
  })
  .strict()
  .transform(
    (o): OkxConfig => ({
      enabled: o.enabled,
      websocketPublicUrl: o.websocket_public_url,
      restUrl: o.rest_url,
      connection: o.connection,
    }),
  );

/** Schema of exchanges.yaml (snake_case in, camelCase out). */
export const exchangesSchema = z
  .object({ binance: binanceSchema, okx: okxSchema })
  .strict()
  .transform((e): ExchangesConfig => e);
