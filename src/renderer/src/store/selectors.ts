import { overviewMatcher } from '../model/overview-columns';
import { visibleAlerts } from './alerts-slice';
import type { ConsoleState } from './types';

type OverviewInputs = Pick<ConsoleState, 'order' | 'rows' | 'overviewFilter'>;

let lastInputs: OverviewInputs | null = null;
let lastKeys: string[] = [];

/**
 * Overview keys to show: the frozen order, filtered by the current filter.
 * Remembers its last answer: several components and the keyboard ask on
 * every store update, and at 2,500 rows the filter is worth doing once.
 */
export function visibleOverviewKeys(s: OverviewInputs): string[] {
  if (lastInputs && lastInputs.order === s.order && lastInputs.rows === s.rows && lastInputs.overviewFilter === s.overviewFilter) return lastKeys;
  const matches = overviewMatcher(s.overviewFilter);
  lastKeys = s.order.filter((key) => {
    const row = s.rows[key];
    return row !== undefined && matches(row);
  });
  lastInputs = { order: s.order, rows: s.rows, overviewFilter: s.overviewFilter };
  return lastKeys;
}

/** Ids of the active alerts shown, in table order. */
export function visibleAlertIds(s: Pick<ConsoleState, 'active' | 'alertFilter' | 'silences'>, now = Date.now()): string[] {
  return visibleAlerts(s.active, s.alertFilter, s.silences, now).map((a) => a.id);
}

/**
 * The console's "now": the replayed frame's time during a replay (the
 * replay's clock is what the data means), else the engine's clock estimated
 * from the snapshot's serverTime.
 */
export function consoleNow(s: Pick<ConsoleState, 'mode' | 'replay' | 'clockOffsetMs'>, wallNow: number): number {
  if (s.mode?.kind === 'replay' && s.replay?.frameTime != null) return s.replay.frameTime;
  return wallNow + s.clockOffsetMs;
}

/** The next key in `list` from `current` by `delta`, clamped; the first when nothing is selected. */
export function stepSelection(list: readonly string[], current: string | null, delta: number): string | null {
  if (list.length === 0) return null;
  const at = current === null ? -1 : list.indexOf(current);
  if (at < 0) return delta >= 0 ? list[0]! : list[list.length - 1]!;
  return list[Math.max(0, Math.min(list.length - 1, at + delta))]!;
}
