import { rowsOutOfOrder } from './overview-columns';

/** How long after the last scroll of the overview its order stays held: the operator is still reading. */
export const SCROLL_HOLD_MS = 3000;

/** What the operator is doing with the overview: the pointer on its rows, and when it last scrolled (0: never). */
export interface OrderHold {
  readonly hovering: boolean;
  readonly scrolledAt: number;
}

export const NO_HOLD: OrderHold = { hovering: false, scrolledAt: 0 };

/** Whether rows must stay where they are now: the pointer is on the table, or it scrolled less than {@link SCROLL_HOLD_MS} ago. */
export function orderHeld(hold: OrderHold, now: number): boolean {
  return hold.hovering || (hold.scrolledAt > 0 && now - hold.scrolledAt < SCROLL_HOLD_MS);
}

/** The overview's order after one tick: the live sort, or the shown order kept and how many rows the live sort would move. */
export interface OrderTick {
  readonly order: readonly string[];
  /** Rows out of place in `order` (0 when the live sort was applied). */
  readonly changed: number;
  /** True when `order` is the live sort (and differs from what was shown). */
  readonly applied: boolean;
}

/**
 * One tick of the live order: rows follow the live sort (problems first by
 * default) unless the operator holds them, in which case the shown order
 * stays and the count of rows it has wrong is what the hint says. The shown
 * array comes back as is when nothing moves, so nothing re-renders.
 */
export function tickOrder(shown: readonly string[], live: readonly string[], held: boolean): OrderTick {
  const changed = rowsOutOfOrder(shown, live);
  if (changed === 0) return { order: shown, changed: 0, applied: false };
  if (held) return { order: shown, changed, applied: false };
  return { order: live, changed: 0, applied: true };
}
