import { memo } from 'react';
import { OVERVIEW_COLUMNS } from '../../model/overview-columns';
import { useConsole } from '../context';

/**
 * One instrument's row. Memoized by key and selecting only its own row, so
 * an overview update re-renders just the rows whose instrument changed; the
 * table scrolls the selected row into view (it may not be in the DOM).
 */
export const OverviewRowView = memo(function OverviewRowView({ rowKey }: { rowKey: string }) {
  const row = useConsole((s) => s.rows[rowKey]);
  const selected = useConsole((s) => s.overviewSel === rowKey);
  const select = useConsole((s) => s.setOverviewSel);
  const selectInstrument = useConsole((s) => s.selectInstrument);
  const setView = useConsole((s) => s.setView);
  if (!row) return null;
  const health = row.health.stale ? ' row-stale' : !row.health.bookValid ? ' row-invalid' : '';
  return (
    <tr
      className={`row st-row-${row.status}${selected ? ' selected' : ''}${health}`}
      data-testid="overview-row"
      data-key={row.key}
      data-status={row.status}
      data-brief={row.brief ? 'true' : undefined}
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
