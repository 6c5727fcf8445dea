/**
 * Which alert transitions become desktop notifications, and how many. Pure:
 * the caller passes the time in (the Electron main process uses its wall
 * clock, not the alert's frame time, because a replay at full speed would
 * otherwise compress hours of alerts into one "minute" of the budget).
 *
 * Rules, in the order they are applied:
 * 1. only `firing` and `escalated` transitions notify (an alert that starts
 *    firing or becomes critical needs a supervisor; the rest is in the console);
 * 2. per severity: `features.notifications.critical` / `.warning`;
 * 3. per instrument: a deny list, then an allow list (empty means every
 *    instrument), matched on the canonical id (`BTC-USDT-PERP`) or the key
 *    (`okx:BTC-USDT-SWAP`);
 * 4. per alert: at most once per `minIntervalSeconds`, so a flapping alert
 *    does not ping every time it re-escalates;
 * 5. globally: at most `maxPerMinute` notifications in any 60 s; the alerts
 *    over that budget are counted and reported together in one summary
 *    ("12 more critical alerts"), a minute after the first of them, so a
 *    storm costs the desktop `maxPerMinute` + 1 notifications a minute.
 */
import type { Alert, AlertEvent, Severity } from './core/model';

/** features.notifications plus the filters and budget the desktop adds. */
export interface NotificationSettings {
  readonly critical: boolean;
  readonly warning: boolean;
  /** Minimum gap between two notifications for the same alert; 0 disables the limit. */
  readonly minIntervalSeconds: number;
  /** Instruments (canonical id or `venue:symbol` key) that may notify; empty or absent: all. */
  readonly allowInstruments?: readonly string[];
  /** Instruments that never notify; wins over the allow list. */
  readonly denyInstruments?: readonly string[];
  /** Individual notifications in any 60 s before the rest are summarized; default 5. */
  readonly maxPerMinute?: number;
}

/** Default global budget: enough to notice a storm, few enough not to bury the desktop. */
export const DEFAULT_MAX_NOTIFICATIONS_PER_MINUTE = 5;

/** The budget window and the summary cadence. */
const MINUTE_MS = 60_000;

/** What the desktop should show. */
export type DesktopNotice =
  | {
      readonly kind: 'alert';
      readonly title: string;
      readonly body: string;
      readonly alertId: string;
      readonly severity: Severity;
    }
  | {
      readonly kind: 'summary';
      readonly title: string;
      readonly body: string;
      readonly alertId: null;
      /** Alerts over the budget this summary stands for. */
      readonly count: number;
    };

/** Why an offered transition was not shown on its own. */
export type SuppressReason = 'transition' | 'severity' | 'instrument' | 'interval' | 'budget';

export type OfferResult =
  | { readonly kind: 'show'; readonly notice: DesktopNotice }
  | { readonly kind: 'suppress'; readonly reason: SuppressReason };

/** The stateful policy; one per desktop session. */
export interface NotificationPolicy {
  /** One alert transition (from a `ConsoleEvent` of type `alerts`) at wall time `now` (ms). */
  offer(alert: Alert, event: AlertEvent, now: number): OfferResult;
  /** Called every few seconds: the summary of alerts over the budget, once it is due. */
  tick(now: number): DesktopNotice | null;
}

/**
 * Creates the policy.
 *
 * @example
 * const policy = createNotificationPolicy({ critical: true, warning: false, minIntervalSeconds: 30 });
 * const result = policy.offer(alert, event, Date.now());
 * if (result.kind === 'show') show(result.notice);
 */
