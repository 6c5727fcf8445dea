import { useEffect, useState } from 'react';
import type { AlertEvent } from '../../../../shared/core/model';
import { formatDateTime, formatMetric, formatSigma } from '../../format/format';
import { useClient } from '../context';

/**
 * Every transition of one alert with the values that caused it, and who
 * acknowledged it with what note. The first entry is the value at open: the
 * live views show the value now and the peak, so this is where the onset is kept.
 */
export function AlertTrail({ alertId }: { alertId: string | null }) {
  const client = useClient();
  const [events, setEvents] = useState<readonly AlertEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setEvents([]);
    setError(null);
    if (alertId === null) return;
    let current = true;
    client
      .alertTrail(alertId)
      .then((e) => current && setEvents(e))
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [client, alertId]);
  return (
    <div className="trail" data-testid="alert-trail">
      <div className="pane-title">Audit trail</div>
      {alertId === null ? <div className="muted">Select an alert in the history.</div> : null}
      {error ? <div className="error">{error}</div> : null}
      <ol className="trail-list">
        {events.map((e, i) => (
          <li key={i} className={`trail-item kind-${e.kind}`} data-testid="trail-event">
            <span className="num">{formatDateTime(e.time)}</span> <span className="strong">{e.kind}</span>
            {i === 0 && (e.kind === 'pending' || e.kind === 'firing') ? <span className="muted"> (value at open)</span> : null}{' '}
            <span className={`sev-${e.severity}`}>{e.severity}</span>
            <div className="muted">
              {e.rule}: {formatMetric(e.metric, e.value)} vs {formatMetric(e.metric, e.threshold)}, z {formatSigma(e.zscore)}
              {e.zThreshold !== null ? ` (bar ${e.zThreshold})` : ''}
            </div>
            {e.detail ? <div data-testid="trail-detail">{e.detail}</div> : null}
            {e.by ? (
              <div>
                by <span className="strong">{e.by}</span>
                {e.note ? `: ${e.note}` : ''}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
