import type { RateLimiter } from './rate-limiter';

/** An HTTP response as the feeds pass it on: status and body text, untouched. */
export interface RestResponse {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export interface RestClientOptions {
  readonly limiter: RateLimiter;
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
 * GET with a rate limit, a timeout and venue back-pressure. HTTP 429 (too
 * many requests) and 418 (Binance: IP banned for ignoring 429s) pause every
 * request of this client for the `Retry-After` the venue sends
 * (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits).
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

  /** Waits for a token, then fetches; rejects with RestError on network failure, timeout or close. */
  get(url: string): Promise<RestResponse> {
    return new Promise<RestResponse>((resolve, reject) => {
      if (this.closed) return reject(new RestError(url, 'client closed'));
      this.options.limiter.schedule(() => {
        this.send(url).then(resolve, reject);
      });
    });
  }

  /** Aborts requests in flight; later calls reject. */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private async send(url: string): Promise<RestResponse> {
    if (this.closed) throw new RestError(url, 'client closed');
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await this.fetch(url, { signal: controller.signal });
      const body = await this.readBody(url, response, controller);
      if (response.status === 429 || response.status === 418) {
        this.options.limiter.pauseUntil(this.now() + this.retryAfterMs(response.headers.get('retry-after')));
      }
      return { url, status: response.status, body };
    } catch (error) {
      if (error instanceof RestError) throw error;
      const reason = controller.signal.aborted ? (this.closed ? 'client closed' : `timeout after ${this.options.timeoutMs} ms`) : String((error as Error).message ?? error);
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
