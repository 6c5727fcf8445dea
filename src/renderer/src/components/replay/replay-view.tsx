import { CaptureList } from './capture-list';
import { ReplayAlerts } from './replay-alerts';
import { ReplayControls } from './replay-controls';

/** Analysts' replay: open a capture, drive it, and jump from its alerts to the instrument view. */
export function ReplayView() {
  return (
    <section className="view view-replay">
      <ReplayControls />
      <div className="split">
        <CaptureList />
        <ReplayAlerts />
      </div>
    </section>
  );
}
