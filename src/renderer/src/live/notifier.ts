import type { Alert, AlertEvent } from '../../../shared/core/model';
import type { ClientKind } from '../api/connection';

/**
 * Desktop notifications for `notify` events in the browser. The engine's
 * notification policy already chose what to show (critical only by default,
 * at most one per interval), so every event is shown once permission was
 * given. In Electron the main process notifies: nothing here, no duplicates.
 */
export function createNotifier(kind: ClientKind): (alert: Alert, event: AlertEvent, afterSilence?: string) => void {
  return (alert, event, afterSilence) => {
    if (kind !== 'browser' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const title = `${alert.severity === 'critical' ? 'CRITICAL' : 'Warning'}: ${alert.instrumentId} ${alert.venue}`;
    const value = event.value === null ? '' : ` ${event.value.toFixed(2)} vs ${event.threshold}`;
    // The tag folds repeated transitions of one alert into one notification.
    const held = afterSilence === undefined ? '' : `still firing after silence ${afterSilence} ended: `;
    new Notification(title, { body: `${held}${alert.rule}${value} (${event.kind})`, tag: alert.id });
  };
}
