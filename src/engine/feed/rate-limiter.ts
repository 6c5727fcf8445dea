/**
 * Token bucket that runs tasks in order as tokens allow: subscribe messages
 * (Binance closes a socket sending more than 5 messages/s on spot, 10 on
 * USD-M; OKX allows 3 subscribe requests/s) and REST calls. `pauseUntil`
 * stops everything until a time, for HTTP 429/418 with Retry-After.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  private readonly queue: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Tasks waiting for a token. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs `task` now if a token is free, else after the tasks queued before it. */
  schedule(task: () => void): void {
    if (this.closed) return;
    this.queue.push(task);
    this.drain();
  }

  /** No task runs before `time` (epoch ms): the venue told us to wait. */
  pauseUntil(time: number): void {
    if (time <= this.pausedUntil) return;
    this.pausedUntil = time;
    this.tokens = 0;
    this.rearm();
  }

  /** Drops queued tasks and the timer; later `schedule` calls are ignored. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - Math.max(this.refilledAt, this.pausedUntil));
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    this.refilledAt = Math.max(now, this.refilledAt);
  }

  private drain(): void {
    if (this.timer) return;
    const now = this.now();
    if (now < this.pausedUntil) return this.rearm();
    this.refill(now);
    while (this.queue.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
      if (this.closed) return;
    }
    if (this.queue.length > 0) this.rearm();
  }

  private rearm(): void {
    if (this.closed || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const untilToken = ((1 - this.tokens) / this.ratePerSecond) * 1000;
    const wait = Math.max(1, this.pausedUntil - now, Math.ceil(untilToken));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain();
    }, wait);
  }
}