export function createNotificationPolicy(settings: NotificationSettings): NotificationPolicy {
  const allow = new Set(settings.allowInstruments ?? []);
  const deny = new Set(settings.denyInstruments ?? []);
  const intervalMs = Math.max(0, settings.minIntervalSeconds) * 1000;
  const budget = Math.max(1, Math.floor(settings.maxPerMinute ?? DEFAULT_MAX_NOTIFICATIONS_PER_MINUTE));
  /** Last time each alert was shown or counted into a summary. */
  const lastOffered = new Map<string, number>();
  /** Times of the individual notifications shown in the last minute, oldest first. */
  let shown: number[] = [];
  /** Alerts over the budget not yet summarized, by severity; the batch starts at `overflowSince`. */
  const overflow: Record<Severity, number> = { critical: 0, warning: 0 };
  let overflowSince: number | null = null;

  const instrumentAllowed = (alert: Alert): boolean => {
    if (deny.has(alert.instrumentId) || deny.has(alert.key)) return false;
    return allow.size === 0 || allow.has(alert.instrumentId) || allow.has(alert.key);
  };

  return {
    offer(alert, event, now) {
      if (event.kind !== 'firing' && event.kind !== 'escalated') return suppress('transition');
      if (!(event.severity === 'critical' ? settings.critical : settings.warning)) return suppress('severity');
      if (!instrumentAllowed(alert)) return suppress('instrument');
      const last = lastOffered.get(alert.id);
      if (last !== undefined && now - last < intervalMs) return suppress('interval');
      lastOffered.set(alert.id, now);
      shown = shown.filter((t) => now - t < MINUTE_MS);
      if (shown.length >= budget) {
        overflow[event.severity] += 1;
        overflowSince ??= now;
        return suppress('budget');
      }
      shown.push(now);
      return { kind: 'show', notice: alertNotice(alert, event) };
    },
    tick(now) {
      // Forget alerts whose interval has passed: the map stays as small as the recent alerts.
      for (const [id, t] of lastOffered) if (now - t >= intervalMs) lastOffered.delete(id);
      if (overflowSince === null || now - overflowSince < MINUTE_MS) return null;
      const notice = summaryNotice(overflow.critical, overflow.warning);
      overflow.critical = 0;
      overflow.warning = 0;
      overflowSince = null;
      return notice;
    },
  };
}

/**
 * The notice with its title prefixed by a source label, so a simulated alert
 * (demo mode, `SIMULATED`) is never mistaken for a live one; null leaves it as is.
 */
export function labelNotice(notice: DesktopNotice, label: string | null): DesktopNotice {
  return label === null ? notice : { ...notice, title: `[${label}] ${notice.title}` };
}

/**
 * The notice of an alert whose notification a silence had held back, sent
 * once the silence was over and the alert still fired: it says so, because
 * the alert may have begun hours before this notice.
 */
export function afterSilenceNotice(notice: DesktopNotice, silenceId: string | undefined): DesktopNotice {
  return silenceId === undefined ? notice : { ...notice, body: `Still firing after silence ${silenceId} ended. ${notice.body}` };
}

function suppress(reason: SuppressReason): OfferResult {
  return { kind: 'suppress', reason };
}

function alertNotice(alert: Alert, event: AlertEvent): DesktopNotice {
  const level = event.severity === 'critical' ? 'Critical' : 'Warning';
  const what = event.kind === 'escalated' ? `${level} (escalated)` : level;
  const z = event.zscore === null ? '' : `, z ${formatNumber(event.zscore)}`;
  return {
    kind: 'alert',
    title: `${what}: ${alert.instrumentId} ${event.metric}`,
    // A feed alert's number (seconds down, gaps in the window) means little without its words.
    body:
      alert.detail !== undefined
        ? `${alert.key} ${alert.detail} (rule ${event.rule})`
        : `${alert.key} ${formatNumber(event.value)} vs threshold ${formatNumber(event.threshold)}${z} (rule ${event.rule})`,
    alertId: alert.id,
    severity: event.severity,
  };
}

function summaryNotice(critical: number, warning: number): DesktopNotice {
  const count = critical + warning;
  const noun = count === 1 ? 'alert' : 'alerts';
  const title = warning === 0 ? `${count} more critical ${noun}` : critical === 0 ? `${count} more warning ${noun}` : `${count} more ${noun}`;
  const body =
    warning === 0 || critical === 0
      ? 'Not shown one by one to keep the desktop readable; see the console.'
      : `${critical} critical, ${warning} warning; see the console.`;
  return { kind: 'summary', title, body, alertId: null, count };
}

/** Four significant digits: basis points and prices near 1e5 both stay readable. */
function formatNumber(value: number | null): string {
  return value === null ? 'n/a' : String(Number(value.toPrecision(4)));
}
