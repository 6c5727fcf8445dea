import { memo, useEffect, useRef } from 'react';
import { OVERVIEW_COLUMNS } from '../../model/overview-columns';
import { useConsole } from '../context';

/**
 * One instrument's row. Memoized by key and selecting only its own row, so
 * an overview update re-renders just the rows whose instrument changed.
 */
export const OverviewRowView = memo(function OverviewRowView({ rowKey }: { rowKey: string }) {
  const row = useConsole((s) => s.rows[rowKey]);
  const selected = useConsole((s) => s.overviewSel === rowKey);
  const select = useConsole((s) => s.setOverviewSel);
  const selectInstrument = useConsole((s) => s.selectInstrument);
  const setView = useConsole((s) => s.setView);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  if (!row) return null;
  const health = row.health.stale ? ' row-stale' : !row.health.bookValid ? ' row-invalid' : '';
  return (
    <tr
      ref={ref}
      className={`row st-row-${row.status}${selected ? ' selected' : ''}${health}`}
      data-testid="overview-row"
      data-key={row.key}
      data-status={row.status}
      aria-selected={selected}
      onClick={() => select(row.key)}
      onDoubleClick={() => {
        selectInstrument(row.key);
        setView('instrument');
      }}
    >
      {OVERVIEW_COLUMNS.map((c) =>
        c.id === 'status' ? (
          <td key={c.id} className={`cell-status st-${row.status}`} data-testid="status">
            {c.text(row)}
          </td>
        ) : (
          <td key={c.id} className={`${c.numeric ? 'num' : 'txt'} ${c.tone?.(row) ?? ''}`}>
            {c.text(row)}
          </td>
        ),
      )}
    </tr>
  );
});
