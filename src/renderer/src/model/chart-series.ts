import type { OverviewRow, SeriesResponse } from '../../../shared/contract';
import type { MetricName } from '../../../shared/core/model';
import { Z_CAP } from '../format/format';

/** A chart point in lightweight-charts' terms: seconds; no value draws a gap. */
export interface ChartPoint {
  readonly time: number;
  readonly value?: number;
  /** The value before a display cap (a z of +597.9 drawn at +10): the readout shows it. */
  readonly raw?: number;
}

/** One line of a chart panel: the stored series it loads and how a live row extends it. */
export interface LineDef {
  /** Name in `series` requests: a metric or `z_<metric>`. */
  readonly series: string;
  readonly label: string;
  /** Palette slot (palette.ts): the line's colour and its legend swatch. */
  readonly color: number;
  /** The metric whose rules draw threshold lines on this line (none for z lines). */
  readonly ruleMetric: string | null;
  live(row: OverviewRow): number | null | undefined;
  /** Maps a value before it is drawn (z lines clip at the display cap, ±10σ by default). */
  readonly clip?: (value: number) => number;
  /** The display cap of a z line (σ); the readout shows the true value past it. */
  readonly cap?: number;
}

/** A metric line: history from `series`, live from `row.values`. */
export function metricLine(metric: MetricName, label: string, color: number): LineDef {
  return { series: metric, label, color, ruleMetric: metric, live: (row) => row.values[metric] };
}

/**
 * A z-score line: history from `z_<metric>`, live from `row.zscores` (null while warming up: a gap).
 * Capped for display at ±`cap`σ (10 by default): one z of 1e4 (a flat window) would otherwise squash every
 * other line and the sigma bars to zero. The true value stays in the point's `raw` for the readout.
 */
export function zLine(metric: MetricName, label: string, color: number, cap: number = Z_CAP): LineDef {
  const c = capZ(cap);
  return { series: `z_${metric}`, label, color, ruleMetric: null, live: (row) => row.zscores[metric]?.z, clip: c, cap };
}

/** A display cap of z at ±`cap` (Infinity: none). */
export const capZ =
  (cap: number) =>
  (v: number): number =>
    Math.max(-cap, Math.min(cap, v));

/** A point with `value` mapped by `clip`, keeping the true value in `raw` when the cap changed it. */
function clipped(time: number, value: number, clip: ((value: number) => number) | undefined): ChartPoint {
  if (!clip) return { time, value };
  const shown = clip(value);
  return shown === value ? { time, value } : { time, value: shown, raw: value };
}

/** Epoch ms to chart seconds; charts need whole, strictly rising times (sampling is 1 s). */
export const toChartTime = (ms: number): number => Math.floor(ms / 1000);

/**
 * The history of one series as chart points: the bucket average (the line
 * through a downsampled range), a gap where the bucket had no value, times
 * strictly rising (a bucket landing on the same second as the one before is dropped).
 */
export function historyPoints(response: SeriesResponse, series: string, clip?: (value: number) => number): ChartPoint[] {
  const points: ChartPoint[] = [];
  let last = -Infinity;
  for (const p of response.points) {
    const time = toChartTime(p.time);
    if (time <= last) continue;
    last = time;
    const stats = p.values[series];
    const value = response.bucketMs <= 1000 ? (stats?.last ?? stats?.avg) : stats?.avg;
    points.push(value === null || value === undefined || !Number.isFinite(value) ? { time } : clipped(time, value, clip));
  }
  return points;
}

/** The point a live row adds to a line, or null when it is not newer than `lastTime` (seconds). */
export function livePoint(row: OverviewRow, line: LineDef, lastTime: number): ChartPoint | null {
  const time = toChartTime(row.time);
  if (time <= lastTime) return null;
  const value = line.live(row);
  return value === null || value === undefined || !Number.isFinite(value) ? { time } : clipped(time, value, line.clip);
}
