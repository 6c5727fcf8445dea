/** Samples more than this many intervals behind are skipped: the evaluator sees the hole as a gap. */
const MAX_CATCH_UP_INTERVALS = 3600;

/**
 * Which sampling boundaries are due: every multiple of the interval up to
 * `now`, each once. Boundaries are absolute (multiples of the interval since
 * the epoch) so that feed workers sampling apart land on the same times.
 */
export class SampleClock {
  private next: number | null = null;

  constructor(private readonly intervalMs: number) {}

  /** Boundaries due at `now`, oldest first; the first call only starts the clock. */
  due(now: number): number[] {
    const interval = this.intervalMs;
    // Callers filter frame times (frame-time.ts); this keeps the clock itself from ever spinning.
    if (!Number.isFinite(now) || now + interval === now) return [];
    if (this.next === null) {
      this.next = Math.ceil(now / interval) * interval;
      return [];
    }
    if (now - this.next > MAX_CATCH_UP_INTERVALS * interval) this.next = Math.floor(now / interval) * interval;
    const out: number[] = [];
    while (now >= this.next && out.length <= MAX_CATCH_UP_INTERVALS) {
      out.push(this.next);
      this.next += interval;
    }
    return out;
  }

  /** Milliseconds from `now` to the next boundary. */
  untilNext(now: number): number {
    const interval = this.intervalMs;
    return (this.next ?? Math.ceil(now / interval) * interval) - now;
  }
}
