import { useShallow } from 'zustand/react/shallow';
import type { Alert } from '../../../../shared/core/model';
import { formatDateTime, formatMetric, formatMonthDayTime, formatSigma } from '../../format/format';
import { useConsole } from '../context';

/** 30 s before an alert fired: what led up to it. */
export const BEFORE_FIRING_MS = 30_000;

/**
 * Alerts the replay raised, in order; a click opens the instrument view
 * centred on when the alert fired; its buttons seek the capture to 30 s
 * before it fired or to the firing itself (`onSeek`).
 */
export function ReplayAlerts({ onSeek }: { onSeek?: (alert: Alert, at: number, label: string) => void }) {
  const ids = useConsole(useShallow((s) => [...s.seenOrder].reverse()));
  const seen = useConsole((s) => s.seen);
  const jump = useConsole((s) => s.jumpToAlert);
  return (
    <div className="pane">
      <div className="toolbar">
        <span className="pane-title">Alerts in this run</span>
        <span className="muted count">{ids.length}</span>
      </div>
      <div className="table-scroll">
        <table className="table table-fit replay-alerts" data-testid="replay-alerts">
          <colgroup>
            <col className="col-time" />
            <col className="col-sev" />
            <col className="col-inst" />
            <col className="col-rule" />
            <col className="col-value" />
            <col className="col-state" />
            {onSeek ? <col className="col-seek" /> : null}
          </colgroup>
          <tbody>
            {ids.map((id) => {
              const a = seen[id];
              if (!a) return null;
              return (
                <tr key={id} className="row clickable" data-testid="replay-alert" data-alert-id={id} onClick={() => jump(a)} title="show on the charts">
                  <td className="num" title={`${formatDateTime(a.firedAt ?? a.openedAt)} UTC`}>
                    {formatMonthDayTime(a.firedAt ?? a.openedAt)}
                  </td>
                  <td className={`txt sev-${a.severity}`}>{a.severity === 'critical' ? 'CRIT' : 'WARN'}</td>
                  <td className="txt">
                    {a.instrumentId} <span className="muted">{a.venue}</span>
                  </td>
                  <td className="txt">{a.rule}</td>
                  <td className="num" title="the episode's most extreme value and z">
                    <span className="muted">peak</span> {formatMetric(a.metric, a.peakValue ?? a.value)} <span className="muted">{formatSigma(a.peakZscore ?? a.zscore)}</span>
                  </td>
                  <td className={`txt state-${a.state}`}>{a.state}</td>
                  {onSeek ? (
                    <td className="txt seek-buttons">
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="replay-alert-before"
                        title="the capture 30 s before this alert fired: book, metrics and rules then"
                        onClick={(e) => {
                          e.stopPropagation();
                          onSeek(a, (a.firedAt ?? a.openedAt) - BEFORE_FIRING_MS, `30 s before ${a.rule} fired`);
                        }}
                      >
                        −30 s
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="replay-alert-at"
                        title="the capture when this alert fired"
                        onClick={(e) => {
                          e.stopPropagation();
                          onSeek(a, a.firedAt ?? a.openedAt, `${a.rule} ${a.firedAt === null ? 'opened' : 'fired'}`);
                        }}
                      >
                        at firing
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {ids.length === 0 ? <div className="empty">No alert yet.</div> : null}
      </div>
    </div>
  );
}
