import type { InstrumentStatus, OverviewRow } from '../../../shared/contract';
import type { Alert, MetricName, Severity } from '../../../shared/core/model';
import { STATUS_LABEL } from './overview-columns';

/**
 * How a cell of the overview is marked: a rule on its metric firing (filled
 * with the severity's colour) or pending (persistence not met yet: outlined,
 * italic), the most severe of that level; null when nothing is under way.
 */
export interface CellMark {
  readonly level: 'firing' | 'pending';
  readonly severity: Severity;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { critical: 0, warning: 1 };

function worse(a: Severity | null, b: Severity): Severity {
  return a === null || SEVERITY_ORDER[b] < SEVERITY_ORDER[a] ? b : a;
}

/**
 * Where an instrument's alerting stands on the given metrics (all of them
 * when `metrics` is null): the worst severity firing and the worst pending.
 * Reads both the row's rule statuses (`active` fires, `pending` waits for its
 * persistence) and the open alerts of the instrument: a brief row comes with
 * no rules, and an alert outlives its condition by the clear time.
 */
export function alertLevels(
  row: Pick<OverviewRow, 'rules'>,
  alerts: readonly Pick<Alert, 'metric' | 'state' | 'severity'>[],
  metrics: readonly MetricName[] | null,
): { readonly firing: Severity | null; readonly pending: Severity | null } {
  let firing: Severity | null = null;
  let pending: Severity | null = null;
  const wanted = (metric: MetricName): boolean => metrics === null || metrics.includes(metric);
  for (const rule of row.rules) {
    if (!wanted(rule.metric)) continue;
    if (rule.kind === 'active') firing = worse(firing, rule.severity);
    else if (rule.kind === 'pending') pending = worse(pending, rule.severity);
  }
  for (const alert of alerts) {
    if (!wanted(alert.metric)) continue;
    if (alert.state === 'firing') firing = worse(firing, alert.severity);
    else if (alert.state === 'pending') pending = worse(pending, alert.severity);
  }
  return { firing, pending };
}

/** The mark of a cell showing `metrics`: firing wins over pending, critical over warning within a level. */
export function cellMark(
  row: Pick<OverviewRow, 'rules'>,
  alerts: readonly Pick<Alert, 'metric' | 'state' | 'severity'>[],
  metrics: readonly MetricName[],
): CellMark | null {
  if (metrics.length === 0) return null;
  const { firing, pending } = alertLevels(row, alerts, metrics);
  if (firing !== null) return { level: 'firing', severity: firing };
  if (pending !== null) return { level: 'pending', severity: pending };
  return null;
}

/** CSS classes of a marked cell. */
export function cellMarkClass(mark: CellMark | null): string {
  if (mark === null) return '';
  return mark.level === 'firing' ? `sev-${mark.severity}` : `sev-pending sev-pending-${mark.severity}`;
}

/** What the State cell shows: the row's status, or PENDING (with the pending severity) for an instrument with an alert waiting on its persistence. */
export interface StateView {
  readonly status: InstrumentStatus | 'pending';
  readonly label: string;
  /** For `pending`: the worst severity pending. */
  readonly severity: Severity | null;
}

/**
 * The State of a row: a firing alert (from the row, or from the alerts when
 * they are ahead of it) shows CRIT or WARN; else a pending one shows PENDING
 * ahead of book and warmup states, in the order "problems first" ranks them.
 */
export function stateView(row: Pick<OverviewRow, 'rules' | 'status'>, alerts: readonly Pick<Alert, 'metric' | 'state' | 'severity'>[]): StateView {
  const { firing, pending } = alertLevels(row, alerts, null);
  if (row.status === 'critical' || firing === 'critical') return { status: 'critical', label: STATUS_LABEL.critical, severity: null };
  if (row.status === 'warning' || firing === 'warning') return { status: 'warning', label: STATUS_LABEL.warning, severity: null };
  if (pending !== null) return { status: 'pending', label: 'PENDING', severity: pending };
  return { status: row.status, label: STATUS_LABEL[row.status], severity: null };
}

const EMPTY: readonly Alert[] = [];
let indexed: Readonly<Record<string, Alert>> | null = null;
let byKey = new Map<string, Alert[]>();

/**
 * The open alerts of one instrument. Indexed once per alert set (the store
 * replaces `active` on every change), so each overview row asks in O(1); the
 * same alert objects come back until they change, for shallow comparison.
 */
export function alertsOfKey(active: Readonly<Record<string, Alert>>, key: string): readonly Alert[] {
  if (indexed !== active) {
    byKey = new Map();
    for (const alert of Object.values(active)) {
      const list = byKey.get(alert.key);
      if (list) list.push(alert);
      else byKey.set(alert.key, [alert]);
    }
    indexed = active;
  }
  return byKey.get(key) ?? EMPTY;
}
