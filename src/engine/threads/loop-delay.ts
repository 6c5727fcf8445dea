/** How often the loop-delay probe ticks: 50 wake-ups a second per thread. */
const TICK_MS = 20;

/**
 * The worst event-loop delay of this thread since the last `take()`: how
 * late a 20 ms tick ran, so a message, a frame or a timer here waited at
 * least that long. A block under way when taken counts too. (perf_hooks'
 * monitorEventLoopDelay drops the interval that spans a reset, which is
 * where a report lands.)
 */
export class LoopDelay {
  private last = performance.now();
  private worst = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - this.last - TICK_MS;
      if (late > this.worst) this.worst = late;
      this.last = now;
    }, TICK_MS);
    this.timer.unref();
  }

  /** Milliseconds, since the last call; starts a new window (a block counted here is not counted again by the next tick). */
  take(): number {
    const now = performance.now();
    const under = now - this.last - TICK_MS;
    const worst = Math.max(this.worst, under, 0);
    if (under > 0) this.last = now;
    this.worst = 0;
    return Math.round(worst * 10) / 10;
  }

  /**
   * How long since the tick last ran, ms: past a few ticks, this thread has
   * just come out of a block, and what queued for it meanwhile (messages
   * from other threads) may not have been read yet.
   */
  sinceTickMs(): number {
    return performance.now() - this.last;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
