import type { AlertHistoryRow, AlertView } from '../../../../shared/contract';
import type { Severity } from '../../../../shared/core/model';

/** The History's filters, as the request sends them. */
export interface HistoryFilter {
  readonly venue: string;
  readonly severity: '' | Severity;
  readonly state: '' | 'pending' | 'firing' | 'resolved';
}

const worse = (a: Severity, b: Severity): Severity => (a === 'critical' || b === 'critical' ? 'critical' : 'warning');

/** A history row as the live alert now stands: the database lags the engine by a write, the screen must not. */
export function liveRow(alert: AlertView, row?: AlertHistoryRow): AlertHistoryRow {
  const ack = alert.acknowledged;
  return {
    id: alert.id,
    key: alert.key,
    instrumentId: alert.instrumentId,
    venue: alert.venue,
    metric: alert.metric,
    rule: alert.rule,
    state: alert.state,
    cancelled: alert.state === 'resolved' && alert.firedAt === null,
    severity: alert.severity,
    peakSeverity: row ? worse(row.peakSeverity, alert.severity) : alert.severity,
    openedAt: alert.openedAt,
    firedAt: alert.firedAt,
    resolvedAt: alert.resolvedAt,
    value: alert.value,
    zscore: alert.zscore,
    threshold: alert.threshold,
    ackBy: ack?.by ?? null,
    ackAt: ack?.time ?? null,
    ackNote: ack?.note ?? null,
    detail: alert.detail ?? row?.detail ?? null,
    peakValue: alert.peakValue ?? row?.peakValue ?? null,
    peakZscore: alert.peakZscore ?? row?.peakZscore ?? null,
    openValue: alert.openValue ?? row?.openValue ?? null,
    openZscore: alert.openZscore ?? row?.openZscore ?? null,
    assignee: alert.assignee !== undefined ? alert.assignee : (row?.assignee ?? null),
    notes: alert.notes ?? row?.notes ?? 0,
  };
}

function matches(row: AlertHistoryRow, filter: HistoryFilter): boolean {
  if (filter.venue && row.venue !== filter.venue) return false;
  if (filter.severity && row.peakSeverity !== filter.severity) return false;
  return !filter.state || row.state === filter.state;
}

/**
 * The rows read from the database with every alert this session has seen
 * laid over them (state, acknowledgement, case, peak), and the alerts seen
 * since that the read did not have, newest first, through the same filters.
 */
export function mergeLiveHistory(rows: readonly AlertHistoryRow[], seen: Readonly<Record<string, AlertView>>, filter: HistoryFilter): AlertHistoryRow[] {
  const known = new Set<string>();
  const out: AlertHistoryRow[] = [];
  for (const row of rows) {
    known.add(row.id);
    const alert = seen[row.id];
    out.push(alert ? liveRow(alert, row) : row);
  }
  for (const alert of Object.values(seen)) if (!known.has(alert.id)) out.push(liveRow(alert));
  return out.filter((r) => matches(r, filter)).sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
