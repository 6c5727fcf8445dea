/**
 * Paces a replay at a multiple of wall-clock time, with every wait bounded.
 * The schedule is anchored on a frame and re-anchored when a frame would wait
 * longer than `maxWaitMs` (a bogus future `t`: replayed at once, counted) or
 * goes back in time (after such a frame, the frames that follow are earlier:
 * paced from where they are, not rushed through because the anchor lies ahead).
 */
export class ReplayPacer {
  private anchor: { readonly t: number; readonly wall: number } | null = null;
  private previousT: number | null = null;
  private skipped = 0;
  private largest: number | null = null;

  constructor(readonly maxWaitMs: number) {}

  /** Wall ms to wait before this frame is due (0 or less: now). */
  due(t: number, speed: number, now: number): number {
    const previous = this.previousT;
    this.previousT = t;
    if (this.anchor === null || t < this.anchor.t) {
      this.anchor = { t, wall: now };
      return 0;
    }
    const due = this.anchor.wall + (t - this.anchor.t) / speed - now;
    if (due <= this.maxWaitMs) return due;
    this.skipped++;
    const jump = t - (previous ?? this.anchor.t);
    this.largest = Math.max(this.largest ?? jump, jump);
    this.anchor = { t, wall: now };
    return 0;
  }

  /** Forget the schedule (pause, a new speed): the next frame anchors it again. */
  reset(): void {
    this.anchor = null;
  }

  stats(): { readonly maxWaitMs: number; readonly jumpsSkipped: number; readonly largestJumpMs: number | null } {
    return { maxWaitMs: this.maxWaitMs, jumpsSkipped: this.skipped, largestJumpMs: this.largest };
  }
}
