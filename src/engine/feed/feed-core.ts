import { DEFAULT_LIMITS, type ConnectionSettings, type LimitsSettings } from '../../shared/config';
import { DEFAULT_REST_WEIGHT_SHARE } from '../../shared/config/exchanges-schema';
import type { VenueId } from '../../shared/core/model';
import type { FeedSink } from './feed-sink';
import type { FeedStatus } from './feed-status';
import type { FeedTuning } from './feed-tuning';
import type { ManagedSocket } from './managed-socket';
import { RateLimiter } from './rate-limiter';
import { ReconnectPolicy } from './reconnect-policy';
import { RequestBudget } from './request-budget';
import { RestClient, RestError, type RestPushback, type RestRequestOptions, type RestResponse } from './rest-client';
import { RestLink } from './rest-link';

/** One documented REST limit of a venue, per IP: `limit` per `windowMs`. */
export interface RestLimit {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** How a venue's REST is spent: its limits (the first is the default) and where it reports its own count. */
export interface RestPlan {
  /** Base URL, for the REST link's status. */
  readonly url: string;
  readonly limits: readonly RestLimit[];
  /** Header carrying the venue's count of our weight (Binance `x-mbx-used-weight-1m`). */
  readonly usedWeightHeader?: string;
  /** Pause after a 429 without Retry-After (OKX sends none: one window); default the tuning's. */
  readonly defaultRetryAfterMs?: number;
}

/** Most pages of one paged instrument list (a venue answering with a cursor for ever must not hold the feed). */
export const MAX_METADATA_PAGES = 50;

/** Longest wait for the metadata's first answer before the sockets open anyway (a slow REST must not hold the market data back). */
export const METADATA_WAIT_MS = 3_000;

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
  /** Budgets by limit name, in the plan's order. */
  readonly budgets: ReadonlyMap<string, RequestBudget>;
  /** REST as one more link of the feed: a ban or failing snapshots reach `feed_down`. */
  readonly restLink: RestLink;
  private readonly inFlight = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** One per metadata request: settled at its first answer, whatever it was. */
  private readonly metadataAnswers: Promise<void>[] = [];
  private snapshotsRequested = 0;
  private snapshotsFetched = 0;
  private snapshotsFailed = 0;
  private restThrottled = 0;
  private restBans = 0;
  /** REST bodies aborted past the size limit. */
  private restTooLarge = 0;
  private stopped = false;

