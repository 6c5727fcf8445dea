import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { StatusFilter } from '../../model/overview-columns';
import { visibleOverviewKeys } from '../../store/selectors';
import { useConsole } from '../context';
import { OrderHint } from './order-hint';
import { OverviewTable } from './overview-table';

const STATUS_OPTIONS: readonly { readonly value: StatusFilter; readonly label: string }[] = [
  { value: 'all', label: 'all states' },
  { value: 'problems', label: 'problems only' },
  { value: 'critical', label: 'critical' },
  { value: 'warning', label: 'warning' },
  { value: 'invalid', label: 'invalid book' },
  { value: 'stale', label: 'stale' },
  { value: 'warming_up', label: 'warming up' },
  { value: 'normal', label: 'normal' },
];

/** The market overview: filter, sort and order controls above the (virtualized) instrument table. */
export function OverviewView() {
  const filter = useConsole((s) => s.overviewFilter);
  const setFilter = useConsole((s) => s.setOverviewFilter);
  const resort = useConsole((s) => s.resort);
  const problemsFirst = useConsole((s) => s.problemsFirst);
  const setProblemsFirst = useConsole((s) => s.setProblemsFirst);
  const density = useConsole((s) => s.density);
  const setDensity = useConsole((s) => s.setDensity);
  const keys = useConsole((s) => s.keys);
  const shown = useConsole(useShallow((s) => visibleOverviewKeys(s).length));
  const venues = useMemo(() => [...new Set(keys.map((k) => k.slice(0, k.indexOf(':'))))].sort(), [keys]);
  return (
    <section className="view view-overview">
      <div className="toolbar">
        <input
          className="input input-filter"
          data-filter
          data-testid="overview-filter"
          placeholder="instrument, venue, tier  ( / )"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
        />
        <select className="select" data-testid="overview-venue" value={filter.venue} onChange={(e) => setFilter({ venue: e.target.value })}>
          <option value="">all venues</option>
          {venues.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <select
          className="select"
          data-testid="overview-status"
          value={filter.status}
          onChange={(e) => setFilter({ status: e.target.value as StatusFilter })}
        >
          {STATUS_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <span className="muted count">
          {shown} / {keys.length}
        </span>
        <label className="check" title="alerts firing, then pending, invalid or stale books and warming windows above the sorted column; the order follows the live values unless the pointer is on the rows">
          <input type="checkbox" data-testid="problems-first" checked={problemsFirst} onChange={(e) => setProblemsFirst(e.target.checked)} /> problems first
        </label>
        <select
          className="select"
          data-testid="overview-density"
          title="row height (kept for next time)"
          value={density}
          onChange={(e) => setDensity(e.target.value === 'compact' ? 'compact' : 'comfortable')}
        >
          <option value="comfortable">comfortable</option>
          <option value="compact">compact</option>
        </select>
        <span className="spacer" />
        <OrderHint />
        <button type="button" className="btn" onClick={resort} title="rows keep their order while values change; re-sort now (s)">
          Re-sort
        </button>
      </div>
      <OverviewTable />
    </section>
  );
}
