/**
 * When the analytics worker's background work (history commit slices, the
 * UI's copies) holds off, so that a live boundary's reports and its alert
 * events never queue behind it.
 *
 * A boundary's alerts wait for whatever the thread is doing when the last
 * venue's report arrives, and a UI copy posted just before it sits in the
 * main thread's port ahead of the alert batch. Live boundaries are
 * wall-clock instants, so the worker knows when the next one comes: from
 * `leadMs` before it until it has been evaluated (or `maxHoldMs` after it,
 * when a venue is late or the worker is behind) background work waits. It
 * loses nothing: it runs in the rest of the second.
 */
export class BoundaryGuard {
  private evaluatedUpTo = Number.NEGATIVE_INFINITY;
  private waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly leadMs: number,
    private readonly maxHoldMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(intervalMs > 0 && leadMs >= 0 && maxHoldMs >= 0 && leadMs + maxHoldMs < intervalMs)) {
      throw new Error(`boundary guard: lead ${leadMs} ms and hold ${maxHoldMs} ms must fit in the ${intervalMs} ms interval`);
    }
  }

  /**
   * The live engine's guard (the analytics worker's UI copies, the history
   * thread's commits): background work stops 25 ms before a boundary (a
   * slice started just before it ends by then, with room for a starved
   * thread) and waits at most 150 ms after it for its evaluation (a late
   * venue, a worker behind), at 1 s sampling; scaled with shorter intervals.
   */
  static live(intervalMs: number): BoundaryGuard {
    return BoundaryGuard.forInterval(intervalMs, 25, 150);
  }

  /**
   * A guard for a sampling interval: `leadMs` and `maxHoldMs` as given for
   * the usual 1 s interval, scaled down with shorter intervals so background
   * work keeps at least 82.5 % of every interval.
   */
  static forInterval(intervalMs: number, leadMs: number, maxHoldMs: number, now: () => number = Date.now): BoundaryGuard {
    return new BoundaryGuard(intervalMs, Math.min(leadMs, intervalMs * 0.025), Math.min(maxHoldMs, intervalMs * 0.15), now);
  }

  /** How long background work should wait from now (ms); 0 when it may run now. */
  holdMs(): number {
    const now = this.now();
    const last = Math.floor(now / this.intervalMs) * this.intervalMs;
    const next = last + this.intervalMs;
    if (next - now <= this.leadMs) return next + this.maxHoldMs - now;
    return this.evaluatedUpTo >= last ? 0 : Math.max(0, last + this.maxHoldMs - now);
  }

  /**
   * Runs `work` on a later turn of the event loop: at once when nothing is
   * held, else once the boundary held for is evaluated or its hold runs out.
   */
  defer(work: () => void): void {
    const hold = this.holdMs();
    if (hold === 0) {
      setImmediate(work);
      return;
    }
    this.waiting.push(work);
    if (this.timer === null) this.arm(hold);
  }

  /** The boundary at `time` has been evaluated (its alerts are out): held work runs now. */
  evaluated(time: number): void {
    if (time > this.evaluatedUpTo) this.evaluatedUpTo = time;
    if (this.waiting.length > 0 && this.holdMs() === 0) this.release();
  }

  private arm(hold: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      // A timer set in one second may fire in the next one's lead: held again, never past that one's hold.
      const again = this.holdMs();
      if (again > 0) this.arm(again);
      else this.release();
    }, hold);
    this.timer.unref();
  }

  private release(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const due = this.waiting;
    this.waiting = [];
    for (const work of due) setImmediate(work);
  }
}
