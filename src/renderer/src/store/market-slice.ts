import type { BookLadder, CaptureAccess, ConsoleMode } from '../../../shared/contract';
import type { RuleSpec } from '../../../shared/core/rule-types';
import { replacesRow, type ShownRow } from '../model/summary-rows';
import type { ConsoleState, SliceCreator } from './types';

/** What the engine says about the market: overview rows, rules, mode, the watched book. */
export interface MarketSlice {
  readonly mode: ConsoleMode | null;
  readonly simulated: boolean;
  readonly rules: Readonly<Record<string, readonly RuleSpec[]>>;
  /**
   * Latest row per instrument key, full or brief (summary-rows.ts); a row
   * object changes only when its instrument updated.
   */
  readonly rows: Readonly<Record<string, ShownRow>>;
  /** Every key seen, in arrival order. */
  readonly keys: readonly string[];
  /** Engine clock minus this machine's clock at the last snapshot. */
  readonly clockOffsetMs: number;
  /** Bumped on each snapshot load: charts reload their history (mode switch, reconnect). */
  readonly dataEpoch: number;
  readonly book: BookLadder | null;
  /** Which captures the engine opens (its folders; any typed path or not); null until a snapshot says. */
  readonly captureAccess: CaptureAccess | null;
}

export const createMarketSlice: SliceCreator<MarketSlice> = () => ({
  mode: null,
  simulated: false,
  rules: {},
  captureAccess: null,
  rows: {},
  keys: [],
  clockOffsetMs: 0,
  dataEpoch: 0,
  book: null,
});

/**
 * New rows into the market: a row replaces its key's row (newer times only,
 * so an out-of-order batch cannot move a chart backwards, and a brief row
 * never a full one of the same sample); new keys append.
 */
export function reduceOverview(state: Pick<ConsoleState, 'rows' | 'keys'>, rows: Iterable<ShownRow>): Pick<MarketSlice, 'rows' | 'keys'> | null {
  let next: Record<string, ShownRow> | null = null;
  let keys: string[] | null = null;
  for (const row of rows) {
    const current = state.rows[row.key];
    if (!replacesRow(current, row)) continue;
    next ??= { ...state.rows };
    if (!current) (keys ??= [...state.keys]).push(row.key);
    next[row.key] = row;
  }
  if (next === null) return null;
  return { rows: next, keys: keys ?? state.keys };
}
