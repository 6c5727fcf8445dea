import type { AlertCaseEntry, AlertView } from '../../../shared/contract';
import type { AlertEvent, Severity } from '../../../shared/core/model';
import { silenceFor, type Silence } from '../../../shared/silences';
import type { SliceCreator } from './types';

/** How many alerts the session remembers for the replay list (oldest dropped first). */
export const SEEN_LIMIT = 2000;

export interface AlertFilter {
  readonly text: string;
  readonly severity: '' | Severity;
  readonly state: '' | 'pending' | 'firing';
  readonly unackedOnly: boolean;
}

export const EMPTY_ALERT_FILTER: AlertFilter = { text: '', severity: '', state: '', unackedOnly: false };

type Alert = AlertView;

export interface AlertsSlice {
  /** Alerts pending or firing, by id. */
  readonly active: Readonly<Record<string, Alert>>;
  /** Every alert this session saw (latest state), by id, and their ids by first sight. */
  readonly seen: Readonly<Record<string, Alert>>;
  readonly seenOrder: readonly string[];
  readonly alertFilter: AlertFilter;
  /** Silences and maintenance windows the engine keeps (active, pending, recently expired). */
  readonly silences: readonly Silence[];
  /** Case entries added this session, per alert: a case thread on screen re-reads when its count moves. */
  readonly caseCounts: Readonly<Record<string, number>>;
  setAlertFilter(patch: Partial<AlertFilter>): void;
}

export const createAlertsSlice: SliceCreator<AlertsSlice> = (set) => ({
  active: {},
  seen: {},
  seenOrder: [],
  alertFilter: EMPTY_ALERT_FILTER,
  silences: [],
  caseCounts: {},
  setAlertFilter: (patch) => set((s) => ({ alertFilter: { ...s.alertFilter, ...patch } })),
});

/** Counts the case entries of a frame into `counts` (a new object when any). */
export function reduceCaseEntries(counts: Readonly<Record<string, number>>, entries: readonly AlertCaseEntry[]): Readonly<Record<string, number>> {
  if (entries.length === 0) return counts;
  const out: Record<string, number> = { ...counts };
  for (const e of entries) out[e.alertId] = (out[e.alertId] ?? 0) + 1;
  return out;
}

/**
 * The Alerts button's count: the open alerts that need someone (neither
 * acknowledged nor silenced); when none does but some are open, their
 * number, muted. The title says how the open ones split.
 */
export function alertBadge(active: Readonly<Record<string, Alert>>, silences: readonly Silence[], now: number): { readonly text: string; readonly muted: boolean; readonly title: string } | null {
  const all = Object.values(active);
  if (all.length === 0) return null;
  let unhandled = 0;
  let silenced = 0;
  let acked = 0;
  for (const alert of all) {
    if (silenceFor(alert, silences, now) !== null) silenced += 1;
    else if (alert.acknowledged) acked += 1;
    else unhandled += 1;
  }
  const title = `${all.length} open: ${unhandled} unacknowledged, ${acked} acknowledged, ${silenced} silenced`;
  return unhandled > 0 ? { text: String(unhandled), muted: false, title } : { text: String(all.length), muted: true, title };
}

/** An open alert that needs someone: not acknowledged and not silenced. */
export function isUnhandled(alert: Alert, silences: readonly Silence[], now: number): boolean {
  return !alert.acknowledged && silenceFor(alert, silences, now) === null;
}

type AlertState = Pick<AlertsSlice, 'active' | 'seen' | 'seenOrder'>;

/** The alert set of a snapshot: replaces the active alerts, adds to what was seen. */
export function reduceAlertSnapshot(state: AlertState, alerts: readonly Alert[]): AlertState {
  const active: Record<string, Alert> = {};
  for (const alert of alerts) if (alert.state !== 'resolved') active[alert.id] = alert;
  return { active, ...remember(state, alerts) };
}

/**
 * One `alerts` event: `alerts` carry the latest state of the alerts the
 * events touched; a resolved (or cancelled) alert leaves the active set.
 * Applied in order, never coalesced: every transition counts.
 */
export function reduceAlertEvents(state: AlertState, events: readonly AlertEvent[], alerts: readonly Alert[]): AlertState {
  const active: Record<string, Alert> = { ...state.active };
  for (const alert of alerts) {
    if (alert.state === 'resolved') delete active[alert.id];
    else active[alert.id] = alert;
  }
  const updated = new Set(alerts.map((a) => a.id));
  for (const event of events) {
    if ((event.kind === 'resolved' || event.kind === 'cancelled') && !updated.has(event.alertId)) delete active[event.alertId];
  }
  return { active, ...remember(state, alerts) };
}

function remember(state: AlertState, alerts: readonly Alert[]): Pick<AlertState, 'seen' | 'seenOrder'> {
  if (alerts.length === 0) return { seen: state.seen, seenOrder: state.seenOrder };
  const seen: Record<string, Alert> = { ...state.seen };
  let order = state.seenOrder;
  for (const alert of alerts) {
    if (!seen[alert.id]) order = [...order, alert.id];
    seen[alert.id] = alert;
  }
  if (order.length > SEEN_LIMIT) {
    const drop = order.slice(0, order.length - SEEN_LIMIT);
    for (const id of drop) delete seen[id];
    order = order.slice(-SEEN_LIMIT);
  }
  return { seen, seenOrder: order };
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1 };

/**
 * Active alerts to show: filtered, critical first, firing before pending,
 * then oldest first (an alert keeps its place while it lasts), id as the tie-break.
 */
export function visibleAlerts(active: Readonly<Record<string, Alert>>, filter: AlertFilter, silences: readonly Silence[] = [], now = 0): Alert[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return Object.values(active)
    .filter((a) => {
      if (filter.severity && a.severity !== filter.severity) return false;
      if (filter.state && a.state !== filter.state) return false;
      // A silenced alert is not an unacknowledged problem: someone already said so.
      if (filter.unackedOnly && !isUnhandled(a, silences, now)) return false;
      const hay = `${a.key} ${a.instrumentId} ${a.rule} ${a.metric}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) ||
        (a.firedAt ?? a.openedAt) - (b.firedAt ?? b.openedAt) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}
