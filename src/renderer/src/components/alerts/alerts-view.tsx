import { ActiveAlerts } from './active-alerts';
import { AlertHistory } from './alert-history';

/** Active alerts above, history with its audit trail below. */
export function AlertsView() {
  return (
    <section className="view view-alerts">
      <ActiveAlerts />
      <AlertHistory />
    </section>
  );
}
