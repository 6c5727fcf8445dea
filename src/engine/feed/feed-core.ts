import { DEFAULT_LIMITS, type ConnectionSettings, type LimitsSettings } from '../../shared/config';
import type { VenueId } from '../../shared/core/model';
import type { FeedSink, FeedStatus } from '../venues/venue';
import type { FeedTuning } from './feed-tuning';
import type { ManagedSocket } from './managed-socket';
import { RateLimiter } from './rate-limiter';
import { ReconnectPolicy } from './reconnect-policy';
import { RestClient, RestError, type RestResponse } from './rest-client';

/**
 * What Binance and OKX feeds share: the REST client and its limiter, the
 * subscribe pacer, snapshot requests (deduplicated while in flight), the
 * metadata fetch at start, status and stop. Venue feeds plan their sockets
 * and URLs and hand the rest to this.
 */
export class FeedCore {
  readonly sockets: ManagedSocket[] = [];
  /** Paces outgoing socket messages and connection attempts (`rate_limit_per_second`). */
  readonly pacer: RateLimiter;
  readonly rest: RestClient;
  readonly now: () => number;
  private readonly restLimiter: RateLimiter;
  private readonly inFlight = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private snapshotsRequested = 0;
  private snapshotsFailed = 0;
  /** REST bodies aborted past the size limit. */
  private restTooLarge = 0;
  private stopped = false;

  constructor(
    readonly venue: VenueId,
    readonly sink: FeedSink,
    readonly connection: ConnectionSettings,
    readonly tuning: FeedTuning,
    now?: () => number,
    limits?: Partial<LimitsSettings>,
  ) {
    this.now = now ?? Date.now;
    this.pacer = new RateLimiter(connection.rateLimitPerSecond, 1, this.now);
    this.restLimiter = new RateLimiter(connection.restRateLimitPerSecond, tuning.restBurst, this.now);
    this.rest = new RestClient({
      limiter: this.restLimiter,
      timeoutMs: tuning.restTimeoutMs,
      defaultRetryAfterMs: tuning.defaultRetryAfterMs,
      maxBodyBytes: limits?.restBodyBytes ?? DEFAULT_LIMITS.restBodyBytes,
      now: this.now,
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Fetches a book snapshot once per symbol at a time: the runner asks after
   * every frame while the book wants one, so asking again while a request is
   * queued or in flight does nothing.
   */
  requestSnapshot(symbol: string, url: string): void {
    if (this.stopped || this.inFlight.has(symbol)) return;
    this.inFlight.add(symbol);
    this.snapshotsRequested += 1;
    this.rest.get(url).then(
      (response) => {
        this.inFlight.delete(symbol);
        if (response.status >= 400) this.snapshotsFailed += 1;
        this.emitRest(response);
      },
      (error: unknown) => {
        this.inFlight.delete(symbol);
        if (this.stopped) return;
        this.snapshotsFailed += 1;
        if (error instanceof RestError && error.tooLarge) this.restTooLarge += 1;
      },
    );
  }

  /**
   * Fetches instrument metadata once, retrying with backoff on network
   * failures and error statuses; every response body goes to the sink.
   */
  fetchMetadata(url: string): void {
    const policy = new ReconnectPolicy({
      baseDelayMs: this.connection.reconnectDelaySeconds * 1000,
      maxDelayMs: this.tuning.maxReconnectDelayMs,
      maxAttempts: 0,
      slowRetryMs: this.tuning.slowRetryMs,
    });
    const attempt = (n: number): void => {
      if (this.stopped) return;
      const retry = (): void => {
        if (n < this.tuning.metadataAttempts) this.later(() => attempt(n + 1), policy.delayMs(n));
      };
      this.rest.get(url).then(
        (response) => {
          this.emitRest(response);
          if (response.status >= 400) retry();
        },
        (error: unknown) => {
          if (error instanceof RestError && error.tooLarge) this.restTooLarge += 1;
          retry();
        },
      );
    };
    attempt(1);
  }

  /** A timer that `stop` clears. */
  later(task: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) task();
    }, ms);
    this.timers.add(timer);
  }

  /** Passes a REST response to the sink exactly as received. */
  emitRest(response: RestResponse): void {
    if (this.stopped) return;
    const frame = { t: this.now(), venue: this.venue, kind: 'rest' as const, url: response.url, data: response.body };
    this.sink.onFrame(response.status === 200 ? frame : { ...frame, status: response.status });
  }

  /** Reports status to the sink, if it listens. */
  reportStatus(): void {
    if (!this.stopped) this.sink.onStatus?.(this.status());
  }

  status(): FeedStatus {
    return {
      venue: this.venue,
      connections: this.sockets.map((s) => s.status()),
      snapshotsRequested: this.snapshotsRequested,
      snapshotsFailed: this.snapshotsFailed,
      tooLarge: this.restTooLarge + this.sockets.reduce((sum, s) => sum + s.tooLarge, 0),
    };
  }

  start(): void {
    for (const socket of this.sockets) socket.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pacer.close();
    this.restLimiter.close();
    this.rest.close();
    await Promise.all(this.sockets.map((s) => s.stop()));
  }
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}
