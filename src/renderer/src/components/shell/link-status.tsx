import { formatDuration } from '../../format/format';
import { openFeedAlerts } from '../../model/feed-alerts';
import { useConsole } from '../context';
import { useNow } from '../use-now';

/** The engine link: green when open; while it is down a banner says the data on screen is not live. */
export function LinkStatus() {
  const link = useConsole((s) => s.link);
  const feedAlerts = useConsole((s) => openFeedAlerts(s.active).length);
  const now = useNow(1000);
  if (link.status === 'open') {
    // The link to the engine is fine, but the engine is not seeing every market: not green.
    return (
      <span className={`link ${feedAlerts > 0 ? 'link-degraded' : 'link-open'}`} data-testid="connection" data-state="open" data-feed-alerts={feedAlerts}>
        ● engine{feedAlerts > 0 ? ` · ${feedAlerts} feed ${feedAlerts === 1 ? 'alert' : 'alerts'}` : ''}
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
