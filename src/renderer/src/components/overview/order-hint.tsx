import { formatDuration } from '../../format/format';
import { NORMAL_RANK, problemRank, rowsOutOfOrder, sortOverviewKeys } from '../../model/overview-columns';
import { useConsole, useStoreApi } from '../context';
import { useNow } from '../use-now';

/**
 * Rows keep their order while values change (nothing jumps under the
 * operator's eyes), so the order grows stale. Once a second this compares it
 * with a sort of the live values and says how many rows are out of place,
 * loudest when a problem row sits below a normal one with problems first.
 */
export function OrderHint() {
  const store = useStoreApi();
  const now = useNow(1000);
  const orderedAt = useConsole((s) => s.orderedAt);
  const s = store.getState();
  const live = sortOverviewKeys(s.rows, s.keys, s.sort, s.problemsFirst);
  const moved = rowsOutOfOrder(s.order, live);
  if (moved === 0) {
    return (
      <span className="muted order-hint" data-testid="order-hint" data-stale="false">
        order live
      </span>
    );
  }
  let buried = 0;
  if (s.problemsFirst) {
    let seenNormal = false;
    for (const key of s.order) {
      const row = s.rows[key];
      if (!row) continue;
      if (problemRank(row) === NORMAL_RANK) seenNormal = true;
      else if (seenNormal) buried += 1;
    }
  }
  const age = orderedAt > 0 ? ` (sorted ${formatDuration(Math.max(0, now - orderedAt))} ago)` : '';
  return (
    <span
      className={`order-hint order-stale${buried > 0 ? ' warn' : ''}`}
      data-testid="order-hint"
      data-stale="true"
      data-moved={moved}
      data-buried={buried}
      title="rows keep their order while values change; s or Re-sort applies the live values"
    >
      order stale: {moved} {moved === 1 ? 'row' : 'rows'} out of place{buried > 0 ? `, ${buried} ${buried === 1 ? 'problem' : 'problems'} below normal rows` : ''}
      {age} · s re-sorts
    </span>
  );
}
