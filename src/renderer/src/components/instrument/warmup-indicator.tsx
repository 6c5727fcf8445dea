import { leastWarmed, warmupLabel } from '../../model/warmup';
import { useConsole } from '../context';

/** `Z-Score: warming up (15/30)` while any z window of the instrument is short of samples; alerts cannot fire until then. */
export function WarmupIndicator({ rowKey }: { rowKey: string | null }) {
  // Select the label, not the row: it re-renders only when the text changes.
  const label = useConsole((s) => {
    const row = rowKey === null ? undefined : s.rows[rowKey];
    return row ? warmupLabel(leastWarmed(row)) : warmupLabel(undefined);
  });
  const warming = label.includes('warming');
  return (
    <div className={warming ? 'warmup warming' : 'warmup'} data-testid="zscore-warmup" role="status">
      {label}
    </div>
  );
}
