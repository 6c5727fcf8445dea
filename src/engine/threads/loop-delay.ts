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

  /** Milliseconds, since the last call; starts a new window. */
  take(): number {
    const worst = Math.max(this.worst, performance.now() - this.last - TICK_MS, 0);
    this.worst = 0;
    return Math.round(worst * 10) / 10;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
