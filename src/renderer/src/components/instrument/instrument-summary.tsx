import { STATUS_LABEL } from '../../model/overview-columns';
import { formatBps, formatClock, formatFunding, formatMetric, formatNextFunding, formatNotional, formatSignedBps } from '../../format/format';
import { useConsole } from '../context';

/** One line of the selected instrument's latest figures above the panels. */
export function InstrumentSummary() {
  const row = useConsole((s) => (s.selectedKey === null ? undefined : s.rows[s.selectedKey]));
  if (!row) return null;
  const v = row.values;
  return (
    <div className="summary" data-testid="instrument-summary">
      <span className={`badge st-${row.status}`}>{STATUS_LABEL[row.status]}</span>
      <span className="strong">{row.instrumentId}</span>
      <span className="muted">{row.key}</span>
      <Figure label="spread" value={`${formatBps(v.spread_bps)} bp`} testId="summary-spread" time={row.time} />
      <Figure label="bid 10bp" value={formatNotional(v.depth_bid_10bps)} />
      <Figure label="ask 10bp" value={formatNotional(v.depth_ask_10bps)} />
      {row.type !== 'spot' ? (
        <>
          <Figure label="perp-spot" value={formatSignedBps(v.basis_perp_spot_bps)} />
          <Figure label="perp-idx" value={formatSignedBps(v.basis_perp_index_bps)} />
          <Figure label="mark-idx" value={formatSignedBps(v.basis_mark_index_bps)} />
          {row.type === 'future' ? (
            <Figure label="annualized" value={formatMetric('basis_annualized_pct', v.basis_annualized_pct)} />
          ) : (
            <>
              <Figure label="funding" value={formatFunding(v.funding_rate)} />
              <Figure label="bp/8h" value={formatSignedBps(v.funding_bps_8h)} />
              <Figure label="next funding" value={formatNextFunding(row.funding, row.time)} />
            </>
          )}
        </>
      ) : null}
      <Figure label="x-venue" value={formatSignedBps(v.cross_venue_bps)} />
      <Figure label="open alerts" value={String(row.openAlerts)} />
    </div>
  );
}

/** One figure; `time`: the sample it is of (said on hover, and on the book ladder's sample line). */
function Figure({ label, value, testId, time }: { label: string; value: string; testId?: string; time?: number }) {
  return (
    <span className="figure" data-testid={testId} data-time={time} title={time === undefined ? undefined : `sample ${formatClock(time)}Z`}>
      <span className="muted">{label}</span> <span className="num">{value}</span>
    </span>
  );
}
