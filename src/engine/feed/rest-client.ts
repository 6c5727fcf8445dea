import type { RequestBudget } from './request-budget';

/** An HTTP response as the feeds pass it on: status and body text, untouched. */
export interface RestResponse {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

/** How one request is spent: which budget, its weight, its place in the queue. */
export interface RestRequestOptions {
  /** Default: the client's first budget. */
  readonly budget?: RequestBudget;
  /** Weight of the request (Binance by endpoint and depth, OKX 1); default 1. */
  readonly cost?: number;
  /** Lower goes first; default 0. */
  readonly priority?: number;
}

/** The venue pushed back: 429 (throttled: this budget waits) or 418 (IP banned: every budget of the client waits). */
export interface RestPushback {
  readonly kind: 'throttled' | 'banned';
  readonly url: string;
  readonly status: number;
  /** No request of the paused budget(s) goes before this (epoch ms). */
  readonly until: number;
}

export interface RestClientOptions {
  /** Every budget this client spends from; the first is the default. */
  readonly budgets: readonly RequestBudget[];
  /**
   * Response header with the venue's count of this IP's weight in its
   * current window (Binance `x-mbx-used-weight-1m`), read back into the
   * request's budget.
   */
  readonly usedWeightHeader?: string;
  /** Called on every 429/418 before the response is returned. */
  readonly onPushback?: (pushback: RestPushback) => void;
  readonly timeoutMs: number;
  /** Pause after a 429/418 without a usable Retry-After. */
  readonly defaultRetryAfterMs: number;
  /** A body longer than this is aborted mid-read (features.yaml `limits.rest_body_bytes`). */
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** Why a request did not produce a response. */
export class RestError extends Error {
  constructor(
    readonly url: string,
    message: string,
    /** The body was longer than the client's limit. */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/**
 * GET within a request budget, with a timeout and venue back-pressure. HTTP
 * 429 (too many requests) pauses the request's budget for the `Retry-After`
 * the venue sends; 418 (Binance: IP banned for going on after a 429) pauses
 * every budget of the client, since the ban is on the IP
 * (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits).
 * OKX answers an exceeded limit with HTTP 429 and code 50011
 * (https://www.okx.com/docs-v5/en/#error-code-rest-api-public).
 * Error responses are still returned: the body goes to the sink like any
 * other, so a recorder keeps it and the mapper counts it.
 */
export class RestClient {
  private readonly inFlight = new Set<AbortController>();
  private closed = false;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RestClientOptions) {
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Waits for budget, then fetches; rejects with RestError on network failure, timeout or close. */
  get(url: string, request: RestRequestOptions = {}): Promise<RestResponse> {
    const budget = request.budget ?? this.options.budgets[0]!;
    return new Promise<RestResponse>((resolve, reject) => {
      if (this.closed) return reject(new RestError(url, 'client closed'));
      budget.schedule(
        (done) => {
          this.send(url, budget).then(
            (response) => {
              done();
              resolve(response);
            },
            (error: unknown) => {
              done();
              reject(error as Error);
            },
          );
        },
        request.cost ?? 1,
        request.priority ?? 0,
      );
    });
  }

  /** Aborts requests in flight; later calls reject. */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private async send(url: string, budget: RequestBudget): Promise<RestResponse> {
    if (this.closed) throw new RestError(url, 'client closed');
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await this.fetch(url, { signal: controller.signal });
      const body = await this.readBody(url, response, controller);
      if (this.options.usedWeightHeader !== undefined) {
        const used = response.headers.get(this.options.usedWeightHeader);
        if (used !== null) budget.observeUsed(Number(used));
      }
      if (response.status === 429 || response.status === 418) {
        const until = this.now() + this.retryAfterMs(response.headers.get('retry-after'));
        const banned = response.status === 418;
        for (const b of banned ? this.options.budgets : [budget]) b.pauseUntil(until);
        this.options.onPushback?.({ kind: banned ? 'banned' : 'throttled', url, status: response.status, until });
      }
      return { url, status: response.status, body };
    } catch (error) {
      if (error instanceof RestError) throw error;
      // fetch says only "fetch failed"; its cause names the host and the errno an operator acts on.
      const cause = (error as { cause?: { message?: unknown } }).cause?.message;
      const reason = controller.signal.aborted
        ? this.closed
          ? 'client closed'
          : `timeout after ${this.options.timeoutMs} ms`
        : typeof cause === 'string'
          ? cause
          : String((error as Error).message ?? error);
      throw new RestError(url, reason);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /**
   * The body as text, read as it streams in and aborted past the limit: an
   * endless or huge response costs at most the limit, never the whole body.
   */
  private async readBody(url: string, response: Response, controller: AbortController): Promise<string> {
    const max = this.options.maxBodyBytes ?? Number.POSITIVE_INFINITY;
    const tooLarge = (): RestError => {
      controller.abort();
      return new RestError(url, `body over ${max} bytes (limits.rest_body_bytes), aborted`, true);
    };
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > max) throw tooLarge();
    if (response.body === null) return '';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > max) {
        void reader.cancel().catch(() => {});
        throw tooLarge();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  }

  /** Retry-After in seconds (Binance) or an HTTP date; the default when absent or unreadable. */
  private retryAfterMs(header: string | null): number {
    if (header !== null) {
      const seconds = Number(header);
      if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
      const date = Date.parse(header);
      if (Number.isFinite(date)) return Math.max(0, date - this.now());
    }
    return this.options.defaultRetryAfterMs;
  }
}
