import { useShallow } from 'zustand/react/shallow';
import { OVERVIEW_COLUMNS } from '../../model/overview-columns';
import { visibleOverviewKeys } from '../../store/selectors';
import { useConsole } from '../context';
import { OverviewRowView } from './overview-row';

/**
 * Every monitored instrument. Fixed layout (widths from `col-<id>` classes)
 * so nothing moves as numbers change; rows keep the order of the last sort.
 */
export function OverviewTable() {
  const keys = useConsole(useShallow(visibleOverviewKeys));
  const sort = useConsole((s) => s.sort);
  const sortBy = useConsole((s) => s.sortBy);
  return (
    <div className="table-scroll">
      <table className="table overview-table" data-testid="overview">
        <colgroup>
          {OVERVIEW_COLUMNS.map((c) => (
            <col key={c.id} className={`col-${c.id}`} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {OVERVIEW_COLUMNS.map((c) => {
              const active = sort.column === c.id;
              return (
                <th
                  key={c.id}
                  className={`${c.numeric ? 'num' : 'txt'} sortable${active ? ' sorted' : ''}`}
                  title={`${c.title} (click to sort)`}
                  aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                  data-testid={`sort-${c.id}`}
                  onClick={() => sortBy(c.id)}
                >
                  {c.label}
                  <span className="sort-mark">{active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}</span>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <OverviewRowView key={key} rowKey={key} />
          ))}
        </tbody>
      </table>
      {keys.length === 0 ? <div className="empty">No instrument matches.</div> : null}
    </div>
  );
}
