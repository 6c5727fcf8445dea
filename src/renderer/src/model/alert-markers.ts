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
