import { isFeedMetricName } from '../../../shared/config/metric-names';
import type { ConnectionView, FeedView, OverviewRow } from '../../../shared/contract';
import type { Alert } from '../../../shared/core/model';
import { plural } from '../format/format';
import { symbolCount } from './feed-health';

/** Open feed-integrity alerts (a venue down, stale, a gap storm...), worst first: firing before pending, critical before warning, oldest first. */
export function openFeedAlerts(active: Readonly<Record<string, Alert>>): Alert[] {
  return Object.values(active)
    .filter((a) => isFeedMetricName(a.metric))
    .sort(
      (a, b) =>
        Number(b.state === 'firing') - Number(a.state === 'firing') ||
        Number(b.severity === 'critical') - Number(a.severity === 'critical') ||
        a.openedAt - b.openedAt,
    );
}

/** The header banner's line: the worst feed alert in words, and how many more there are. */
export function feedBannerText(alerts: readonly Alert[]): string | null {
  const worst = alerts[0];
  if (!worst) return null;
  const more = alerts.length - 1;
  return `${worst.key} ${worst.detail ?? worst.rule}${more > 0 ? ` (+${more} more feed ${more === 1 ? 'alert' : 'alerts'})` : ''}`;
}

/**
 * A venue whose data has gone stale while its link looks up: its instruments'
 * rows say stale, and the age is since the newest frame of any connection.
 * Null when the venue is not stale.
 */
export function venueStaleAge(feed: FeedView, rows: readonly OverviewRow[], now: number): number | null {
  if (!rows.some((r) => r.venue === feed.venue && r.health.stale)) return null;
  let newest: number | null = null;
  for (const c of feed.connections) if (c.lastFrameAt !== null) newest = newest === null ? c.lastFrameAt : Math.max(newest, c.lastFrameAt);
  return newest === null ? null : Math.max(0, now - newest);
}

/** A connection's retry state in words: `7 failed attempts, retry #8 in 16 s`; empty while it delivers. */
export function retryText(c: ConnectionView, now: number): string {
  if (c.failedAttempts === 0 && c.nextRetryAt === null) return '';
  const next = `retry #${c.failedAttempts + 1}`;
  const when = c.nextRetryAt === null ? 'connecting' : `in ${Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000))} s`;
  return `${plural(c.failedAttempts, 'failed attempt')}, ${next} ${when}`;
}

/**
 * How long a connection that should deliver has been silent: one the feed
 * marked stale, or one still connected while its venue's data is stale.
 * REST links (no symbols) answer only when asked and are never stale.
 * Null when it is not stale.
 */
export function connectionStaleAge(c: ConnectionView, venueStale: boolean, now: number): number | null {
  if (c.lastFrameAt === null) return null;
  const silent = c.state === 'stale' || (venueStale && c.state === 'connected' && symbolCount(c) > 0);
  return silent ? Math.max(0, now - c.lastFrameAt) : null;
}