  constructor(
    readonly venue: VenueId,
    readonly sink: FeedSink,
    readonly connection: ConnectionSettings,
    readonly tuning: FeedTuning,
    restPlan: RestPlan,
    now?: () => number,
    limits?: Partial<LimitsSettings>,
  ) {
    this.now = now ?? Date.now;
    this.pacer = new RateLimiter(connection.rateLimitPerSecond, 1, this.now);
    const share = connection.restWeightShare ?? DEFAULT_REST_WEIGHT_SHARE;
    this.budgets = new Map(
      restPlan.limits.map((l) => [l.name, new RequestBudget({ ...l, share, maxInFlight: tuning.restMaxInFlight, now: this.now })]),
    );
    this.restLink = new RestLink(`${venue}-rest`, restPlan.url, this.now);
    this.rest = new RestClient({
      budgets: [...this.budgets.values()],
      usedWeightHeader: restPlan.usedWeightHeader,
      onPushback: (p) => this.onPushback(p),
      timeoutMs: tuning.restTimeoutMs,
      defaultRetryAfterMs: restPlan.defaultRetryAfterMs ?? tuning.defaultRetryAfterMs,
      maxBodyBytes: limits?.restBodyBytes ?? DEFAULT_LIMITS.restBodyBytes,
      now: this.now,
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The budget of a limit by name; the default (first) when absent. */
  budget(name?: string): RequestBudget {
    return (name === undefined ? undefined : this.budgets.get(name)) ?? this.budgets.values().next().value!;
  }

  /**
   * Fetches a book snapshot once per symbol at a time: the runner asks after
   * every frame while the book wants one, so asking again while a request is
   * queued or in flight does nothing. `request` says its weight and place in
   * the queue (most liquid first).
   */
  requestSnapshot(symbol: string, url: string, request: RestRequestOptions = {}): void {
    if (this.stopped || this.inFlight.has(symbol)) return;
    this.inFlight.add(symbol);
    this.snapshotsRequested += 1;
    this.get(url, request).then(
      (response) => {
        this.inFlight.delete(symbol);
        if (response.status >= 400) this.snapshotsFailed += 1;
        else this.snapshotsFetched += 1;
        this.emitRest(response);
      },
      () => {
        this.inFlight.delete(symbol);
        if (!this.stopped) this.snapshotsFailed += 1;
      },
    );
  }

  /** A REST GET through the budgets, its outcome noted on the REST link. */
  get(url: string, request: RestRequestOptions = {}): Promise<RestResponse> {
    return this.rest.get(url, request).then(
      (response) => {
        if (response.status < 400) this.restLink.noteSuccess();
        // 429/418 were noted by the pushback; other errors are failures of the link.
        else if (response.status !== 429 && response.status !== 418) this.restLink.noteFailure(`HTTP ${response.status}: ${response.body.slice(0, 120)}`);
        return response;
      },
      (error: unknown) => {
        if (!this.stopped) {
          if (error instanceof RestError && error.tooLarge) this.restTooLarge += 1;
          this.restLink.noteFailure(error instanceof Error ? error.message : String(error));
        }
        throw error;
      },
    );
  }

  /**
   * Fetches instrument metadata once, retrying with backoff on network
   * failures and error statuses; every response body goes to the sink.
   * `nextPage` reads a paged answer (Bybit's `nextPageCursor`): the URL of
   * the page after it, fetched the same way, up to {@link MAX_METADATA_PAGES}.
   */
  fetchMetadata(url: string, request: RestRequestOptions = {}, nextPage?: (body: string) => string | undefined, page = 1): void {
    let answered: () => void = () => {};
    this.metadataAnswers.push(new Promise<void>((resolve) => (answered = resolve)));
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
      this.get(url, request).then(
        (response) => {
          this.emitRest(response);
          answered();
          if (response.status >= 400) return retry();
          const next = nextPage?.(response.body);
          if (next === undefined || next === url) return;
          if (page >= MAX_METADATA_PAGES) {
            this.restLink.noteFailure(`instrument list still paged after ${MAX_METADATA_PAGES} pages (${url}): the rest is not read`);
            return;
          }
          this.fetchMetadata(next, request, nextPage, page + 1);
        },
        () => {
          answered();
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
      // The REST link last: sockets keep their indices.
      connections: [...this.sockets.map((s) => s.status()), this.restLink.status()],
      snapshotsRequested: this.snapshotsRequested,
      snapshotsFailed: this.snapshotsFailed,
      snapshotsFetched: this.snapshotsFetched,
      restThrottled: this.restThrottled,
      restBans: this.restBans,
      restBudgets: [...this.budgets.values()].map((b) => b.state()),
      tooLarge: this.restTooLarge + this.sockets.reduce((sum, s) => sum + s.tooLarge, 0),
    };
  }

  /** 429/418: counted, on the REST link (so `feed_down` speaks), and reported at once. */
  private onPushback(pushback: RestPushback): void {
    if (pushback.kind === 'banned') this.restBans += 1;
    else this.restThrottled += 1;
    this.restLink.notePushback(pushback);
    this.reportStatus();
  }

  /**
   * Opens the sockets once every metadata request has had its first answer
   * (or after {@link METADATA_WAIT_MS}): book frames then follow the
   * contract values and tick sizes they are measured with, live and in a
   * capture, whose first frames are the metadata a replay needs first.
   */
  start(): void {
    const open = (): void => {
      if (!this.stopped) for (const socket of this.sockets) socket.start();
    };
    if (this.metadataAnswers.length === 0) return open();
    let opened = false;
    const once = (): void => {
      if (opened) return;
      opened = true;
      open();
    };
    void Promise.all(this.metadataAnswers).then(once);
    this.later(once, METADATA_WAIT_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pacer.close();
    for (const budget of this.budgets.values()) budget.close();
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
