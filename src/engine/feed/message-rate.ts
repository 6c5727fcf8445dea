const WINDOW_SECONDS = 5;

/** Frames per second over the last few seconds: per-second buckets, no allocation per frame. */
export class MessageRate {
  private readonly counts = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly seconds = new Array<number>(WINDOW_SECONDS).fill(-1);

  add(time: number): void {
    const second = Math.floor(time / 1000);
    const slot = second % WINDOW_SECONDS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += 1;
  }

  /** Average over the last WINDOW_SECONDS seconds, the current one included. */
  perSecond(now: number): number {
    const current = Math.floor(now / 1000);
    let total = 0;
    for (let i = 0; i < WINDOW_SECONDS; i += 1) {
      const second = this.seconds[i]!;
      if (second > current - WINDOW_SECONDS && second <= current) total += this.counts[i]!;
    }
    return total / WINDOW_SECONDS;
  }
}
