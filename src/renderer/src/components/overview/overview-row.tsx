import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { alertsOfKey, cellMark, cellMarkClass, stateView } from '../../model/cell-severity';
import { OVERVIEW_COLUMNS } from '../../model/overview-columns';
import { useConsole } from '../context';

/**
 * One instrument's row. Memoized by key and selecting only its own row and
 * alerts, so an overview update re-renders just the rows whose instrument
 * changed; the table scrolls the selected row into view (it may not be in
 * the DOM). A metric cell takes the colour of the worst rule on its metric
 * that fires (outlined while pending), from the row's rule statuses and,
 * for a brief row (no rules), the instrument's open alerts.
 */
export const OverviewRowView = memo(function OverviewRowView({ rowKey }: { rowKey: string }) {
  const row = useConsole((s) => s.rows[rowKey]);
  const alerts = useConsole(useShallow((s) => alertsOfKey(s.active, rowKey)));
  const selected = useConsole((s) => s.overviewSel === rowKey);
  const select = useConsole((s) => s.setOverviewSel);
  const selectInstrument = useConsole((s) => s.selectInstrument);
  const setView = useConsole((s) => s.setView);
  if (!row) return null;
  const health = row.health.stale ? ' row-stale' : !row.health.bookValid ? ' row-invalid' : '';
  const state = stateView(row, alerts);
  return (
    <tr
      className={`row st-row-${state.status}${selected ? ' selected' : ''}${health}`}
      data-testid="overview-row"
      data-key={row.key}
      data-status={state.status}
      data-brief={row.brief ? 'true' : undefined}
      aria-selected={selected}
      onClick={() => select(row.key)}
      onDoubleClick={() => {
        selectInstrument(row.key);
        setView('instrument');
      }}
    >
      {OVERVIEW_COLUMNS.map((c) => {
        if (c.id === 'status') {
          return (
            <td
              key={c.id}
              className={`cell-status st-${state.status}${state.severity ? ` st-pending-${state.severity}` : ''}`}
              data-testid="status"
              data-severity={state.severity ?? undefined}
              title={state.severity ? `${state.severity} alert pending: its persistence is not met yet` : undefined}
            >
              {state.label}
              {state.severity ? ' ' : null}
              {state.severity ? <span className="pending-sev">{state.severity === 'critical' ? 'crit' : 'warn'}</span> : null}
            </td>
          );
        }
        const mark = c.ruleMetrics ? cellMark(row, alerts, c.ruleMetrics) : null;
        return (
          <td
            key={c.id}
            className={`${c.numeric ? 'num' : 'txt'} ${c.tone?.(row) ?? ''} ${cellMarkClass(mark)}`}
            data-col={c.id}
            data-mark={mark ? `${mark.level}-${mark.severity}` : undefined}
          >
            {c.text(row)}
          </td>
        );
      })}
    </tr>
  );
});
