import { memo, useEffect, useRef } from 'react';
import { formatClock, formatDuration, formatMetric, formatZ } from '../../format/format';
import { useConsole } from '../context';

/** One active alert: severity, instrument, rule, value vs threshold, z, since, state, acknowledgement. */
export const AlertRow = memo(function AlertRow({ alertId, now }: { alertId: string; now: number }) {
  const alert = useConsole((s) => s.active[alertId]);
  const selected = useConsole((s) => s.alertSel === alertId);
  const select = useConsole((s) => s.setAlertSel);
  const openAck = useConsole((s) => s.openAck);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  if (!alert) return null;
  const since = alert.firedAt ?? alert.openedAt;
  return (
    <tr
      ref={ref}
      className={`row sev-row-${alert.severity}${selected ? ' selected' : ''}${alert.acknowledged ? ' acked' : ''}`}
      data-testid="alert-row"
      data-alert-id={alert.id}
      data-severity={alert.severity}
      data-state={alert.state}
      aria-selected={selected}
      onClick={() => select(alert.id)}
    >
      <td className={`txt sev sev-${alert.severity}`}>{alert.severity === 'critical' ? 'CRIT' : 'WARN'}</td>
      <td className="txt" title={alert.key}>
        {alert.instrumentId} <span className="muted">{alert.venue}</span>
      </td>
      <td className="txt" title={alert.metric}>
        {alert.rule}
      </td>
      <td className="num">
        {formatMetric(alert.metric, alert.value)} <span className="muted">vs {formatMetric(alert.metric, alert.threshold)}</span>
      </td>
      <td className="num">{formatZ(alert.zscore)}</td>
      <td className="num" title={`${formatClock(since)}Z`}>
        {formatClock(since)} <span className="muted dur">{formatDuration(now - since)}</span>
      </td>
      <td className={`txt state-${alert.state}`}>{alert.state}</td>
      <td className="txt">
        {alert.acknowledged ? (
          <span className="muted" title={alert.acknowledged.note}>
            ✓ {alert.acknowledged.by}
          </span>
        ) : (
          <button type="button" className="btn btn-small" data-testid="ack" onClick={() => openAck(alert.id)}>
            Ack
          </button>
        )}
      </td>
    </tr>
  );
});
