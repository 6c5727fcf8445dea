import { useEffect } from 'react';
import { formatDuration } from '../../format/format';
import { orderHeld } from '../../model/held-order';
import { NORMAL_RANK, problemRank } from '../../model/overview-columns';
import { useConsole, useStoreApi } from '../context';
import { useNow } from '../use-now';

/** How often the live order is re-applied (when the operator does not hold it). */
const LIVE_ORDER_MS = 1000;

/**
 * Rows follow the live sort (problems first by default), re-applied once a
 * second, except while the operator holds them: the pointer on the rows or a
 * scroll in the last seconds. Then nothing jumps under the cursor, and this
 * says how many rows wait to move, with a click to move them now.
 */
export function OrderHint() {
  const store = useStoreApi();
  const now = useNow(LIVE_ORDER_MS);
  const orderedAt = useConsole((s) => s.orderedAt);
  const changed = useConsole((s) => s.orderChanged);
  const hold = useConsole((s) => s.orderHold);
  const resort = useConsole((s) => s.resort);
  useEffect(() => {
    const timer = setInterval(() => store.getState().tickLiveOrder(Date.now()), LIVE_ORDER_MS);
    return () => clearInterval(timer);
  }, [store]);
  const held = orderHeld(hold, now);
  if (changed === 0) {
    return (
      <span className="muted order-hint" data-testid="order-hint" data-stale="false" data-held={held} data-ordered-at={orderedAt}>
        {held ? 'order held' : 'order live'}
      </span>
    );
  }
  const s = store.getState();
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
  const age = orderedAt > 0 ? `sorted ${formatDuration(Math.max(0, now - orderedAt))} ago; ` : '';
  return (
    <button
      type="button"
      className={`order-hint order-stale${buried > 0 ? ' warn' : ''}`}
      data-testid="order-hint"
      data-stale="true"
      data-held={held}
      data-moved={changed}
      data-buried={buried}
      data-ordered-at={orderedAt}
      title={`${age}rows hold still while the pointer is on them or you scroll${buried > 0 ? `; ${buried} ${buried === 1 ? 'problem sits' : 'problems sit'} below normal rows` : ''}. Click (or s) to re-apply the order`}
      onClick={resort}
    >
      order paused — {changed} {changed === 1 ? 'row' : 'rows'} changed · re-apply
    </button>
  );
}
