/**
 * Time shared by every chart panel on screen: the crosshair's time and the
 * visible range. A chart joins with what it does when another chart moves;
 * the chart the user moves broadcasts to the others (never to itself, so
 * a programmatic crosshair does not echo back).
 */
export interface SyncedChart {
  /** Another chart's crosshair is at `time` (chart seconds), or left (null). */
  showTime(time: number | null): void;
  /** The user scrolled or zoomed another chart to this range (chart seconds). */
  showRange(range: { readonly from: number; readonly to: number }): void;
}

const charts = new Set<SyncedChart>();

/** Joins the sync; returns leave. */
export function joinChartSync(chart: SyncedChart): () => void {
  charts.add(chart);
  return () => void charts.delete(chart);
}

export function broadcastTime(source: SyncedChart, time: number | null): void {
  for (const c of charts) if (c !== source) c.showTime(time);
}

export function broadcastRange(source: SyncedChart, range: { readonly from: number; readonly to: number }): void {
  for (const c of charts) if (c !== source) c.showRange(range);
}
