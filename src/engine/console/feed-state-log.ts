import { isFeedMetricName } from '../../shared/config/metric-names';
import type { ConnectionState, ConnectionView } from '../../shared/contract';
import type { Alert, AlertEvent } from '../../shared/core/model';
import type { FeedStatus } from '../feed/feed-status';

/** Worst first: what a venue's link shows is its worst connection. */
const LINK_ORDER: readonly ConnectionState[] = ['stopped', 'stale', 'backing_off', 'reconnecting', 'connecting', 'connected'];

/**
 * One terminal line per feed state change, for whoever runs the console from
 * a terminal (`npm start`, `surveil serve`): a venue's link changing state
 * (with the error, the attempt and when the next one is), and every feed alert
 * firing, escalating or resolving. The screen may be unattended or not open
 * yet; the terminal must not stay silent while a venue is unreachable.
 */
export class FeedStateLog {
  private readonly links = new Map<string, ConnectionState>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A feed worker's periodic status: a line when the venue's worst connection state changed. */
  onFeedStatus(status: FeedStatus): void {
    const worst = worstConnection(status.connections);
    const state = worst?.state ?? 'stopped';
    const before = this.links.get(status.venue);
    this.links.set(status.venue, state);
    // The first report of a starting feed is `connecting`: only a change from it is news.
    if (before === state || (before === undefined && state === 'connecting')) return;
    this.write(`${clock(this.now())} ${status.venue} ${linkText(worst, this.now())}`);
  }

  /** Alert transitions: a line for each feed alert that fired, escalated, de-escalated or resolved. */
  onAlerts(events: readonly AlertEvent[], alerts: readonly Alert[]): void {
    for (const event of events) {
      if (!isFeedMetricName(event.metric)) continue;
      if (event.kind === 'pending' || event.kind === 'cancelled' || event.kind === 'acknowledged') continue;
      const alert = alerts.find((a) => a.id === event.alertId);
      const key = alert?.key ?? event.alertId.split('/')[0];
      const level = event.severity === 'critical' ? 'CRIT' : 'WARN';
      const text =
        event.kind === 'resolved'
          ? `resolved ${event.rule}${alert?.detail ? ` (was: ${alert.detail})` : ''}`
          : `${level} ${event.rule}${event.kind === 'firing' ? '' : ` ${event.kind}`}: ${event.detail ?? alert?.detail ?? ''}`;
      this.write(`${clock(event.time)} ${key} ${text}`);
    }
  }
}

function worstConnection(connections: readonly ConnectionView[]): ConnectionView | undefined {
  let worst: ConnectionView | undefined;
  for (const c of connections) if (!worst || LINK_ORDER.indexOf(c.state) < LINK_ORDER.indexOf(worst.state)) worst = c;
  return worst;
}

function linkText(c: ConnectionView | undefined, now: number): string {
  if (!c) return 'no connection';
  if (c.state === 'connected') return 'connected';
  const what = c.lastFrameAt === null ? 'unreachable' : c.state.replace('_', ' ');
  const error = c.lastError ? `: ${c.lastError.replace(/^getaddrinfo /, '')}` : '';
  const retry = c.nextRetryAt === null ? '' : `, retry #${c.failedAttempts + 1} in ${Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000))} s`;
  return `${what}${error}${retry}`;
}

/** UTC, as everything else on the console. */
function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 19);
}
