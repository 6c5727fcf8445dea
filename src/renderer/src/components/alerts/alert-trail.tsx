import { useEffect, useState } from 'react';
import type { AlertCaseEntry } from '../../../../shared/contract';
import type { AlertEvent } from '../../../../shared/core/model';
import { formatDateTime } from '../../format/format';
import { useClient, useConsole } from '../context';
import { CaseForm } from './case-form';
import { describeCaseEntry, describeTrailEvent, mergeTrail } from './trail-text';

/**
 * One alert's case: every engine transition with the values that explain
 * it, who acknowledged it, the notes and assignments of the desk, and the
 * notifications a silence held back, in time order; below, the forms to add
 * a note or assign. Re-read whenever the alert changes or its case grows.
 */
export function AlertTrail({ alertId }: { alertId: string | null }) {
  const client = useClient();
  const [events, setEvents] = useState<readonly AlertEvent[]>([]);
  const [entries, setEntries] = useState<readonly AlertCaseEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  // The alert's latest state and its case count: either moving means the thread has more to say.
  const version = useConsole((s) => (alertId === null ? null : s.seen[alertId]));
  const cases = useConsole((s) => (alertId === null ? 0 : (s.caseCounts[alertId] ?? 0)));
  useEffect(() => {
    setError(null);
    if (alertId === null) {
      setEvents([]);
      setEntries([]);
      return;
    }
    let current = true;
    Promise.all([client.alertTrail(alertId), client.alertCase(alertId)])
      .then(([e, c]) => {
        if (!current) return;
        setEvents(e);
        setEntries(c);
      })
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [client, alertId, version, cases]);
  const onset = events[0];
  return (
    <div className="trail" data-testid="alert-trail">
      <div className="pane-title">Case and audit trail</div>
      {alertId === null ? <div className="muted">Select an alert in the history.</div> : null}
      {error ? <div className="error">{error}</div> : null}
      <ol className="trail-list">
        {mergeTrail(events, entries).map((item, i) =>
          item.type === 'event' ? (
            <li key={i} className={`trail-item kind-${item.event.kind}`} data-testid="trail-event" data-kind={item.event.kind}>
              <span className="num">{formatDateTime(item.event.time)}</span> <span className="strong">{item.event.kind}</span>
              {item.event === onset && (item.event.kind === 'pending' || item.event.kind === 'firing') ? <span className="muted"> (onset)</span> : null}{' '}
              <span className={`sev-${item.event.severity}`}>{item.event.severity}</span>
              <div className="muted" data-testid="trail-text">
                {describeTrailEvent(item.event, onset)}
              </div>
              {item.event.detail ? <div data-testid="trail-detail">{item.event.detail}</div> : null}
              {item.event.by ? (
                <div>
                  by <span className="strong">{item.event.by}</span>
                  {item.event.note ? `: ${item.event.note}` : ''}
                </div>
              ) : null}
            </li>
          ) : (
            <li key={i} className={`trail-item case-${item.entry.kind}`} data-testid="case-entry" data-kind={item.entry.kind}>
              <span className="num">{formatDateTime(item.entry.time)}</span> <span className="strong">{item.entry.kind}</span> by{' '}
              <span className="strong">{item.entry.by}</span>
              <div data-testid="case-text">{describeCaseEntry(item.entry)}</div>
            </li>
          ),
        )}
      </ol>
      {alertId !== null ? <CaseForm alertId={alertId} /> : null}
    </div>
  );
}
