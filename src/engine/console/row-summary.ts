import { SUMMARY_METRICS, SUMMARY_ZSCORES, type FeedView, type OverviewRow, type RowSummary } from '../../shared/contract';

/**
 * Four significant digits: finer than any overview cell shows (spread to
 * 0.01 bp, depth to three digits), coarse enough that noise below what an
 * operator can see does not make a row count as changed.
 */
function round4(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(4));
}

/** Two decimals: the z column shows one. */
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The brief form of an overview row that a client gets for instruments it does not show in detail. */
export function rowSummary(row: OverviewRow): RowSummary {
  return {
    key: row.key,
    instrumentId: row.instrumentId,
    type: row.type,
    ...(row.tier ? { tier: row.tier } : {}),
    time: row.time,
    status: row.status,
    openAlerts: row.openAlerts,
    stale: row.health.stale,
    bookValid: row.health.bookValid,
    values: SUMMARY_METRICS.map((metric) => {
      const value = row.values[metric];
      return value === undefined ? null : round4(value);
    }),
    z: SUMMARY_ZSCORES.map((metric) => {
      const view = row.zscores[metric];
      if (!view) return null;
      return view.z === null ? ([view.samples, view.needed] as const) : round2(view.z);
    }),
  };
}

/** Same content, whatever the sample time: nothing on screen would change. */
export function sameSummary(a: RowSummary, b: RowSummary): boolean {
  if (a.status !== b.status || a.openAlerts !== b.openAlerts || a.stale !== b.stale || a.bookValid !== b.bookValid) return false;
  if (a.instrumentId !== b.instrumentId || a.type !== b.type || a.tier !== b.tier) return false;
  for (let i = 0; i < a.values.length; i += 1) if (a.values[i] !== b.values[i]) return false;
  for (let i = 0; i < a.z.length; i += 1) {
    const x = a.z[i];
    const y = b.z[i];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x[0] !== y[0] || x[1] !== y[1]) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * A feed view without its connections' symbol lists, which at whole-venue
 * scale are most of its bytes (800 symbols on a socket) and which the
 * console only counts.
 */
export function briefFeedView(feed: FeedView): FeedView {
  return { ...feed, connections: feed.connections.map((c) => ({ ...c, symbols: [], symbolCount: c.symbolCount ?? c.symbols.length })) };
}
