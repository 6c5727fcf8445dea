import { Fragment, type ReactElement } from 'react';
import type { ConnectionView, FeedView } from '../../../../shared/contract';
import { formatAge, formatClock, formatLag, formatRate, plural } from '../../format/format';
import { connectionStaleAge, retryText, venueStaleAge } from '../../model/feed-alerts';
import { driftSummary, feedTotals, rejectedBreakdown, rejectedTotal, symbolCount, venueBooks, venueLinkState } from '../../model/feed-health';
import { useConsole } from '../context';
import { useNow } from '../use-now';
import { EngineTable } from './engine-table';

/**
 * The columns, in order. A venue row holds its totals, its connection rows
 * (below it) what is per socket; every cell has its own column (no spans)
 * so figures stay under their headers.
 */
const COLUMNS: readonly { readonly id: string; readonly label: string; readonly numeric: boolean; readonly title?: string }[] = [
  { id: 'feed', label: 'Feed', numeric: false, title: 'venue, and its connections below it' },
  { id: 'link', label: 'Link', numeric: false },
  { id: 'up', label: 'Up', numeric: true, title: 'connections delivering, of all' },
  { id: 'symbols', label: 'Symbols', numeric: true },
  { id: 'msgs', label: 'Msgs/s', numeric: true },
  { id: 'lag', label: 'Lag', numeric: true, title: 'receive time minus exchange time; the venue row shows the worst connection' },
  { id: 'reconnects', label: 'Reconn', numeric: true, title: 'reconnects' },
  { id: 'gaps', label: 'Gaps', numeric: true, title: 'sequence gaps' },
  { id: 'resyncs', label: 'Resyncs', numeric: true },
  { id: 'books', label: 'Books ok', numeric: true, title: 'books valid (synced, not crossed) of all the venue’s instruments' },
  { id: 'snapshots', label: 'Snapshots', numeric: true, title: 'REST book snapshots requested / failed' },
  { id: 'tooLarge', label: 'Too large', numeric: true, title: 'frames and REST bodies refused for their size (features.yaml limits)' },
  { id: 'rejected', label: 'Rejected', numeric: true, title: 'frames refused, all reasons (hover a cell for the breakdown)' },
  { id: 'top', label: 'Top check', numeric: true, title: "Books' best bid and ask checked against the venue's own top of book: mismatches / checks, or sustained drifts" },
  { id: 'checksum', label: 'Checksum', numeric: true, title: 'checksum failures' },
  { id: 'stale', label: 'Stale', numeric: true, title: 'times the venue went silent past the stale timeout' },
  { id: 'restarts', label: 'Restarts', numeric: true, title: 'worker restarts' },
  { id: 'warm', label: 'Z warmup', numeric: false },
  { id: 'detail', label: 'Last error / state', numeric: false },
];

