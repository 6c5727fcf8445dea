import { useEffect, useState, type RefObject } from 'react';
import {
  type AutoscaleInfo,
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  type ISeriesApi,
  type LineData,
  type SeriesMarker,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import type { OverviewRow } from '../../../../shared/contract';
import { formatNotional } from '../../format/format';
import { alertMarkers, type AlertMarker } from '../../model/alert-markers';
import { historyPoints, livePoint, toChartTime, type ChartPoint, type LineDef } from '../../model/chart-series';
import { CHART_THEME, lineColor, SEVERITY_COLORS } from '../../model/palette';
import type { ThresholdLine } from '../../model/threshold-lines';
import { pointsFor, resolveRange, type TimeRange } from '../../model/time-range';
import { consoleNow } from '../../store/selectors';
import type { ConsoleState } from '../../store/types';
import { useClient, useStoreApi } from '../context';

export interface LineChartConfig {
  readonly container: RefObject<HTMLDivElement | null>;
  readonly rowKey: string | null;
  /** Memoize: a new array rebuilds the chart. */
  readonly lines: readonly LineDef[];
  /** Memoize too. Lines whose `metric` is a line's `ruleMetric` go on that line; others (sigma bars) on the first. */
  readonly thresholds: readonly ThresholdLine[];
  readonly range: TimeRange;
  /** Price-axis labels: depth in compact notional, the rest with two decimals. */
  readonly valueFormat?: 'notional' | 'decimal';
}

type Point = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

const toPoint = (p: ChartPoint): Point =>
  p.value === undefined ? { time: p.time as UTCTimestamp } : { time: p.time as UTCTimestamp, value: p.value };

/**
 * A lightweight-charts line chart for one instrument: history from `series`
 * (downsampled by the engine), then, for ranges that end now, extended
 * sample by sample straight from the store's rows with `series.update()`:
 * live ticks never pass through React. Rebuilt when the instrument, range,
 * lines or data epoch (snapshot reload) change. Returns a load error to show.
 */
export function useLineChart(config: LineChartConfig): string | null {
  const { container, rowKey, lines, thresholds, range, valueFormat = 'decimal' } = config;
  const store = useStoreApi();
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(() => store.getState().dataEpoch);

  // The data epoch changes rarely (snapshot reloads); following it through state keeps the chart effect's deps honest.
  useEffect(() => store.subscribe((s, prev) => void (s.dataEpoch !== prev.dataEpoch && setEpoch(s.dataEpoch))), [store]);

  useEffect(() => {
    const el = container.current;
    if (!el || rowKey === null) return;
    setError(null);
    const chart = createChart(el, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: CHART_THEME.background }, textColor: CHART_THEME.text, fontSize: 10, attributionLogo: false },
      grid: { vertLines: { color: CHART_THEME.grid }, horzLines: { color: CHART_THEME.grid } },
      rightPriceScale: { borderColor: CHART_THEME.border },
      timeScale: { borderColor: CHART_THEME.border, timeVisible: true, secondsVisible: true },
      crosshair: { mode: 0 },
    });
    const series: ISeriesApi<'Line', UTCTimestamp>[] = lines.map(
      (line, index) =>
        chart.addSeries(LineSeries, {
          color: lineColor(line.color),
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: true,
          // Thresholds are the point of the chart: keep them in view even when the values are far from them.
          autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => includeLevels(original(), levelsOf(index)),
          priceFormat: valueFormat === 'notional' ? { type: 'custom', formatter: formatNotional, minMove: 1 } : { type: 'price', precision: 3, minMove: 0.001 },
        }) as ISeriesApi<'Line', UTCTimestamp>,
    );
    function levelsOf(index: number): number[] {
      return thresholds.filter((t) => Math.max(0, lines.findIndex((l) => l.ruleMetric === t.metric)) === index).map((t) => t.value);
    }
    for (const t of thresholds) {
      const at = Math.max(0, lines.findIndex((l) => l.ruleMetric === t.metric));
      series[at]?.createPriceLine({
        price: t.value,
        color: SEVERITY_COLORS[t.severity],
        lineWidth: 1,
        lineStyle: t.severity === 'critical' ? LineStyle.Dashed : LineStyle.Dotted,
        axisLabelVisible: true,
        title: t.rule,
      });
    }

    // Where the instrument's alerts fired and resolved, on the line of their metric: live and replay alike (the alerts the session saw).
    const markers = series.map((s) => createSeriesMarkers(s, []));
    let markedFrom: unknown = null;
    const mark = (seen: ConsoleState['seen']): void => {
      if (seen === markedFrom) return;
      markedFrom = seen;
      const all = alertMarkers(Object.values(seen), rowKey, lines);
      markers.forEach((m, i) => m.setMarkers(all.filter((a) => a.line === i).map(toMarker)));
    };

    let lastTime = -Infinity;
    let loaded = false;
    let disposed = false;
    const push = (row: OverviewRow | undefined): void => {
      if (!row) return;
      const points = lines.map((line) => livePoint(row, line, lastTime));
      if (points[0] === null) return;
      points.forEach((p, i) => p && series[i]!.update(toPoint(p)));
      lastTime = toChartTime(row.time);
    };

    const { from, to, live } = resolveRange(range, consoleNow(store.getState(), Date.now()));
    client
      .series({ key: rowKey, metrics: lines.map((l) => l.series), from, to, maxPoints: pointsFor(range) })
      .then((response) => {
        if (disposed) return;
        lines.forEach((line, i) => {
          const points = historyPoints(response, line.series, line.clip);
          series[i]!.setData(points.map(toPoint));
          const end = points[points.length - 1];
          if (end) lastTime = Math.max(lastTime, end.time);
        });
      })
      .catch((e: unknown) => {
        if (!disposed) setError(`history unavailable: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        if (disposed) return;
        loaded = true;
        if (live) push(store.getState().rows[rowKey]);
        mark(store.getState().seen);
        try {
          if (range.kind === 'centred') chart.timeScale().setVisibleRange({ from: toChartTime(from) as UTCTimestamp, to: toChartTime(to) as UTCTimestamp });
          else chart.timeScale().fitContent();
        } catch {
          // an empty chart has no range to set; the first live point will give it one
        }
      });

    const unsubscribe = store.subscribe((s, prev) => {
      if (!loaded) return;
      const row = s.rows[rowKey];
      if (live && row !== prev.rows[rowKey]) push(row);
      if (s.seen !== prev.seen) mark(s.seen);
    });
    return () => {
      disposed = true;
      unsubscribe();
      chart.remove();
    };
  }, [container, rowKey, lines, thresholds, range, valueFormat, epoch, store, client]);

  return error;
}

const MARKER_SHAPES = { fired: 'arrowDown', pending: 'circle', resolved: 'square' } as const;

function toMarker(m: AlertMarker): SeriesMarker<UTCTimestamp> {
  return {
    time: m.time as UTCTimestamp,
    position: m.kind === 'resolved' ? 'belowBar' : 'aboveBar',
    shape: MARKER_SHAPES[m.kind],
    color: m.kind === 'resolved' ? CHART_THEME.text : SEVERITY_COLORS[m.severity],
    text: m.text,
  };
}

/** Widens an autoscale range to include `levels`; no data keeps no range (the chart stays empty, not scaled to a line alone). */
function includeLevels(info: AutoscaleInfo | null, levels: readonly number[]): AutoscaleInfo | null {
  if (info === null || info.priceRange === null || levels.length === 0) return info;
  return {
    ...info,
    priceRange: {
      minValue: Math.min(info.priceRange.minValue, ...levels),
      maxValue: Math.max(info.priceRange.maxValue, ...levels),
    },
  };
}
