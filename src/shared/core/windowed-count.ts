/**
 * Events in the last `windowMs`, from a cumulative counter read once per
 * sampling boundary. A counter that goes down was restarted (its worker
 * restarted): what it says now is all new.
 */
export class WindowedCount {
  private last: number | null = null;
  private readonly increments: { time: number; n: number }[] = [];
  private sum = 0;

  constructor(private readonly windowMs: number) {}

  /** Records the counter's value at `time` and returns the events counted within the window ending there. */
  observe(time: number, cumulative: number): number {
    const n = this.last === null || cumulative < this.last ? cumulative : cumulative - this.last;
    this.last = cumulative;
    if (n > 0) {
      this.increments.push({ time, n });
      this.sum += n;
    }
    while (this.increments.length > 0 && time - this.increments[0]!.time >= this.windowMs) this.sum -= this.increments.shift()!.n;
    return this.sum;
  }
}
