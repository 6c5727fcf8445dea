import { feedBannerText, openFeedAlerts } from '../../model/feed-alerts';
import { useConsole } from '../context';

/**
 * The worst open feed alert across the top of every view: a venue that is
 * unreachable, stale or resyncing without end makes the figures below
 * incomplete, and a quiet screen must never be mistaken for an orderly market.
 */
export function FeedBanner() {
  const active = useConsole((s) => s.active);
  const alerts = openFeedAlerts(active);
  const text = feedBannerText(alerts);
  if (text === null) return null;
  const worst = alerts[0]!;
  return (
    <div
      className={`banner banner-feed banner-feed-${worst.severity}`}
      data-testid="feed-banner"
      data-severity={worst.severity}
      data-count={alerts.length}
      role="alert"
    >
      {text}
    </div>
  );
}
