/**
 * A venue's REST request budget: requests cost a weight (Binance: by
 * endpoint and depth; OKX: 1 per request) and the venue allows `limit` of
 * it per `windowMs` per IP. We spend at most `share` of that, so a burst of
 * resyncs, a clock a little off the venue's window or another process on the
 * same IP does not reach the limit. Tasks wait in priority order (lower
 * first, then first come): a resync of a liquid book overtakes the long
 * tail's bootstrap.
 *
 * The window is sliding on our side. The venues count fixed windows (Binance
 * per minute); any fixed window lies inside some sliding one, so staying
 * under the sliding sum also stays under the venue's count.
 */
export interface RequestBudgetOptions {
  /** For status and messages: `binance-spot weight`, `okx market/books`. */
  readonly name: string;
  /** What the venue allows per window (Binance REQUEST_WEIGHT, OKX requests). */
  readonly limit: number;
  readonly windowMs: number;
  /** Part of `limit` we spend, 0 < share <= 1 (exchanges.yaml `rest_weight_share`). */
  readonly share: number;
  /** Requests at once; more wait even with budget left (a venue is one host). */
  readonly maxInFlight?: number;
  readonly now?: () => number;
}

interface Waiting {
  readonly task: (done: () => void) => void;
  readonly cost: number;
  readonly priority: number;
  readonly order: number;
}

/** Where a budget stands, for FeedStatus. */
export interface BudgetState {
  readonly name: string;
  readonly limit: number;
  /** What we allow ourselves: floor(limit x share). */
  readonly allowed: number;
  /** Spent within the last window, ours and what the venue reported beyond it. */
  readonly used: number;
  readonly queued: number;
  readonly inFlight: number;
  /** No request goes before this (epoch ms; 429/418 Retry-After); null when not paused. */
  readonly pausedUntil: number | null;
}

export class RequestBudget {
  /** Spends in time order: [time, cost]. */
  private readonly spent: [number, number][] = [];
  private spentSum = 0;
  private readonly queue: Waiting[] = [];
  private order = 0;
  private running = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;
  readonly allowed: number;

  constructor(private readonly options: RequestBudgetOptions) {
    this.now = options.now ?? Date.now;
    this.allowed = Math.max(1, Math.floor(options.limit * Math.min(1, Math.max(0, options.share))));
  }

  get name(): string {
    return this.options.name;
  }

  /** Tasks waiting for budget. */
  get queued(): number {
    return this.queue.length;
  }

  /** Weight spent within the last window. */
  used(): number {
    this.expire(this.now());
    return this.spentSum;
  }

  state(): BudgetState {
    const now = this.now();
    return {
      name: this.options.name,
      limit: this.options.limit,
      allowed: this.allowed,
      used: this.used(),
      queued: this.queue.length,
      inFlight: this.running,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
    };
  }

  /**
   * Runs `task` once `cost` fits in the window and everything of a lower
   * priority number (or equal and earlier) has gone. The task calls `done`
   * when its request is over (it frees an in-flight slot, not budget: the
   * weight stays spent for the window).
   */
  schedule(task: (done: () => void) => void, cost: number, priority = 0): void {
    if (this.closed) return;
    const item: Waiting = { task, cost: Math.max(0, cost), priority, order: (this.order += 1) };
    // Binary insert: the queue holds up to a venue's whole listing at start.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.queue[mid]!;
      if (other.priority < item.priority || (other.priority === item.priority && other.order < item.order)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, item);
    this.drain();
  }

  /**
   * The venue's own count of what this IP used in its current window
   * (Binance `X-MBX-USED-WEIGHT-1M`). More than we counted means someone
   * else on the IP (another process, a restarted worker's requests) spends
   * too: take the difference as spent now, so we slow down accordingly.
   */
  observeUsed(used: number): void {
    if (!Number.isFinite(used) || used < 0) return;
    const now = this.now();
    this.expire(now);
    if (used > this.spentSum) this.add(now, used - this.spentSum);
  }

  /** Nothing starts before `time` (epoch ms): the venue said to wait (429/418 Retry-After). */
  pauseUntil(time: number): void {
    if (time <= this.pausedUntil) return;
    this.pausedUntil = time;
    this.rearm();
  }

  /** Drops waiting tasks and the timer; later `schedule` calls are ignored. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private add(time: number, cost: number): void {
    this.spent.push([time, cost]);
    this.spentSum += cost;
  }

  private expire(now: number): void {
    const horizon = now - this.options.windowMs;
    let drop = 0;
    while (drop < this.spent.length && this.spent[drop]![0] <= horizon) {
      this.spentSum -= this.spent[drop]![1];
      drop += 1;
    }
    if (drop > 0) this.spent.splice(0, drop);
    if (this.spent.length === 0) this.spentSum = 0;
  }

  /** A request heavier than the whole allowance still goes, alone in an empty window: it could never fit otherwise. */
  private fits(cost: number): boolean {
    return this.spentSum + cost <= this.allowed || (this.spentSum === 0 && this.running === 0);
  }

  private drain(): void {
    if (this.closed) return;
    const now = this.now();
    if (now < this.pausedUntil) return this.rearm();
    this.expire(now);
    const maxInFlight = this.options.maxInFlight ?? Infinity;
    while (this.queue.length > 0 && this.running < maxInFlight && this.fits(this.queue[0]!.cost)) {
      const item = this.queue.shift()!;
      this.add(now, item.cost);
      this.running += 1;
      let finished = false;
      item.task(() => {
        if (finished) return;
        finished = true;
        this.running -= 1;
        this.drain();
      });
      if (this.closed) return;
    }
    this.rearm();
  }

  /** Wakes when the head of the queue fits: when enough old spends leave the window, or the pause ends. */
  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || this.queue.length === 0) return;
    const now = this.now();
    let at = now;
    if (now < this.pausedUntil) at = this.pausedUntil;
    else {
      const head = this.queue[0]!;
      if (this.running >= (this.options.maxInFlight ?? Infinity)) return; // a finishing request drains
      if (this.fits(head.cost)) at = now;
      else {
        let freed = 0;
        for (const [time, cost] of this.spent) {
          freed += cost;
          at = time + this.options.windowMs;
          if (this.spentSum - freed + head.cost <= this.allowed) break;
        }
      }
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.drain();
      },
      Math.max(1, at - now + 1),
    );
  }
}
