import { formatDateTime } from '../../format/format';
import { useConsole } from '../context';

/** Live, demo or replay (with the replay's clock): what the figures on screen are. */
export function ModeBadge() {
  const mode = useConsole((s) => s.mode);
  const frameTime = useConsole((s) => (s.mode?.kind === 'replay' ? (s.replay?.frameTime ?? null) : null));
  if (!mode) return <span className="mode mode-none">no snapshot</span>;
  if (mode.kind === 'live') return <span className="mode mode-live" data-testid="mode">LIVE</span>;
  if (mode.kind === 'demo') return <span className="mode mode-demo" data-testid="mode">DEMO {mode.scenario}</span>;
  const name = mode.capture.split(/[\\/]/).pop();
  return (
    <span className="mode mode-replay" data-testid="mode" title={mode.capture}>
      REPLAY {name} @ {formatDateTime(frameTime)}Z
    </span>
  );
}
