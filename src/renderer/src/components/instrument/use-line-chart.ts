import { useEffect, useState, type RefObject } from 'react';
import {
  type AutoscaleInfo,
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  MismatchDirection,
  type ISeriesApi,
  type LineData,
  type Logical,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import type { OverviewRow } from '../../../../shared/contract';
import { formatClock } from '../../format/format';
import { alertEpisodes, alertMarkers, type AlertMarker } from '../../model/alert-markers';
import { historyPoints, livePoint, toChartTime, type ChartPoint, type LineDef } from '../../model/chart-series';
import type { ChartUnit } from '../../model/chart-units';
import { CHART_THEME, lineColor, SEVERITY_COLORS } from '../../model/palette';
import { declutterLabels, type ThresholdLine } from '../../model/threshold-lines';
import { gridStepS, pointsFor, rangeCoverage, resolveRange, type TimeRange } from '../../model/time-range';
import { consoleNow } from '../../store/selectors';
import type { ConsoleState } from '../../store/types';
import { useClient, useStoreApi } from '../context';
import { broadcastRange, broadcastTime, joinChartSync, type SyncedChart } from './chart-sync';

export interface LineChartConfig {
  readonly container: RefObject<HTMLDivElement | null>;
  /** Behind the (transparent) canvas: alert episodes and empty parts of the range. */
  readonly shade: RefObject<HTMLDivElement | null>;
  /** Over the canvas: threshold labels, de-cluttered. */
  readonly labels: RefObject<HTMLDivElement | null>;
  /** Under the chart: the crosshair's time and every line's value there. */
  readonly readout: RefObject<HTMLDivElement | null>;
  readonly rowKey: string | null;
  /** Memoize: a new array rebuilds the chart. */
  readonly lines: readonly LineDef[];
  /** Memoize too. Lines whose `metric` is a line's `ruleMetric` go on that line; others (sigma bars) on the first. */
  readonly thresholds: readonly ThresholdLine[];
  readonly range: TimeRange;
  /** The unit and decimals of the panel's values (memoize). */
  readonly unit: ChartUnit;
}

type Point = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

const toPoint = (p: ChartPoint): Point =>
  p.value === undefined
    ? { time: p.time as UTCTimestamp }
    : p.raw === undefined
      ? { time: p.time as UTCTimestamp, value: p.value }
      : { time: p.time as UTCTimestamp, value: p.value, customValues: { raw: p.raw } };

/** Height of a threshold label in px (11 px text, 1 px padding): labels closer than this overlap. */
export const THRESHOLD_LABEL_HEIGHT = 14;

/**
 * A lightweight-charts line chart for one instrument: history from `series`
 * (downsampled by the engine), then, for ranges that end now, extended
 * sample by sample straight from the store's rows with `series.update()`:
 * live ticks never pass through React. The time axis spans the requested
 * range (empty parts labelled), alert episodes are shaded behind the lines,
 * threshold labels never overlap, and the crosshair and visible range are
 * shared with the other panels. Rebuilt when the instrument, range, lines,
 * unit or data epoch (snapshot reload) change. Returns a load error to show.
 */
export function useLineChart(config: LineChartConfig): string | null {
  const { container, shade, labels, readout, rowKey, lines, thresholds, range, unit } = config;
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
      // Transparent: the shading layer behind the canvas shows through, under the lines.
      layout: { background: { type: ColorType.Solid, color: 'rgba(0,0,0,0)' }, textColor: CHART_THEME.text, fontSize: 10, attributionLogo: false },
      grid: { vertLines: { color: CHART_THEME.grid }, horzLines: { color: CHART_THEME.grid } },
      rightPriceScale: { borderColor: CHART_THEME.border },
      // lightweight-charts moves the first time label inside the axis (instead of cutting it in half) only at a fixed
      // left edge: the range starts at its first (whitespace) bar, so the edge is fixed there, and the bars may be
      // as thin as the range needs (the default 0.5 px minimum let a 1 h range of 1,800 bars show only its last 30 min).
      timeScale: { borderColor: CHART_THEME.border, timeVisible: true, secondsVisible: range.spanMs <= 15 * 60_000, fixLeftEdge: true, minBarSpacing: 0.01 },
      localization: { priceFormatter: unit.format, timeFormatter: (t: Time) => formatClock((t as number) * 1000) },
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
          priceFormat: { type: 'custom', formatter: unit.format, minMove: unit.minMove },
        }) as ISeriesApi<'Line', UTCTimestamp>,
    );
    const lineOf = (t: ThresholdLine): number => Math.max(0, lines.findIndex((l) => l.ruleMetric === t.metric));
    function levelsOf(index: number): number[] {
      return thresholds.filter((t) => lineOf(t) === index).map((t) => t.value);
    }
    for (const t of thresholds) {
      series[lineOf(t)]?.createPriceLine({
        price: t.value,
        color: SEVERITY_COLORS[t.severity],
        lineWidth: 1,
        lineStyle: t.severity === 'critical' ? LineStyle.Dashed : LineStyle.Dotted,
        // The labels are drawn apart (see layout), so that close bars do not stack their labels.
        axisLabelVisible: false,
        title: '',
      });
    }

    const { from, to, live } = resolveRange(range, consoleNow(store.getState(), Date.now()));
    const fromS = toChartTime(from);
    const toS = toChartTime(to);
    let empty: { from: number; to: number }[] = [];

    // Where the instrument's alerts fired and resolved, on the line of their metric: live and replay alike (the alerts the session saw).
    const markers = series.map((s) => createSeriesMarkers(s, []));
    let markedFrom: unknown = null;
    const mark = (seen: ConsoleState['seen']): void => {
      if (seen === markedFrom) return;
      markedFrom = seen;
      const all = alertMarkers(Object.values(seen), rowKey, lines);
      markers.forEach((m, i) => m.setMarkers(all.filter((a) => a.line === i).map(toMarker)));
      scheduleLayout();
    };

    // Overlays follow the chart: laid out after every repaint (a primitive's updateAllViews runs on each).
    let frame = 0;
    function scheduleLayout(): void {
      if (frame === 0) frame = requestAnimationFrame(layout);
    }
    series[0]?.attachPrimitive({ updateAllViews: scheduleLayout });
    const xOf = (time: number): number | null => {
      const index = chart.timeScale().timeToIndex(time as UTCTimestamp, true);
      return index === null ? null : chart.timeScale().logicalToCoordinate(index as unknown as Logical);
    };
    function layout(): void {
      frame = 0;
      if (disposed) return;
      const width = chart.timeScale().width();
      const height = chart.paneSize(0).height;
      if (width <= 0 || height <= 0) return;
      const span = (a: number, b: number): { left: number; width: number } | null => {
        const x1 = xOf(a);
        const x2 = xOf(b);
        if (x1 === null || x2 === null) return null;
        const left = Math.max(0, Math.min(width, x1));
        const right = Math.max(0, Math.min(width, x2));
        return right - left >= 1 ? { left, width: right - left } : left < width && right > 0 ? { left: Math.max(0, left - 1), width: 2 } : null;
      };
      const shadeEl = shade.current;
      if (shadeEl) {
        const nowMs = consoleNow(store.getState(), Date.now());
        // A live range grows past the instant the chart was built (`to` then): clipping there hid every alert opened since.
        const episodes = alertEpisodes(Object.values(store.getState().seen), rowKey!, lines, live ? nowMs : to, from, live ? nowMs : to);
        const nodes: HTMLElement[] = [];
        for (const e of episodes) {
          const s = span(e.from, e.to);
          if (!s) continue;
          const div = document.createElement('div');
          div.className = `chart-episode sev-${e.severity}`;
          div.setAttribute('data-testid', 'alert-episode');
          div.dataset.severity = e.severity;
          div.dataset.open = String(e.open);
          div.title = `${e.severity}: ${e.rules.join(', ')} ${formatClock(e.from * 1000)}–${e.open ? 'open' : formatClock(e.to * 1000)}`;
          Object.assign(div.style, { left: `${s.left}px`, width: `${s.width}px`, height: `${height}px`, background: `${SEVERITY_COLORS[e.severity]}38` });
          nodes.push(div);
        }
        for (const gap of empty) {
          const s = span(gap.from, gap.to);
          if (!s || s.width < 30) continue;
          const div = document.createElement('div');
          div.className = 'chart-empty';
          div.setAttribute('data-testid', 'chart-empty');
          div.textContent = `no data ${formatClock(gap.from * 1000)}–${formatClock(gap.to * 1000)}`;
          Object.assign(div.style, { left: `${s.left}px`, width: `${s.width}px`, height: `${height}px` });
          nodes.push(div);
        }
        shadeEl.replaceChildren(...nodes);
      }
      const labelEl = labels.current;
      if (labelEl) {
        const shown = declutterLabels(
          thresholds.map((t) => ({ line: t, y: series[lineOf(t)]?.priceToCoordinate(t.value) ?? null })).filter((l) => l.y !== null && l.y >= 0 && l.y <= height),
          THRESHOLD_LABEL_HEIGHT,
        );
        labelEl.replaceChildren(
          ...shown.map((l) => {
            const div = document.createElement('div');
            div.className = `threshold-label sev-${l.line.severity}`;
            div.setAttribute('data-testid', 'threshold-label');
            div.dataset.severity = l.line.severity;
            div.textContent = `${l.line.rule} ${unit.format(l.line.value)}${l.hidden.length ? ` +${l.hidden.length}` : ''}`;
            div.title = [l.line, ...l.hidden].map((h) => `${h.severity} ${h.rule} ${unit.format(h.value)}`).join('\n');
            Object.assign(div.style, { top: `${l.y - THRESHOLD_LABEL_HEIGHT / 2}px`, right: `${chart.priceScale('right').width() + 4}px`, color: SEVERITY_COLORS[l.line.severity] });
            return div;
          }),
        );
      }
    }

    // The crosshair readout: every line's value at a time, the true z past the display cap.
    function showReadout(time: number | null): void {
      const el = readout.current;
      if (!el) return;
      if (time === null) {
        el.replaceChildren();
        el.dataset.time = '';
        return;
      }
      const index = chart.timeScale().timeToIndex(time as UTCTimestamp, true);
      const items: HTMLElement[] = [];
      const head = document.createElement('span');
      head.className = 'readout-time';
      head.textContent = formatClock(time * 1000);
      items.push(head);
      lines.forEach((line, i) => {
        const d = index === null ? null : (series[i]!.dataByIndex(index, MismatchDirection.NearestLeft) as Partial<LineData> | null);
        const value = typeof d?.value === 'number' ? d.value : undefined;
        const raw = d?.customValues?.raw;
        const span = document.createElement('span');
        span.className = 'readout-item';
        span.setAttribute('data-testid', 'readout-item');
        span.dataset.series = line.series;
        const text = value === undefined ? '–' : unit.format(typeof raw === 'number' ? raw : value);
        span.textContent = `${line.label} ${text}${typeof raw === 'number' && line.cap !== undefined ? ` (drawn at ±${line.cap}σ)` : ''}`;
        span.style.color = lineColor(line.color);
        items.push(span);
      });
      el.replaceChildren(...items);
      el.dataset.time = String(time);
    }

    let userUntil = 0;
    const touched = (): void => void (userUntil = performance.now() + 600);
    el.addEventListener('wheel', touched, { passive: true });
    el.addEventListener('pointerdown', touched);
    el.addEventListener('pointermove', (e) => e.buttons !== 0 && touched());

    let applyingRange = false;
    const synced: SyncedChart = {
      showTime(time) {
        showReadout(time);
        const s = series[0];
        if (time === null || !s) return chart.clearCrosshairPosition();
        const index = chart.timeScale().timeToIndex(time as UTCTimestamp, true);
        const d = index === null ? null : (s.dataByIndex(index, MismatchDirection.NearestLeft) as Partial<LineData> | null);
        chart.setCrosshairPosition(typeof d?.value === 'number' ? d.value : 0, time as UTCTimestamp, s as unknown as ISeriesApi<'Line'>);
      },
      showRange(r) {
        applyingRange = true;
        try {
          chart.timeScale().setVisibleRange({ from: r.from as UTCTimestamp, to: r.to as UTCTimestamp });
        } catch {
          // a chart with no data yet has no range
        } finally {
          applyingRange = false;
        }
      },
    };
    const leave = joinChartSync(synced);
    const onCrosshair = (p: MouseEventParams<Time>): void => {
      // A programmatic crosshair (another panel's) has no source event: it must not echo back.
      if (!p.sourceEvent && p.point !== undefined) return;
      const time = p.time === undefined ? null : (p.time as number);
      showReadout(time);
      broadcastTime(synced, time);
    };
    chart.subscribeCrosshairMove(onCrosshair);
    const onRange = (r: { from: Time; to: Time } | null): void => {
      scheduleLayout();
      if (r && !applyingRange && performance.now() < userUntil) broadcastRange(synced, { from: r.from as number, to: r.to as number });
    };
    chart.timeScale().subscribeVisibleTimeRangeChange(onRange);

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

    client
      .series({ key: rowKey, metrics: lines.map((l) => l.series), from, to, maxPoints: pointsFor(range) })
      .then((response) => {
        if (disposed) return;
        const history = lines.map((line) => historyPoints(response, line.series, line.clip));
        let dataEnd = -Infinity;
        for (const points of history) {
          const end = points[points.length - 1];
          if (end) dataEnd = Math.max(dataEnd, end.time);
        }
        // The requested range, with its empty parts as whitespace: live ranges up to the last sample (live ones follow).
        const times = [...new Set(history.flatMap((p) => p.filter((q) => q.value !== undefined).map((q) => q.time)))].sort((a, b) => a - b);
        const step = Math.max(gridStepS(range), Math.round(response.bucketMs / 1000));
        const coverage = rangeCoverage(times, fromS, live ? Math.max(dataEnd, fromS) : toS, step);
        empty = live ? [...coverage.empty, ...rangeCoverage(times, fromS, toS, step).empty.filter((e) => e.from >= dataEnd)] : coverage.empty;
        history.forEach((points, i) => {
          const data = i === 0 ? mergeWhitespace(points, coverage.whitespace) : points;
          series[i]!.setData(data.map(toPoint));
          const end = data[data.length - 1];
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
          // The range the button asked for, not the data's extent (Grafana's choice; docs/charts.md).
          chart.timeScale().setVisibleRange({ from: fromS as UTCTimestamp, to: Math.max(fromS + 1, live ? lastTime : toS) as UTCTimestamp });
        } catch {
          // an empty chart has no range to set; the first live point will give it one
        }
        scheduleLayout();
      });

    const unsubscribe = store.subscribe((s, prev) => {
      if (!loaded) return;
      const row = s.rows[rowKey];
      if (live && row !== prev.rows[rowKey]) push(row);
      if (s.seen !== prev.seen) mark(s.seen);
    });
    return () => {
      disposed = true;
      if (frame !== 0) cancelAnimationFrame(frame);
      leave();
      unsubscribe();
      el.removeEventListener('wheel', touched);
      el.removeEventListener('pointerdown', touched);
      chart.remove();
      shade.current?.replaceChildren();
      labels.current?.replaceChildren();
      readout.current?.replaceChildren();
    };
  }, [container, shade, labels, readout, rowKey, lines, thresholds, range, unit, epoch, store, client]);

  return error;
}

/** Data points and whitespace times, merged by time (whitespace never lands on a data time: rangeCoverage fills gaps only). */
function mergeWhitespace(points: readonly ChartPoint[], whitespace: readonly number[]): ChartPoint[] {
  if (whitespace.length === 0) return [...points];
  const have = new Set(points.map((p) => p.time));
  return [...points, ...whitespace.filter((t) => !have.has(t)).map((time) => ({ time }))].sort((a, b) => a.time - b.time);
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
