import type { Alert, Severity } from '../../../shared/core/model';
import type { LineDef } from './chart-series';
import { toChartTime } from './chart-series';

/** A mark on a chart line where an alert of the instrument fired (or opened, while pending), and where it resolved. */
export interface AlertMarker {
  /** Index of the chart line it sits on: the line of the alert's metric. */
  readonly line: number;
  /** Chart seconds. */
  readonly time: number;
  readonly severity: Severity;
  readonly kind: 'fired' | 'pending' | 'resolved';
  /** Short text beside the mark: the rule. */
  readonly text: string;
}

/**
 * The alert marks of one instrument on a chart's lines: each alert whose
 * metric a line draws (its `ruleMetric`), at the time it fired (opened when
 * it never fired) and the time it resolved; sorted by time, as the chart
 * needs. Alerts of metrics no line draws are left out.
 * @example alertMarkers(alerts, 'okx:BTC-USDT-SWAP', [metricLine('spread_bps', 'spread', 0)])
 */
export function alertMarkers(alerts: Iterable<Alert>, key: string, lines: readonly LineDef[]): AlertMarker[] {
  const out: AlertMarker[] = [];
  for (const alert of alerts) {
    if (alert.key !== key) continue;
    const line = lines.findIndex((l) => l.ruleMetric === alert.metric);
    if (line < 0) continue;
    const start = alert.firedAt ?? alert.openedAt;
    out.push({ line, time: toChartTime(start), severity: alert.severity, kind: alert.firedAt === null ? 'pending' : 'fired', text: alert.rule });
    if (alert.resolvedAt !== null) out.push({ line, time: toChartTime(alert.resolvedAt), severity: alert.severity, kind: 'resolved', text: 'resolved' });
  }
  return out.sort((a, b) => a.time - b.time || a.line - b.line);
}

/** A span of chart time when an alert of the chart's metrics was open (pending or firing), to shade by severity. */
export interface AlertEpisode {
  /** Chart seconds, inclusive. */
  readonly from: number;
  readonly to: number;
  readonly severity: Severity;
  /** Still open at `now`: the span ends at now and grows. */
  readonly open: boolean;
  /** Rules of the alerts merged into the span. */
  readonly rules: readonly string[];
}

/** The metric a chart line watches: its rule metric, or the metric of a `z_<metric>` line. */
export const lineMetric = (line: LineDef): string => line.ruleMetric ?? line.series.replace(/^z_/, '');

/**
 * When the instrument's alerts on the chart's metrics were open: from
 * opening (pending counts, the desk saw it) to resolution, or to `now`
 * (ms) while still open; clipped to [fromMs, toMs]; spans of one severity
 * that overlap or touch are merged; sorted by start, warnings first at a
 * tie (drawn under criticals).
 * @example alertEpisodes(alerts, 'okx:BTC-USDT-SWAP', lines, Date.now())
 */
export function alertEpisodes(
  alerts: Iterable<Alert>,
  key: string,
  lines: readonly LineDef[],
  now: number,
  fromMs = -Infinity,
  toMs = Infinity,
): AlertEpisode[] {
  const metrics = new Set(lines.map(lineMetric));
  const raw: { from: number; to: number; severity: Severity; open: boolean; rule: string }[] = [];
  for (const alert of alerts) {
    if (alert.key !== key || !metrics.has(alert.metric)) continue;
    const end = alert.resolvedAt ?? now;
    const start = Math.max(alert.openedAt, fromMs);
    const stop = Math.min(end, toMs);
    if (stop < start) continue;
    raw.push({ from: toChartTime(start), to: toChartTime(stop), severity: alert.severity, open: alert.resolvedAt === null, rule: alert.rule });
  }
  raw.sort((a, b) => (a.severity === b.severity ? a.from - b.from : a.severity === 'warning' ? -1 : 1));
  const out: { from: number; to: number; severity: Severity; open: boolean; rules: string[] }[] = [];
  for (const e of raw) {
    const last = out[out.length - 1];
    if (last && last.severity === e.severity && e.from <= last.to + 1) {
      last.to = Math.max(last.to, e.to);
      last.open ||= e.open;
      if (!last.rules.includes(e.rule)) last.rules.push(e.rule);
    } else out.push({ from: e.from, to: e.to, severity: e.severity, open: e.open, rules: [e.rule] });
  }
  return out.sort((a, b) => a.from - b.from || (a.severity === b.severity ? 0 : a.severity === 'warning' ? -1 : 1));
}
