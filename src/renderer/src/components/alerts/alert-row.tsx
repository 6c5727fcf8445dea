import { memo, useEffect, useRef } from 'react';
import { formatClock, formatDuration, formatMetric } from '../../format/format';
import { useConsole } from '../context';
import { SilenceBadge, useSilence } from './silence-badge';
import { RuleCell } from './rule-cell';
import { ZValue } from './z-value';

/**
 * One active alert: severity, instrument, rule, its value and z three ways
 * (now, at open, peak), since, state (and silence), case, acknowledgement.
 * "Now" comes from the instrument's latest overview row: the alert itself
 * keeps the value of its last transition, which can be minutes old.
 */
export const AlertRow = memo(function AlertRow({ alertId, now }: { alertId: string; now: number }) {
  const alert = useConsole((s) => s.active[alertId]);
  const current = useConsole((s) => (alert ? s.rows[alert.key]?.values[alert.metric] : undefined));
  const currentZ = useConsole((s) => (alert ? s.rows[alert.key]?.zscores[alert.metric]?.z : undefined));
  const selected = useConsole((s) => s.alertSel === alertId);
  const select = useConsole((s) => s.setAlertSel);
  const openAck = useConsole((s) => s.openAck);
  const silence = useSilence(alert, now);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  if (!alert) return null;
  const since = alert.firedAt ?? alert.openedAt;
  const live = current !== undefined;
  return (
    <tr
      ref={ref}
      className={`row sev-row-${alert.severity}${selected ? ' selected' : ''}${alert.acknowledged ? ' acked' : ''}${silence ? ' silenced' : ''}`}
      data-testid="alert-row"
      data-alert-id={alert.id}
      data-severity={alert.severity}
      data-state={alert.state}
      data-silenced={silence ? silence.id : undefined}
      aria-selected={selected}
      onClick={() => select(alert.id)}
    >
      <td className={`txt sev sev-${alert.severity}`}>{alert.severity === 'critical' ? 'CRIT' : 'WARN'}</td>
      <td className="txt" title={alert.key}>
        {alert.instrumentId} <span className="muted">{alert.venue}</span>
      </td>
      <RuleCell rule={alert.rule} detail={alert.detail} title={alert.detail ? `${alert.metric}: ${alert.detail}` : alert.metric} testId="alert-rule" />
      <td className="num" data-testid="alert-now" title={live ? 'the latest sample' : 'no live sample: the value at the last transition'}>
        {formatMetric(alert.metric, live ? current : alert.value)} <span className="muted">vs {formatMetric(alert.metric, alert.threshold)}</span>
      </td>
      <td className="num">
        <ZValue z={live ? currentZ : alert.zscore} testId="alert-z-now" />
      </td>
      <td className="num" data-testid="alert-open" title="value and z at the onset (the first sample past the rule)">
        {formatMetric(alert.metric, alert.openValue)} <ZValue z={alert.openZscore} />
      </td>
      <td className="num" data-testid="alert-peak" title="the most extreme value and z of this episode">
        {formatMetric(alert.metric, alert.peakValue ?? alert.value)} <ZValue z={alert.peakZscore ?? alert.zscore} />
      </td>
      <td className="num" title={`${formatClock(since)}Z`}>
        {formatClock(since)} <span className="muted dur">{formatDuration(now - since)}</span>
      </td>
      <td className={`txt state-${alert.state}`}>
        {alert.state} <SilenceBadge silence={silence} />
      </td>
      <td className="txt" data-testid="alert-case">
        {alert.assignee ? <span title="assigned to">→ {alert.assignee}</span> : null}
        {alert.notes ? <span className="muted"> · {alert.notes} note{alert.notes === 1 ? '' : 's'}</span> : null}
      </td>
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
