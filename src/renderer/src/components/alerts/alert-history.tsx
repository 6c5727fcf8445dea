import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AlertHistoryRow } from '../../../../shared/contract';
import type { Severity } from '../../../../shared/core/model';
import { formatDateTime, formatDuration, formatMetric, formatMonthDayTime, plural } from '../../format/format';
import { useClient, useConsole } from '../context';
import { AlertTrail } from './alert-trail';
import { mergeLiveHistory, type HistoryFilter } from './history-live';
import { silenceFor } from '../../../../shared/silences';
import { useNow } from '../use-now';
import { SilenceBadge } from './silence-badge';
import { RuleCell } from './rule-cell';
import { ZValue } from './z-value';

type HistoryState = HistoryFilter['state'];

/**
 * Alerts from the local database (newest first) with their case and audit
 * trail on the side. Live: every alert event and case change this session
 * sees is laid over the rows read, so a row turns firing, acknowledged or
 * assigned as the Active table does, without Refresh.
 */
export function AlertHistory() {
  const client = useClient();
  const epoch = useConsole((s) => s.dataEpoch);
  const seen = useConsole((s) => s.seen);
  const silences = useConsole((s) => s.silences);
  const now = useNow(1000) + useConsole((s) => s.clockOffsetMs);
  const [venue, setVenue] = useState('');
  const [severity, setSeverity] = useState<'' | Severity>('');
  const [state, setState] = useState<HistoryState>('');
  const [rows, setRows] = useState<readonly AlertHistoryRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    client
      .alertHistory({ ...(venue ? { venue } : {}), ...(severity ? { severity } : {}), ...(state ? { state } : {}), limit: 500 })
      .then(setRows)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [client, venue, severity, state]);

  useEffect(load, [load, epoch]);
  const shown = useMemo(() => mergeLiveHistory(rows, seen, { venue, severity, state }), [rows, seen, venue, severity, state]);

  return (
    <div className="pane pane-history">
      <div className="toolbar">
        <span className="pane-title">History</span>
        <input className="input input-small" placeholder="venue" value={venue} onChange={(e) => setVenue(e.target.value.trim())} />
        <select className="select" value={severity} onChange={(e) => setSeverity(e.target.value as '' | Severity)}>
          <option value="">any severity</option>
          <option value="critical">critical</option>
          <option value="warning">warning</option>
        </select>
        <select className="select" value={state} onChange={(e) => setState(e.target.value as HistoryState)}>
          <option value="">any state</option>
          <option value="firing">firing</option>
          <option value="pending">pending</option>
          <option value="resolved">resolved</option>
        </select>
        <button type="button" className="btn" data-testid="history-refresh" onClick={load}>
          Refresh
        </button>
        {error ? <span className="error">{error}</span> : <span className="muted count">{plural(shown.length, 'alert')} · live</span>}
      </div>
      <div className="split">
        <div className="table-scroll">
          <table className="table table-fit history-table" data-testid="alerts-history">
            <colgroup>
              <col className="col-time" />
              <col className="col-sev" />
              <col className="col-inst" />
              <col className="col-rule" />
              <col className="col-value" />
              <col className="col-value" />
              <col className="col-value" />
              <col className="col-dur" />
              <col className="col-state" />
              <col className="col-ackby" />
              <col className="col-ackby" />
            </colgroup>
            <thead>
              <tr>
                <th className="txt">Opened (UTC)</th>
                <th className="txt">Peak</th>
                <th className="txt">Instrument</th>
                <th className="txt">Rule</th>
                <th className="num" title="value and z at the onset">At open (z)</th>
                <th className="num" title="the episode's most extreme value and z">Peak (z)</th>
                <th className="num" title="value and z at the last transition, vs the threshold">Last vs thr.</th>
                <th className="num">Lasted</th>
                <th className="txt">State</th>
                <th className="txt">Ack</th>
                <th className="txt">Case</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={r.id}
                  className={`row${r.id === selected ? ' selected' : ''}`}
                  data-testid="alert-history-row"
                  data-alert-id={r.id}
                  data-state={r.state}
                  onClick={() => setSelected(r.id)}
                >
                  <td className="num" title={`${formatDateTime(r.openedAt)} UTC`} data-testid="history-opened">
                    {formatMonthDayTime(r.openedAt)}
                  </td>
                  <td className={`txt sev-${r.peakSeverity}`}>{r.peakSeverity === 'critical' ? 'CRIT' : 'WARN'}</td>
                  <td className="txt" title={r.key}>
                    {r.instrumentId} <span className="muted">{r.venue}</span>
                  </td>
                  <RuleCell rule={r.rule} detail={r.detail} title={r.detail ?? r.metric} />
                  <td className="num">
                    {formatMetric(r.metric, r.openValue)} <ZValue z={r.openZscore} />
                  </td>
                  <td className="num">
                    {formatMetric(r.metric, r.peakValue ?? r.value)} <ZValue z={r.peakZscore ?? r.zscore} />
                  </td>
                  <td className="num">
                    {formatMetric(r.metric, r.value)} <span className="muted">vs {formatMetric(r.metric, r.threshold)}</span>
                  </td>
                  <td className="num">{r.resolvedAt === null ? 'open' : formatDuration(r.resolvedAt - r.openedAt)}</td>
                  <td className={`txt state-${r.state}`} data-testid="history-state">
                    {r.cancelled ? 'cancelled' : r.state}
                    {r.state !== 'resolved' ? <SilenceBadge silence={silenceFor(r, silences, now)} /> : null}
                  </td>
                  <td className="txt" title={r.ackNote ?? ''} data-testid="history-ack">
                    {r.ackBy ?? ''}
                  </td>
                  <td className="txt" data-testid="history-case">
                    {r.assignee ? `→ ${r.assignee}` : ''}
                    {r.notes ? <span className="muted"> {r.notes}✎</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <AlertTrail alertId={selected} />
      </div>
    </div>
  );
}
