import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { OVERVIEW_COLUMNS, OVERVIEW_WIDTH } from '../../model/overview-columns';
import { visibleOverviewKeys } from '../../store/selectors';
import { useConsole, useStoreApi } from '../context';
import { OverviewRowView } from './overview-row';
import { scrollToRow, virtualWindow } from './virtual-window';

/** Until the first row is measured (the CSS --row-h plus its border). */
const DEFAULT_ROW_HEIGHT = 23;
const HEADER_HEIGHT = 25;

/**
 * Every monitored instrument, windowed by hand: only the rows in view (and
 * a few either side) are in the DOM, between two blank rows that keep the
 * scroll height, so 2,500 instruments cost what 60 do. No library: fixed
 * row heights make the window a division, and the table keeps its one
 * colgroup so columns stay aligned with their headers. Fixed layout, each
 * column as wide as its content (overview-columns.ts) and the table their
 * sum, so nothing moves as numbers change and a 1280 px window shows every
 * column. The pointer on the rows, or a scroll, holds their order (order-hint.tsx).
 */
export function OverviewTable() {
  const store = useStoreApi();
  const keys = useConsole(useShallow(visibleOverviewKeys));
  const sort = useConsole((s) => s.sort);
  const sortBy = useConsole((s) => s.sortBy);
  const selected = useConsole((s) => s.overviewSel);
  const density = useConsole((s) => s.density);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 800 });
  const [rowHeight, setRowHeight] = useState(DEFAULT_ROW_HEIGHT);
  const frame = useRef<number | null>(null);

  const measure = useCallback(() => {
    frame.current = null;
    const el = scroller.current;
    if (!el) return;
    setView((v) => (v.scrollTop === el.scrollTop && v.height === el.clientHeight ? v : { scrollTop: el.scrollTop, height: el.clientHeight }));
    const row = el.querySelector<HTMLTableRowElement>('tr[data-testid="overview-row"]');
    if (row && row.offsetHeight > 0) setRowHeight((h) => (h === row.offsetHeight ? h : row.offsetHeight));
  }, []);

  // One measurement per frame, however many scroll events the frame had.
  const onScroll = useCallback(() => {
    frame.current ??= requestAnimationFrame(measure);
    store.getState().noteOrderScroll(Date.now());
  }, [measure, store]);

  // Another density is another row height: measure again.
  useLayoutEffect(() => {
    measure();
  }, [density, measure]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    measure();
    const observer = new ResizeObserver(() => measure());
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    };
  }, [measure]);

  const win = virtualWindow(keys.length, rowHeight, view.scrollTop, view.height);
  const slice = useMemo(() => keys.slice(win.start, win.end), [keys, win.start, win.end]);

  // The engine sends full rows for what is in the DOM (interest-sync.ts).
  useEffect(() => {
    store.getState().setShownKeys(slice);
  }, [store, slice]);
  useEffect(
    () => () => {
      store.getState().setShownKeys([]);
      store.getState().setOrderHover(false);
    },
    [store],
  );

  // j/k move the selection beyond the window: bring its row into view. On a
  // selection change only: a filter or re-sort must not pull the operator back.
  const latest = useRef({ keys, rowHeight });
  latest.current = { keys, rowHeight };
  useEffect(() => {
    const el = scroller.current;
    if (!el || selected === null) return;
    const index = latest.current.keys.indexOf(selected);
    if (index < 0) return;
    const top = scrollToRow(index, latest.current.rowHeight, el.scrollTop, el.clientHeight, HEADER_HEIGHT);
    if (top !== null) el.scrollTop = top;
  }, [selected]);

  const columns = OVERVIEW_COLUMNS.length;
  return (
    <div
      className="table-scroll"
      ref={scroller}
      onScroll={onScroll}
      onMouseEnter={() => store.getState().setOrderHover(true)}
      onMouseLeave={() => store.getState().setOrderHover(false)}
      data-testid="overview-scroll"
    >
      <table
        className={`table overview-table density-${density}`}
        style={{ width: OVERVIEW_WIDTH }}
        data-testid="overview"
        data-rows={keys.length}
        data-density={density}
      >
        <colgroup>
          {OVERVIEW_COLUMNS.map((c) => (
            <col key={c.id} className={`col-${c.id}`} style={{ width: c.width }} />
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
          {win.padTop > 0 ? (
            <tr className="spacer" aria-hidden="true">
              <td colSpan={columns} style={{ height: win.padTop }} />
            </tr>
          ) : null}
          {slice.map((key) => (
            <OverviewRowView key={key} rowKey={key} />
          ))}
          {win.padBottom > 0 ? (
            <tr className="spacer" aria-hidden="true">
              <td colSpan={columns} style={{ height: win.padBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
      {keys.length === 0 ? <div className="empty">No instrument matches.</div> : null}
    </div>
  );
}
