import type { BookLadder, ConsoleMode, OverviewRow } from '../../../shared/contract';
import type { RuleSpec } from '../../../shared/core/rule-types';
import type { ConsoleState, SliceCreator } from './types';

/** What the engine says about the market: overview rows, rules, mode, the watched book. */
export interface MarketSlice {
  readonly mode: ConsoleMode | null;
  readonly simulated: boolean;
  readonly rules: Readonly<Record<string, readonly RuleSpec[]>>;
  /** Latest row per instrument key; a row object changes only when its instrument updated. */
  readonly rows: Readonly<Record<string, OverviewRow>>;
  /** Every key seen, in arrival order. */
  readonly keys: readonly string[];
  /** Engine clock minus this machine's clock at the last snapshot. */
  readonly clockOffsetMs: number;
  /** Bumped on each snapshot load: charts reload their history (mode switch, reconnect). */
  readonly dataEpoch: number;
  readonly book: BookLadder | null;
}

export const createMarketSlice: SliceCreator<MarketSlice> = () => ({
  mode: null,
  simulated: false,
  rules: {},
  rows: {},
  keys: [],
  clockOffsetMs: 0,
  dataEpoch: 0,
  book: null,
});

/**
 * New rows into the market: a row replaces its key's row (newer times only,
 * so an out-of-order batch cannot move a chart backwards); new keys append.
 */
export function reduceOverview(state: Pick<ConsoleState, 'rows' | 'keys'>, rows: Iterable<OverviewRow>): Pick<MarketSlice, 'rows' | 'keys'> | null {
  let next: Record<string, OverviewRow> | null = null;
  let keys: string[] | null = null;
  for (const row of rows) {
    const current = state.rows[row.key];
    if (current && current.time > row.time) continue;
    next ??= { ...state.rows };
    if (!current) (keys ??= [...state.keys]).push(row.key);
    next[row.key] = row;
  }
  if (next === null) return null;
  return { rows: next, keys: keys ?? state.keys };
}
