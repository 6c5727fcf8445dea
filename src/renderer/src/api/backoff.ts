/** Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with +-`jitter` so many consoles do not reconnect in step. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Share of the delay to randomise, 0..1. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 10_000, jitter: 0.2 };

/**
 * Delay before reconnect attempt `attempt` (1 = first retry).
 * @example backoffDelay(1, DEFAULT_BACKOFF, () => 0.5) // 500
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = exp * options.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(options.maxMs, exp + spread)));
}
