/**
 * Desktop notifications: the engine's `notify` events (live alerts only;
 * a replay on screen never notifies) go through the notification policy
 * (src/shared/notification-policy.ts) and the survivors become native
 * notifications. Clicking one focuses the console on that alert.
 */
import { Notification } from 'electron';
import type { ConsoleApi } from '../shared/contract';
import { afterSilenceNotice, createNotificationPolicy, labelNotice, type DesktopNotice, type NotificationSettings } from '../shared/notification-policy';

export interface DesktopNotifierOptions {
  readonly api: ConsoleApi;
  readonly settings: NotificationSettings;
  /** Title prefix (`SIMULATED` in demo mode), or null. */
  readonly label: string | null;
  /** A notification was clicked: its alert id, or null for a summary. */
  readonly onClick: (alertId: string | null) => void;
  readonly log: (message: string) => void;
}

/** How often a due summary is looked for. */
const TICK_MS = 5_000;
/**
 * Notifications kept referenced until closed or clicked: one that is garbage
 * collected loses its click handler. Bounded so a never-closed pile cannot grow.
 */
const MAX_KEPT = 50;

/** Starts listening; returns the stop. */
export function startDesktopNotifier(options: DesktopNotifierOptions): () => void {
  if (!Notification.isSupported()) {
    options.log('desktop notifications are not supported on this system');
    return () => undefined;
  }
  const policy = createNotificationPolicy(options.settings);
  const kept = new Set<Notification>();

  const show = (notice: DesktopNotice): void => {
    const labelled = labelNotice(notice, options.label);
    const critical = notice.kind === 'summary' || notice.severity === 'critical';
    const notification = new Notification({ title: labelled.title, body: labelled.body, urgency: critical ? 'critical' : 'normal' });
    const forget = (): void => {
      kept.delete(notification);
    };
    notification.on('click', () => {
      forget();
      options.onClick(notice.alertId);
    });
    notification.on('close', forget);
    kept.add(notification);
    if (kept.size > MAX_KEPT) kept.delete(kept.values().next().value!);
    notification.show();
  };

  const unsubscribe = options.api.subscribe((event) => {
    if (event.type !== 'notify') return;
    const result = policy.offer(event.alert, event.event, Date.now());
    if (result.kind === 'show') show(afterSilenceNotice(result.notice, event.afterSilence));
  });
  const timer = setInterval(() => {
    const summary = policy.tick(Date.now());
    if (summary) show(summary);
  }, TICK_MS);

  return () => {
    unsubscribe();
    clearInterval(timer);
    kept.clear();
  };
}
