import { DEFAULT_LIMITS, type ConnectionSettings, type LimitsSettings } from '../../shared/config';
import type { ReconnectSettings } from './reconnect-policy';

/**
 * Feed knobs that are not exchange configuration: venue limits we stay
 * within and timings tests shrink. Every field has a production default.
 */
export interface FeedTuning {
  /**
   * A connection older than this is replaced (new socket first, then the old
   * one closed). Binance cuts every socket at 24 h; ~23 h 50 min leaves room.
   */
  readonly maxConnectionAgeMs: number;
  /** How long old and new sockets run side by side before the old one closes. */
  readonly overlapMs: number;
  /** Cap of the exponential backoff phase. */
  readonly maxReconnectDelayMs: number;
  /** Retry interval once `max_reconnect_attempts` is spent. */
  readonly slowRetryMs: number;
  /** OKX: no `pong` this long after our `ping` means the socket is dead. */
  readonly pongTimeoutMs: number;
  /** WebSocket handshake timeout. */
  readonly connectTimeoutMs: number;
  readonly restTimeoutMs: number;
  /** Pause after HTTP 429/418 when the venue sends no Retry-After. */
  readonly defaultRetryAfterMs: number;
  /** REST requests in flight at once per feed (the weight budget decides how many per window). */
  readonly restMaxInFlight: number;
  /** Binance: streams per connection (undefined: the venue's limit). */
  readonly maxStreamsPerConnection?: number;
  /** Binance: longest `/stream?streams=` URL; streams beyond it are sent as SUBSCRIBE messages. */
  readonly maxUrlLength: number;
  /** Stream names (Binance) or args (OKX) per subscribe message. */
  readonly subscribeBatch: number;
  /** OKX: `books` channels per connection (OKX advises at most 30). */
  readonly maxBooksPerConnection: number;
  /**
   * OKX: after subscribing `books`, how long a REST snapshot request waits
   * for a socket snapshot that would make it unnecessary.
   */
  readonly snapshotGraceMs: number;
  /** Attempts at fetching instrument metadata at start. */
  readonly metadataAttempts: number;
}

/** Production defaults. */
export const DEFAULT_FEED_TUNING: FeedTuning = {
  maxConnectionAgeMs: (23 * 60 + 50) * 60_000,
  overlapMs: 10_000,
  maxReconnectDelayMs: 30_000,
  slowRetryMs: 60_000,
  pongTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  restTimeoutMs: 10_000,
  defaultRetryAfterMs: 60_000,
  restMaxInFlight: 8,
  maxUrlLength: 4_000,
  subscribeBatch: 50,
  maxBooksPerConnection: 30,
  snapshotGraceMs: 1_000,
  metadataAttempts: 5,
};

/** Tuning with overrides applied. */
export function resolveTuning(overrides: Partial<FeedTuning> | undefined): FeedTuning {
  return { ...DEFAULT_FEED_TUNING, ...overrides };
}

/** Timing of one managed socket. */
export interface SocketSettings {
  readonly reconnect: ReconnectSettings;
  readonly staleTimeoutMs: number;
  /** Send the text `ping` after this much silence (OKX); null when the venue pings us (Binance). */
  readonly textPingIntervalMs: number | null;
  readonly pongTimeoutMs: number;
  readonly maxAgeMs: number;
  readonly overlapMs: number;
  readonly connectTimeoutMs: number;
  /** Longest message accepted (ws `maxPayload`): a longer one closes the socket (features.yaml `limits`). */
  readonly maxPayloadBytes: number;
}

/** Socket timing from exchanges.yaml connection settings and the tuning. */
export function socketSettingsFrom(
  connection: ConnectionSettings,
  tuning: FeedTuning,
  textPing: boolean,
  limits?: Partial<LimitsSettings>,
): SocketSettings {
  return {
    reconnect: {
      baseDelayMs: connection.reconnectDelaySeconds * 1000,
      maxDelayMs: Math.max(tuning.maxReconnectDelayMs, connection.reconnectDelaySeconds * 1000),
      maxAttempts: connection.maxReconnectAttempts,
      slowRetryMs: tuning.slowRetryMs,
    },
    staleTimeoutMs: connection.staleTimeoutSeconds * 1000,
    textPingIntervalMs: textPing ? connection.pingIntervalSeconds * 1000 : null,
    pongTimeoutMs: tuning.pongTimeoutMs,
    maxAgeMs: tuning.maxConnectionAgeMs,
    overlapMs: tuning.overlapMs,
    connectTimeoutMs: tuning.connectTimeoutMs,
    maxPayloadBytes: limits?.wsMaxPayloadBytes ?? DEFAULT_LIMITS.wsMaxPayloadBytes,
  };
}
