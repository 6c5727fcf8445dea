import { z } from 'zod';
import { httpUrl, positiveNumber, seconds, wsUrl } from './schema-parts';

/** Exchanges this build has adapters for; keys of exchanges.yaml and of `venues` in instruments.yaml. */
export const EXCHANGE_NAMES = ['binance', 'okx'] as const;

export type ExchangeName = (typeof EXCHANGE_NAMES)[number];

/** How one venue's sockets are paced and kept alive. */
export interface ConnectionSettings {
  /** Outgoing messages (subscribe, ping) per second the venue tolerates. */
  readonly rateLimitPerSecond: number;
  /** REST requests (book snapshots, metadata) per second: the venue's request-weight budget, as requests. */
  readonly restRateLimitPerSecond: number;
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
    rest_rate_limit_per_second: positiveNumber,
    reconnect_delay_seconds: seconds,
    max_reconnect_attempts: z.number().int().min(0),
    ping_interval_seconds: positiveNumber,
    stale_timeout_seconds: positiveNumber,
  })
  .strict()
  .transform(
    (c): ConnectionSettings => ({
      rateLimitPerSecond: c.rate_limit_per_second,
      restRateLimitPerSecond: c.rest_rate_limit_per_second,
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
