import type { InstrumentStatus, OverviewRow } from '../../../shared/contract';
import type { MetricName } from '../../../shared/core/model';
import { formatBps, formatNotional, formatSignedBps, formatZ } from '../format/format';

/** Worst first: the order the status column sorts in. */
export const STATUS_RANK: Readonly<Record<InstrumentStatus, number>> = {
  critical: 0,
  warning: 1,
  invalid: 2,
  stale: 3,
  warming_up: 4,
  normal: 5,
};

export const STATUS_LABEL: Readonly<Record<InstrumentStatus, string>> = {
  critical: 'CRIT',
  warning: 'WARN',
  invalid: 'INVALID',
  stale: 'STALE',
  warming_up: 'WARMUP',
  normal: 'OK',
};

/** One overview column: how it reads, sorts and shows a row, and how wide it is. */
export interface OverviewColumn {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly numeric: boolean;
  /** Width in px, sized to the column's content (fixed layout: nothing moves as numbers change). */
  readonly width: number;
  /** Metrics whose rules colour the cell when they fire or wait on their persistence. */
  readonly ruleMetrics?: readonly MetricName[];
  /** The sort value; null sorts last either way. */
  sortValue(row: OverviewRow): number | string | null;
  text(row: OverviewRow): string;
  /** Extra CSS class for the cell (a z-score past a bar, a warming window). */
  tone?(row: OverviewRow): string;
}

/** CSS class of a z-score cell: warming, or past 2 / 3 sigma. */
export function zTone(view: { readonly z: number | null } | undefined): string {
  if (!view) return '';
  if (view.z === null) return 'z-warm';
  const a = Math.abs(view.z);
  return a >= 3 ? 'z-3' : a >= 2 ? 'z-2' : '';
}

/** Width of a z column: "+597.9", "12/30" and its header. */
const Z_WIDTH = 52;

const metricColumn = (
  id: string,
  label: string,
  title: string,
  metric: MetricName,
  format: (v: number | undefined) => string,
  width: number,
  ruleMetrics: readonly MetricName[] = [metric],
): OverviewColumn => ({
  id,
  label,
  title,
  numeric: true,
  width,
  ruleMetrics,
  sortValue: (row) => row.values[metric] ?? null,
  text: (row) => format(row.values[metric]),
});

const zColumn = (id: string, label: string, metric: MetricName): OverviewColumn => ({
  id,
  label,
  title: `z-score of ${metric}`,
  numeric: true,
  width: Z_WIDTH,
  // Sort by how unusual, either direction.
  sortValue: (row) => {
    const z = row.zscores[metric]?.z;
    return z === null || z === undefined ? null : Math.abs(z);
  },
  text: (row) => {
    const view = row.zscores[metric];
    if (!view) return formatZ(null);
    return view.z === null ? `${view.samples}/${view.needed}` : formatZ(view.z);
  },
  tone: (row) => zTone(row.zscores[metric]),
});

export const OVERVIEW_COLUMNS: readonly OverviewColumn[] = [
  { id: 'status', label: 'State', title: 'worst state: alerts firing or pending, book, feed, warmup', numeric: false, width: 102, sortValue: (r) => STATUS_RANK[r.status], text: (r) => STATUS_LABEL[r.status] },
  { id: 'instrument', label: 'Instrument', title: 'canonical instrument', numeric: false, width: 110, sortValue: (r) => r.instrumentId, text: (r) => r.instrumentId },
  { id: 'venue', label: 'Venue', title: 'venue and symbol', numeric: false, width: 188, sortValue: (r) => r.key, text: (r) => r.key },
  { id: 'tier', label: 'Tier', title: 'liquidity tier (alerts.yaml tiers) whose profile judges the instrument', numeric: false, width: 52, sortValue: (r) => r.tier ?? null, text: (r) => r.tier ?? '' },
  metricColumn('spread', 'Spread bp', 'spread, bps of mid', 'spread_bps', formatBps, 82),
  // depth_10bps rules judge the thinner side: both depth cells show them.
  metricColumn('depthBid', 'Bid 10bp', 'bid depth within 10 bps, quote notional', 'depth_bid_10bps', formatNotional, 74, ['depth_bid_10bps', 'depth_10bps']),
  metricColumn('depthAsk', 'Ask 10bp', 'ask depth within 10 bps, quote notional', 'depth_ask_10bps', formatNotional, 76, ['depth_ask_10bps', 'depth_10bps']),
  metricColumn('basisSpot', 'Perp-spot', 'perp mid vs spot mid, bps', 'basis_perp_spot_bps', formatSignedBps, 80),
  metricColumn('basisIndex', 'Perp-idx', 'perp mid vs index, bps', 'basis_perp_index_bps', formatSignedBps, 72),
  metricColumn('markIndex', 'Mark-idx', 'mark vs index, bps', 'basis_mark_index_bps', formatSignedBps, 74),
  metricColumn('crossVenue', 'X-venue', 'this mid vs the same instrument on another venue, bps', 'cross_venue_bps', formatSignedBps, 70),
  // Normalized to 8 h so venues that settle every 1, 4 or 8 h compare in one column (the raw rate does not).
  metricColumn('funding', 'Fund/8h', "funding, bps per 8 h over the venue's funding interval", 'funding_bps_8h', formatSignedBps, 70),
  zColumn('zSpread', 'z spr', 'spread_bps'),
  zColumn('zDepth', 'z dep', 'depth_10bps'),
  zColumn('zBasis', 'z bas', 'basis_perp_spot_bps'),
  { id: 'alerts', label: 'Alerts', title: 'open alerts (pending and firing)', numeric: true, width: 54, sortValue: (r) => r.openAlerts, text: (r) => (r.openAlerts > 0 ? String(r.openAlerts) : '') },
];

