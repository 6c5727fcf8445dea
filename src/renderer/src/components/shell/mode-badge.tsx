import { formatClock, formatDateTime } from '../../format/format';
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
    // Compact below 1500 px (styles.css): the name may end in an ellipsis and the date goes; the title holds both whole.
    <span className="mode mode-replay" data-testid="mode" title={`${mode.capture} at ${formatDateTime(frameTime)}Z`}>
      REPLAY <span className="mode-name">{name}</span> @ <span className="mode-date">{frameTime === null ? '' : formatDateTime(frameTime).slice(0, 11)}</span>
      {formatClock(frameTime)}Z
    </span>
  );
}
