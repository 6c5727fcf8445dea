import { CaptureList } from './capture-list';
import { ReplayAlerts } from './replay-alerts';
import { ReplayControls } from './replay-controls';
import { ReplaySeekPanel } from './replay-seek';
import { useReplaySeek } from './use-replay-seek';

/** Analysts' replay: open a capture, drive it, jump from its alerts to the instrument view or to the capture at an instant. */
export function ReplayView() {
  const seek = useReplaySeek();
  return (
    <section className="view view-replay">
      <ReplayControls />
      <div className="split">
        <CaptureList />
        <ReplayAlerts onSeek={(alert, at, label) => seek.seekTo(at, alert.key, label)} />
      </div>
      <ReplaySeekPanel seek={seek} />
    </section>
  );
}
