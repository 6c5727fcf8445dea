import { EMPTY_OVERVIEW_FILTER, sortOverviewKeys, type OverviewFilter, type OverviewSort } from '../model/overview-columns';
import { addPanel, clampColumns, movePanel, parseLayout, removePanel, setPanelKey, type PanelKind, type PanelLayout } from '../model/panel-layout';
import { centredOn, LIVE_RANGE, type TimeRange } from '../model/time-range';
import type { LinkState } from '../api/connection';
import type { Alert } from '../../../shared/core/model';
import { NO_HOLD, orderHeld, tickOrder, type OrderHold } from '../model/held-order';
import { PREF_DENSITY, PREF_LAYOUT, PREF_OPERATOR, type Prefs } from './prefs';
import type { SliceCreator } from './types';

export type ViewId = 'overview' | 'instrument' | 'alerts' | 'feeds' | 'replay';

/** Overview row height: comfortable (the default) or compact, kept in prefs. */
export type Density = 'comfortable' | 'compact';

export const parseDensity = (value: string | null): Density => (value === 'compact' ? 'compact' : 'comfortable');

export const VIEWS: readonly { readonly id: ViewId; readonly label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'instrument', label: 'Instrument' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'feeds', label: 'Feeds' },
  { id: 'replay', label: 'Replay' },
];

/** What the operator is doing: view, selections, sort, filters, layout, name; the link state. */
export interface UiSlice {
  readonly view: ViewId;
  /** The instrument the instrument view shows. */
  readonly selectedKey: string | null;
  /** Highlighted row of the overview and of the active alerts (j/k). */
  readonly overviewSel: string | null;
  readonly alertSel: string | null;
  readonly sort: OverviewSort;
  /**
   * Overview row order, computed when the user sorts (or rows arrive): live
   * values never reorder rows under the operator's eyes; re-sorting does.
   */
  readonly order: readonly string[];
  /** When `order` was last sorted (wall clock): the overview says how old the order is. */
  readonly orderedAt: number;
  /** Rows needing the operator (alerts, invalid or stale books, warming up) before the sorted column. */
  readonly problemsFirst: boolean;
  /** The pointer on the overview's rows, its last scroll: while either holds, the live order waits. */
  readonly orderHold: OrderHold;
  /** Rows the live sort would move while the order is held (the hint's N); 0 when the order is live. */
  readonly orderChanged: number;
  readonly density: Density;
  /** Overview rows in the DOM now (the virtual window): the engine sends their full rows. */
  readonly shownKeys: readonly string[];
  readonly overviewFilter: OverviewFilter;
  readonly timeRange: TimeRange;
  readonly layout: PanelLayout;
  readonly operator: string;
  /** The alert whose acknowledge dialog is open. */
  readonly ackTarget: string | null;
  readonly link: LinkState;
  /** The replay view's capture path (kept across view switches). */
  readonly replayPath: string;
  setView(view: ViewId): void;
  selectInstrument(key: string | null): void;
  setOverviewSel(key: string | null): void;
  setAlertSel(id: string | null): void;
  /** Sorts by `column`; the same column again flips the direction. */
  sortBy(column: string): void;
  /** Re-applies the current sort to the current values. */
  resort(): void;
  setProblemsFirst(on: boolean): void;
  setOrderHover(hovering: boolean): void;
  noteOrderScroll(now: number): void;
  /**
   * Once a second: the live sort replaces the order unless the operator
   * holds it (hovering or just scrolled), in which case `orderChanged` says
   * how many rows wait to move.
   */
  tickLiveOrder(now: number): void;
  setDensity(density: Density): void;
  setShownKeys(keys: readonly string[]): void;
  setOverviewFilter(patch: Partial<OverviewFilter>): void;
  setTimeRange(range: TimeRange): void;
  /** Opens the instrument view on an alert's instrument, the range centred on when it fired. */
  jumpToAlert(alert: Alert): void;
  addPanel(kind: PanelKind): void;
  removePanel(id: string): void;
  movePanel(id: string, delta: number): void;
  setPanelKey(id: string, key: string | null): void;
  setColumns(columns: number): void;
  resetLayout(): void;
  setOperator(name: string): void;
  openAck(alertId: string | null): void;
  setLink(link: LinkState): void;
  setReplayPath(path: string): void;
}

