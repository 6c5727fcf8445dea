import type { FeedView } from '../../../../shared/contract';
import { formatClock, formatDuration, formatLag, formatRate } from '../../format/format';
import { retryText, venueStaleAge } from '../../model/feed-alerts';
import { driftSummary, feedTotals, rejectedBreakdown, rejectedTotal, venueLinkState } from '../../model/feed-health';
import { useConsole } from '../context';
import { useNow } from '../use-now';

/** Per venue: link state, throughput, lag, book-sync troubles, last error, z-score warmup; connections below. */
export function FeedsView() {
  const feeds = useConsole((s) => s.feeds);
  return (
    <section className="view view-feeds" data-testid="feeds">
      {feeds.length === 0 ? <div className="empty">No feed reported yet.</div> : null}
      <div className="table-scroll">
        <table className="table feeds-table">
          <colgroup>
            <col className="col-venue" />
            <col className="col-link" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-n" />
            <col className="col-warm" />
            <col className="col-error" />
          </colgroup>
          <thead>
            <tr>
              <th className="txt">Venue</th>
              <th className="txt">Link</th>
              <th className="num">Msgs</th>
              <th className="num">Lag</th>
              <th className="num">Gaps</th>
              <th className="num">Resyncs</th>
              <th className="num">Checksum</th>
              <th className="num" title="Books' best bid and ask checked against the venue's own top of book: mismatches / checks, or sustained drifts">
                Top check
              </th>
              <th className="num">Stale</th>
              <th className="num">Rejected</th>
              <th className="num">Restarts</th>
              <th className="txt">Z warmup</th>
              <th className="txt">Last error</th>
            </tr>
          </thead>
          <tbody>
            {feeds.map((f) => (
              <FeedRows key={f.venue} feed={f} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FeedRows({ feed }: { feed: FeedView }) {
  const link = venueLinkState(feed);
  const totals = feedTotals(feed);
  const warm = feed.warmup;
  const drift = driftSummary(feed);
  const rows = useConsole((s) => s.rows);
  const now = useNow(1000);
  // A link can look connected while nothing arrives on it: then the data is what matters, in red, with its age.
  const staleAge = venueStaleAge(feed, Object.values(rows), now);
  return (
    <>
      <tr className={`row feed-row link-row-${link}`} data-testid="feed-row" data-venue={feed.venue} data-link={link}>
        <td className="txt strong">{feed.venue}</td>
        <td className={`txt ${staleAge === null ? `link-${link}` : 'link-stale-data'}`} data-testid="feed-link" data-stale-ms={staleAge ?? undefined}>
          {staleAge === null ? link : `stale ${formatDuration(staleAge)}`}
        </td>
        <td className="num">{formatRate(totals.messageRate)}</td>
        <td className="num">{formatLag(totals.lagMs)}</td>
        <td className={`num${feed.sequenceGaps > 0 ? ' warn' : ''}`}>{feed.sequenceGaps}</td>
        <td className="num">{feed.resyncs}</td>
        <td className={`num${feed.checksumFailures > 0 ? ' warn' : ''}`}>{feed.checksumFailures}</td>
        <td className={`num${drift.warn ? ' warn' : ''}`} title={drift.title} data-testid="feed-drift">
          {drift.text}
        </td>
        <td className="num">{feed.staleEpisodes}</td>
        <td className={`num${rejectedTotal(feed) > 0 ? ' warn' : ''}`} title={rejectedBreakdown(feed)} data-testid="feed-rejected">
          {rejectedTotal(feed)}
        </td>
        <td
          className={`num${feed.workerRestarts > 0 ? ' warn' : ''}`}
          title={feed.lastWorkerRestart ? `last: ${feed.lastWorkerRestart.worker} at ${new Date(feed.lastWorkerRestart.time).toISOString()}, ${feed.lastWorkerRestart.reason}` : 'no worker restart'}
          data-testid="feed-restarts"
        >
          {feed.workerRestarts}
        </td>
        <td className="txt" data-testid="feed-warmup">
          {warm === null ? (
            <span className="muted">–</span>
          ) : warm.samples >= warm.needed ? (
            'ready'
          ) : (
            <>
              <progress className="warm-bar" max={warm.needed} value={warm.samples} /> {warm.samples}/{warm.needed}
            </>
          )}
        </td>
        <td className="txt error-text" title={totals.lastError ?? ''}>
          {totals.lastError ?? ''}
        </td>
      </tr>
      {feed.connections.map((c) => (
        <tr key={c.id} className="row conn-row" data-testid="connection-row">
          <td className="txt muted" title={c.url}>
            ↳ {c.id}
          </td>
          <td className={`txt conn-${c.state}`}>{c.state.replace('_', ' ')}</td>
          <td className="num">{formatRate(c.messageRate)}</td>
          <td className="num">{formatLag(c.lagMs)}</td>
          <td className="num muted" colSpan={2}>
            {c.reconnects} reconnects
          </td>
          {c.downSince === null ? (
            <td className="num muted" colSpan={3}>
              since {formatClock(c.since)}Z
            </td>
          ) : (
            <td className="num error-text" colSpan={3} data-testid="connection-retry" title={`down since ${formatClock(c.downSince)}Z`}>
              {retryText(c, now) || `down ${formatDuration(now - c.downSince)}`}
            </td>
          )}
          <td className="num muted" colSpan={2}>
            {c.symbols.length} sym
          </td>
          <td className="txt muted">{c.lastFrameAt === null ? 'no frame' : `frame ${formatClock(c.lastFrameAt)}Z`}</td>
          <td className="txt error-text" title={c.lastError ?? ''}>
            {c.lastError ?? ''}
          </td>
        </tr>
      ))}
    </>
  );
}