/** The table's width: the sum of its columns (the table does not stretch them to the window). */
export const OVERVIEW_WIDTH = OVERVIEW_COLUMNS.reduce((sum, c) => sum + c.width, 0);

export type SortDirection = 'asc' | 'desc';

export interface OverviewSort {
  readonly column: string;
  readonly direction: SortDirection;
}

/**
 * How urgently a row needs the operator, 0 first: a firing critical, a firing
 * warning, an alert pending (its persistence not met yet), an invalid book,
 * a stale feed, a z-score window warming up, then normal.
 */
export function problemRank(row: OverviewRow): number {
  if (row.status === 'critical') return 0;
  if (row.status === 'warning') return 1;
  if (row.openAlerts > 0) return 2;
  return { invalid: 3, stale: 4, warming_up: 5, normal: 6 }[row.status];
}

/** Ranks below this are problems ("problems first" puts them on top). */
export const NORMAL_RANK = 6;

/**
 * Keys ordered by `sort`, stable: ties keep the key order, missing values
 * go last in both directions so a blank never tops a list. With
 * `problemsFirst`, rows are grouped by {@link problemRank} before the column.
 * Strings compare by code unit, not locale: ids are ASCII, and 2,500 rows
 * re-sorted every second for the stale-order hint must stay cheap.
 */
export function sortOverviewKeys(
  rows: Readonly<Record<string, OverviewRow>>,
  keys: readonly string[],
  sort: OverviewSort,
  problemsFirst = false,
): string[] {
  const column = OVERVIEW_COLUMNS.find((c) => c.id === sort.column) ?? OVERVIEW_COLUMNS[0]!;
  const sign = sort.direction === 'asc' ? 1 : -1;
  const decorated = keys.map((key) => {
    const row = rows[key];
    return { key, v: row ? column.sortValue(row) : null, rank: problemsFirst && row ? problemRank(row) : 0 };
  });
  decorated.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    if (a.v === null || b.v === null) {
      if (a.v === b.v) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return a.v === null ? 1 : -1;
    }
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : compareText(String(a.v), String(b.v));
    if (c !== 0) return c * sign;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  return decorated.map((d) => d.key);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows of `shown` that are not where a sort of the live values would put them. */
export function rowsOutOfOrder(shown: readonly string[], live: readonly string[]): number {
  let moved = 0;
  const n = Math.min(shown.length, live.length);
  for (let i = 0; i < n; i += 1) if (shown[i] !== live[i]) moved += 1;
  return moved + Math.abs(shown.length - live.length);
}

export type StatusFilter = 'all' | 'problems' | InstrumentStatus;

export interface OverviewFilter {
  readonly text: string;
  readonly venue: string;
  readonly status: StatusFilter;
}

export const EMPTY_OVERVIEW_FILTER: OverviewFilter = { text: '', venue: '', status: 'all' };

/** The words a row is found by: venue:symbol, canonical instrument, type and liquidity tier when the engine gives one. */
function haystack(row: OverviewRow): string {
  return `${row.key} ${row.instrumentId} ${row.type}${row.tier ? ` ${row.tier}` : ''}`.toLowerCase();
}

/**
 * The filter as a predicate, its words split once: words all match key,
 * instrument, type or tier; `problems` is anything but normal, pending
 * alerts included.
 */
export function overviewMatcher(filter: OverviewFilter): (row: OverviewRow) => boolean {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return (row) => {
    if (filter.venue && row.venue !== filter.venue) return false;
    if (filter.status === 'problems' && problemRank(row) === NORMAL_RANK) return false;
    if (filter.status !== 'all' && filter.status !== 'problems' && row.status !== filter.status) return false;
    if (words.length === 0) return true;
    const hay = haystack(row);
    return words.every((w) => hay.includes(w));
  };
}

/** Whether a row passes the filter (see {@link overviewMatcher}). */
export function rowMatches(row: OverviewRow, filter: OverviewFilter): boolean {
  return overviewMatcher(filter)(row);
}