/** Per venue, its totals; per connection below it: link state, throughput, lag, retries. */
export function FeedsView() {
  const feeds = useConsole((s) => s.feeds);
  return (
    <section className="view view-feeds" data-testid="feeds">
      {feeds.length === 0 ? <div className="empty">No feed reported yet.</div> : null}
      <div className="table-scroll">
        <table className="table table-fit feeds-table">
          <colgroup>
            {COLUMNS.map((c) => (
              <col key={c.id} className={`col-${c.id}`} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.id} className={c.numeric ? 'num' : 'txt'} title={c.title} data-col={c.id}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {feeds.map((f) => (
              <FeedRows key={f.venue} feed={f} />
            ))}
          </tbody>
        </table>
      </div>
      <EngineTable />
    </section>
  );
}

const count = (n: number | undefined, warnAbove = 0) => ({ text: String(n ?? 0), warn: (n ?? 0) > warnAbove });

function FeedRows({ feed }: { feed: FeedView }) {
  const link = venueLinkState(feed);
  const totals = feedTotals(feed);
  const warm = feed.warmup;
  const drift = driftSummary(feed);
  const rows = useConsole((s) => s.rows);
  const now = useNow(1000);
  const rowList = Object.values(rows);
  const books = venueBooks(feed, rowList);
  // A link can look connected while nothing arrives on it: then the data is what matters, in red, with its age.
  const staleAge = venueStaleAge(feed, rowList, now);
  const gaps = count(feed.sequenceGaps);
  const checksum = count(feed.checksumFailures);
  const tooLarge = count(feed.tooLarge);
  return (
    <>
      <tr className={`row feed-row link-row-${link}`} data-testid="feed-row" data-venue={feed.venue} data-link={link}>
        <td className="txt strong">{feed.venue}</td>
        <td className={`txt ${staleAge === null ? `link-${link}` : 'link-stale-data'}`} data-testid="feed-link" data-stale-ms={staleAge ?? undefined}>
          {staleAge === null ? link : `stale ${formatAge(staleAge)}`}
        </td>
        <td className={`num${totals.connectionsUp < totals.connections ? ' warn' : ''}`} data-testid="feed-conns">
          {totals.connectionsUp}/{totals.connections}
        </td>
        <td className="num">{totals.symbols.toLocaleString('en-US')}</td>
        <td className="num">{formatRate(totals.messageRate)}</td>
        <td className="num">{formatLag(totals.lagMs)}</td>
        <td className="num" title={plural(totals.reconnects, 'reconnect')}>
          {totals.reconnects}
        </td>
        <td className={`num${gaps.warn ? ' warn' : ''}`}>{gaps.text}</td>
        <td className="num">{feed.resyncs}</td>
        <td className={`num${books.valid < books.total ? ' warn' : ''}`} data-testid="feed-books" data-valid={books.valid} data-total={books.total}>
          {books.valid.toLocaleString('en-US')}/{books.total.toLocaleString('en-US')}
        </td>
        <td className={`num${feed.snapshotsFailed > 0 ? ' warn' : ''}`} title={`${feed.snapshotsRequested} requested, ${feed.snapshotsFailed} failed`} data-testid="feed-snapshots">
          {feed.snapshotsRequested}/{feed.snapshotsFailed}
        </td>
        <td className={`num${tooLarge.warn ? ' warn' : ''}`} data-testid="feed-too-large">
          {tooLarge.text}
        </td>
        <td className={`num${rejectedTotal(feed) > 0 ? ' warn' : ''}`} title={rejectedBreakdown(feed)} data-testid="feed-rejected">
          {rejectedTotal(feed)}
        </td>
        <td className={`num${drift.warn ? ' warn' : ''}`} title={drift.title} data-testid="feed-drift">
          {drift.text}
        </td>
        <td className={`num${checksum.warn ? ' warn' : ''}`}>{checksum.text}</td>
        <td className="num" title={plural(feed.staleEpisodes, 'stale episode')}>
          {feed.staleEpisodes}
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
        <td className="txt error-text">
          <span className="clip-text" title={totals.lastError ?? ''}>
            {totals.lastError ?? ''}
          </span>
        </td>
      </tr>
      {feed.connections.map((c) => (
        <ConnectionRow key={c.id} connection={c} now={now} venueStale={staleAge !== null} />
      ))}
    </>
  );
}

/**
 * A connection's state and last error: the times and retry stay whole, an
 * error too long for the column ends in an ellipsis with the whole text on hover.
 */
function DetailCell({ connection: c, now }: { connection: ConnectionView; now: number }) {
  const error = c.lastError ? ` · ${c.lastError}` : '';
  if (c.downSince === null) {
    const text = `${c.lastFrameAt === null ? 'no frame' : `frame ${formatClock(c.lastFrameAt)}Z`} · since ${formatClock(c.since)}Z${error}`;
    return (
      <td className="txt muted">
        <span className="clip-text" title={text}>
          {text}
        </span>
      </td>
    );
  }
  const retry = retryText(c, now) || `down ${formatAge(now - c.downSince)}`;
  return (
    <td className="txt error-text">
      <span className="clip-text" title={`${retry}${error} (down since ${formatClock(c.downSince)}Z)`}>
        <span data-testid="connection-retry">{retry}</span>
        {error}
      </span>
    </td>
  );
}

/** Columns a connection row leaves blank: venue-wide figures. */
const VENUE_ONLY = new Set(['gaps', 'resyncs', 'books', 'snapshots', 'tooLarge', 'rejected', 'top', 'checksum', 'stale', 'restarts', 'warm']);

/**
 * One socket of a venue: the figures that are per connection, each in its
 * header's column (drawn by COLUMNS, so a cell cannot slip under another
 * header); venue-wide columns stay blank. A silent connection shows
 * `stale 12 s` in red in its Link cell; a down one its failed attempts and
 * next retry in the last column.
 */
function ConnectionRow({ connection: c, now, venueStale }: { connection: ConnectionView; now: number; venueStale: boolean }) {
  const staleAge = connectionStaleAge(c, venueStale, now);
  const cells: Readonly<Record<string, ReactElement>> = {
    feed: (
      <td className="txt muted" title={c.url}>
        ↳ {c.id}
      </td>
    ),
    link:
      staleAge === null ? (
        <td className={`txt conn-${c.state}`} data-testid="connection-link">
          {c.state.replace('_', ' ')}
        </td>
      ) : (
        <td className="txt link-stale-data" data-testid="connection-link" data-stale-ms={staleAge} title={`no frame since ${formatClock(c.lastFrameAt)}Z`}>
          stale {formatAge(staleAge)}
        </td>
      ),
    up: <td className="num muted">{c.state === 'connected' ? 'up' : 'down'}</td>,
    symbols: <td className="num muted">{symbolCount(c).toLocaleString('en-US')}</td>,
    msgs: <td className="num">{formatRate(c.messageRate)}</td>,
    lag: <td className="num">{formatLag(c.lagMs)}</td>,
    reconnects: (
      <td className={`num${c.reconnects > 0 ? ' warn' : ''}`} title={plural(c.reconnects, 'reconnect')}>
        {c.reconnects}
      </td>
    ),
    detail: <DetailCell connection={c} now={now} />,
  };
  return (
    <tr className="row conn-row" data-testid="connection-row" data-connection={c.id} data-state={c.state}>
      {COLUMNS.map((col) => {
        const cell = cells[col.id];
        if (cell) return <Fragment key={col.id}>{cell}</Fragment>;
        return <td key={col.id} className={`${col.numeric ? 'num' : 'txt'} muted`} data-blank={VENUE_ONLY.has(col.id) ? 'venue' : 'none'} />;
      })}
    </tr>
  );
}
