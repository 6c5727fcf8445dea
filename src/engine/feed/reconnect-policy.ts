/** How a connection backs off after failures. */
export interface ReconnectSettings {
  /** Delay after the first failure; doubles per consecutive failure. */
  readonly baseDelayMs: number;
  /** Cap of the exponential phase. */
  readonly maxDelayMs: number;
  /** Fast attempts before the slow phase; 0: no slow phase (capped exponential forever). */
  readonly maxAttempts: number;
  /** Delay between attempts in the slow phase: surveillance never gives up, it just stops hammering. */
  readonly slowRetryMs: number;
}

/**
 * Exponential backoff with jitter, then a slow steady retry. Jitter keeps a
 * fleet of consoles (or the many sockets of one) from reconnecting in lockstep
 * after an exchange-wide drop, which is what gets IPs banned
 * (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams: "IPs that are
 * repeatedly disconnected may be banned").
 */
export class ReconnectPolicy {
  constructor(
    readonly settings: ReconnectSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** True once `failures` consecutive failures are past the fast attempts. */
  isSlow(failures: number): boolean {
    return this.settings.maxAttempts > 0 && failures > this.settings.maxAttempts;
  }

  /** Delay before the next attempt after `failures` consecutive failures (1-based). */
  delayMs(failures: number): number {
    const { baseDelayMs, maxDelayMs, slowRetryMs } = this.settings;
    if (this.isSlow(failures)) {
      // +-10 % so slow retries of several sockets still spread out.
      return slowRetryMs * (0.9 + 0.2 * this.random());
    }
    const exponent = Math.min(Math.max(failures - 1, 0), 30);
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
    // "Equal jitter": at least half the ceiling, so the backoff still grows.
    return ceiling / 2 + (ceiling / 2) * this.random();
  }
}
