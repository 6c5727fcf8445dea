import { formatDuration } from '../../format/format';
import { useConsole } from '../context';
import { useNow } from '../use-now';

/** The engine link: green when open; while it is down a banner says the data on screen is not live. */
export function LinkStatus() {
  const link = useConsole((s) => s.link);
  const now = useNow(1000);
  if (link.status === 'open') {
    return (
      <span className="link link-open" data-testid="connection" data-state="open">
        ● engine
      </span>
    );
  }
  const text =
    link.status === 'connecting'
      ? 'connecting…'
      : `reconnecting in ${formatDuration(Math.max(0, link.retryAt - now))} (attempt ${link.attempt}: ${link.reason})`;
  return (
    <span className="link link-down" data-testid="connection" data-state={link.status}>
      ● {text}
    </span>
  );
}

/** Full-width warning under the header while the link is down. */
export function LinkBanner() {
  const status = useConsole((s) => s.link.status);
  if (status !== 'reconnecting') return null;
  return (
    <div className="banner banner-link" role="alert">
      Engine link lost: figures below are frozen, not live. Reconnecting…
    </div>
  );
}