export function createUiSlice(prefs: Prefs): SliceCreator<UiSlice> {
  return (set, get) => {
    const setLayout = (layout: PanelLayout): void => {
      prefs.set(PREF_LAYOUT, JSON.stringify(layout));
      set({ layout });
    };
    return {
      view: 'overview',
      selectedKey: null,
      overviewSel: null,
      alertSel: null,
      sort: { column: 'status', direction: 'asc' },
      order: [],
      orderedAt: 0,
      problemsFirst: true,
      orderHold: NO_HOLD,
      orderChanged: 0,
      density: parseDensity(prefs.get(PREF_DENSITY)),
      shownKeys: [],
      overviewFilter: EMPTY_OVERVIEW_FILTER,
      timeRange: LIVE_RANGE,
      layout: parseLayout(prefs.get(PREF_LAYOUT)),
      operator: prefs.get(PREF_OPERATOR) ?? '',
      ackTarget: null,
      link: { status: 'connecting', attempt: 0 },
      replayPath: '',
      setView: (view) => set({ view }),
      selectInstrument: (key) => set({ selectedKey: key }),
      setOverviewSel: (key) => set({ overviewSel: key }),
      setAlertSel: (id) => set({ alertSel: id }),
      sortBy: (column) => {
        const current = get().sort;
        const sort: OverviewSort =
          current.column === column ? { column, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { column, direction: 'asc' };
        set({ sort, order: sortOverviewKeys(get().rows, get().keys, sort, get().problemsFirst), orderedAt: Date.now(), orderChanged: 0 });
      },
      resort: () => set((s) => ({ order: sortOverviewKeys(s.rows, s.keys, s.sort, s.problemsFirst), orderedAt: Date.now(), orderChanged: 0 })),
      setProblemsFirst: (problemsFirst) =>
        set((s) => ({ problemsFirst, order: sortOverviewKeys(s.rows, s.keys, s.sort, problemsFirst), orderedAt: Date.now(), orderChanged: 0 })),
      setOrderHover: (hovering) => {
        if (get().orderHold.hovering !== hovering) set((s) => ({ orderHold: { ...s.orderHold, hovering } }));
      },
      // A scroll fires many events a second: the hold needs one every few hundred ms.
      noteOrderScroll: (now) => {
        if (now - get().orderHold.scrolledAt >= 250) set((s) => ({ orderHold: { ...s.orderHold, scrolledAt: now } }));
      },
      tickLiveOrder: (now) => {
        const s = get();
        const live = sortOverviewKeys(s.rows, s.keys, s.sort, s.problemsFirst);
        const tick = tickOrder(s.order, live, orderHeld(s.orderHold, now));
        if (tick.applied) set({ order: tick.order, orderedAt: now, orderChanged: 0 });
        else if (tick.changed !== s.orderChanged) set({ orderChanged: tick.changed });
      },
      setDensity: (density) => {
        prefs.set(PREF_DENSITY, density);
        set({ density });
      },
      setShownKeys: (shownKeys) => {
        const current = get().shownKeys;
        if (current.length === shownKeys.length && current.every((k, i) => k === shownKeys[i])) return;
        set({ shownKeys });
      },
      setOverviewFilter: (patch) => set((s) => ({ overviewFilter: { ...s.overviewFilter, ...patch } })),
      setTimeRange: (timeRange) => set({ timeRange }),
      jumpToAlert: (alert) =>
        set({ selectedKey: alert.key, timeRange: centredOn(alert.firedAt ?? alert.openedAt), view: 'instrument', alertSel: alert.id }),
      addPanel: (kind) => setLayout(addPanel(get().layout, kind)),
      removePanel: (id) => setLayout(removePanel(get().layout, id)),
      movePanel: (id, delta) => setLayout(movePanel(get().layout, id, delta)),
      setPanelKey: (id, key) => setLayout(setPanelKey(get().layout, id, key)),
      setColumns: (columns) => setLayout({ ...get().layout, columns: clampColumns(columns) }),
      resetLayout: () => setLayout(parseLayout(null)),
      setOperator: (name) => {
        const operator = name.trim().slice(0, 80);
        prefs.set(PREF_OPERATOR, operator);
        set({ operator });
      },
      openAck: (alertId) => set({ ackTarget: alertId }),
      setLink: (link) => set({ link }),
      setReplayPath: (replayPath) => set({ replayPath }),
    };
  };
}
