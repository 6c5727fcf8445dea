import type { Config } from '../../shared/config';
import type { Alert, AlertEvent } from '../../shared/core/model';
import { createNotificationPolicy } from '../../shared/notification-policy';

/** One alert transition to raise as a desktop notification (a `notify` event). */
export interface Notification {
  readonly alert: Alert;
  readonly event: AlertEvent;
}

/** Decides which live alert transitions become `notify` events. */
export type NotificationPolicy = (events: readonly AlertEvent[], alertOf: (id: string) => Alert | undefined) => Notification[];

/**
 * The shared desktop policy (src/shared/notification-policy.ts) over
 * features.yaml `notifications`, on the wall clock. Its over-budget summary
 * has no `notify` shape in the contract, so over budget means not notified
 * (the alert is still in the console's alert list).
 */
export function defaultNotificationPolicy(settings: Config['features']['notifications']): NotificationPolicy {
  const policy = createNotificationPolicy(settings);
  return (events, alertOf) => {
    const now = Date.now();
    policy.tick(now);
    const out: Notification[] = [];
    for (const event of events) {
      const alert = alertOf(event.alertId);
      if (alert && policy.offer(alert, event, now).kind === 'show') out.push({ alert, event });
    }
    return out;
  };
}
