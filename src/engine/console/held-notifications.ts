import type { Alert, AlertEvent } from '../../shared/core/model';
import type { Silence } from '../../shared/silences';

/** A notification a silence held back, due now that no silence holds it. */
export interface ReleasedNotice {
  readonly alert: Alert;
  /** The held transition brought up to the alert as it is now (severity, value, z). */
  readonly event: AlertEvent;
  /** The silence that held it last. */
  readonly silence: Silence;
}

/**
 * Notifications a silence held back, kept until the silence is over. When it
 * ends (it ran out at `endsAt`, or someone expired it early) and the alert
 * is still firing with nobody on it (unacknowledged), the alert notifies
 * then, as Alertmanager notifies a firing alert once no silence matches it:
 * a maintenance window must not hide a critical alert that outlived it.
 * An alert that resolved, or that someone acknowledged meanwhile, is
 * dropped without a notification: it needs nobody any more, or has someone.
 */
export class HeldNotifications {
  private readonly held = new Map<string, { event: AlertEvent; silence: Silence }>();

  get size(): number {
    return this.held.size;
  }

  /** A `firing` or `escalated` transition a silence kept quiet; the latest one per alert is kept. */
  hold(event: AlertEvent, silence: Silence): void {
    if (event.kind === 'firing' || event.kind === 'escalated') this.held.set(event.alertId, { event, silence });
  }

  /** The alert notified on its own (a later transition, loud): nothing is owed for it any more. */
  notified(alertId: string): void {
    this.held.delete(alertId);
  }

  /**
   * The held notifications whose silence is over, taken out; those still
   * silenced (by that silence or another) stay held, under the silence that
   * holds them now.
   */
  release(now: number, alertOf: (id: string) => Alert | undefined, silencing: (alert: Alert, now: number) => Silence | null): ReleasedNotice[] {
    const out: ReleasedNotice[] = [];
    for (const [id, held] of this.held) {
      const alert = alertOf(id);
      if (alert === undefined || alert.state !== 'firing' || alert.acknowledged !== null) {
        this.held.delete(id);
        continue;
      }
      const silence = silencing(alert, now);
      if (silence !== null) {
        if (silence !== held.silence) this.held.set(id, { event: held.event, silence });
        continue;
      }
      this.held.delete(id);
      // An escalation that has since come down is announced as what it is now: firing at its severity.
      const kind = held.event.kind === 'escalated' && alert.severity !== held.event.severity ? 'firing' : held.event.kind;
      const event: AlertEvent = { ...held.event, kind, severity: alert.severity, rule: alert.rule, value: alert.value, zscore: alert.zscore, threshold: alert.threshold };
      out.push({ alert, event, silence: held.silence });
    }
    return out;
  }
}
