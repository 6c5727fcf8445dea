/**
 * Complete boundaries waiting for the analytics worker's turn, oldest first.
 *
 * Evaluating a boundary where its last report arrives (inside the port's
 * message callback) never yields while reports keep coming faster than they
 * are evaluated: Node delivers up to a thousand queued port messages in one
 * go, so on a starved machine the worker evaluated boundary after boundary
 * and its timers (the history flush, the UI copies, the status report) and
 * setImmediate slices never ran: history stopped being written and the
 * screen froze while the alerts still went out. Boundaries are queued here
 * instead and evaluated one per turn of the event loop.
 *
 * A queue that only grows is memory growing until the process dies, so past
 * `maxBacklog` boundaries the oldest are shed: never evaluated, never
 * stored, and counted. The analytics_lag alert stays open meanwhile (the
 * oldest boundary left is still `maxBacklog` seconds late) and says how many
 * were skipped.
 */
export class BoundaryQueue<T> {
  private readonly items: { readonly time: number; readonly item: T }[] = [];
  private shedCount = 0;
  private takenCount = 0;

  constructor(readonly maxBacklog: number) {
    if (!(Number.isInteger(maxBacklog) && maxBacklog >= 1)) throw new Error(`maxBacklog must be a whole number of boundaries >= 1, got ${maxBacklog}`);
  }

  /** Queues a complete boundary; returns how many of the oldest were shed to make room. */
  push(time: number, item: T): number {
    this.items.push({ time, item });
    const over = this.items.length - this.maxBacklog;
    if (over <= 0) return 0;
    this.items.splice(0, over);
    this.shedCount += over;
    return over;
  }

  /** The oldest boundary waiting, removed; undefined when none is. */
  take(): { readonly time: number; readonly item: T } | undefined {
    const next = this.items.shift();
    if (next !== undefined) this.takenCount += 1;
    return next;
  }

  get length(): number {
    return this.items.length;
  }

  /** Boundaries shed so far. */
  get shed(): number {
    return this.shedCount;
  }

  /** Boundaries taken for evaluation so far. */
  get taken(): number {
    return this.takenCount;
  }
}
