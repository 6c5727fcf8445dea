import { z } from 'zod';
import { positiveNumber, seconds } from './schema-parts';

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

/** The `connection:` part every venue's block of exchanges.yaml carries. */
export const connectionSchema = z
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
