/**
 * Which frame times the engine believes. Time only ever comes from the frames,
 * so one frame with an absurd `t` (1e19, 1e300, NaN) would drag the sampling
 * clock with it: boundaries that cannot advance (1e19 + 1000 === 1e19), a
 * catch-up loop with no end, memory without bound. Such a frame is rejected
 * (`bad_time`) before anything reads its time.
 *
 * The window: a finite, non-negative epoch time before 2100, and within
 * `maxSpanMs` of the first time accepted (a capture's start; a live run's
 * start). A frame a day ahead of its neighbours is still inside it: replay at a
 * speed handles that jump. Small times (tests, synthetic runs) are fine on
 * their own; what they may not do is mix with real ones.
 */
const EARLIEST = 0;
const LATEST = Date.UTC(2100, 0, 1);
/** Longer than any single capture or run (rotation splits long ones into parts of one capture). */
const DEFAULT_MAX_SPAN_MS = 366 * 24 * 3_600_000;

export class FrameTimeGuard {
  private first: number | null = null;
  /** Frames refused for their time. */
  rejected = 0;

  constructor(private readonly maxSpanMs = DEFAULT_MAX_SPAN_MS) {}

  /** True when `t` is a time the engine can run on; the first one accepted anchors the window. */
  accept(t: number): boolean {
    if (!this.plausible(t)) {
      this.rejected++;
      return false;
    }
    this.first ??= t;
    return true;
  }

  /** The same test without counting or anchoring: for clocks advanced to a frame's time. */
  plausible(t: number): boolean {
    if (!Number.isFinite(t) || t < EARLIEST || t > LATEST) return false;
    return this.first === null || Math.abs(t - this.first) <= this.maxSpanMs;
  }
}
