import { useEffect, useRef, useState } from 'react';
import { formatMetric } from '../../format/format';
import { useClient, useConsole } from '../context';

/**
 * Acknowledge an alert with a note. The operator's name is asked here the
 * first time and remembered. Enter confirms, Esc closes.
 */
export function AckDialog() {
  const alertId = useConsole((s) => s.ackTarget);
  const alert = useConsole((s) => (s.ackTarget === null ? undefined : (s.active[s.ackTarget] ?? s.seen[s.ackTarget])));
  const operator = useConsole((s) => s.operator);
  const setOperator = useConsole((s) => s.setOperator);
  const openAck = useConsole((s) => s.openAck);
  const client = useClient();
  const [note, setNote] = useState('');
  const [name, setName] = useState(operator);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const noteRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (alertId === null) return;
    setNote('');
    setError(null);
    setName(operator);
    (operator ? noteRef : nameRef).current?.focus();
    // Deliberately keyed on the alert only: the name is read when the dialog opens, not re-read while typing.
  }, [alertId]);

  if (alertId === null) return null;
  const by = name.trim();
  const confirm = (): void => {
    if (!by || busy) return;
    setBusy(true);
    setError(null);
    if (by !== operator) setOperator(by);
    client
      .acknowledge({ alertId, by, note })
      .then(() => openAck(null))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="modal-backdrop" onClick={() => openAck(null)}>
      <div className="modal" role="dialog" aria-label="acknowledge alert" data-testid="ack-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="modal-title">Acknowledge</div>
        {alert ? (
          <div className="modal-text">
            <span className={`sev-${alert.severity}`}>{alert.severity.toUpperCase()}</span> {alert.instrumentId} {alert.venue} · {alert.rule} ·{' '}
            {formatMetric(alert.metric, alert.value)} vs {formatMetric(alert.metric, alert.threshold)}
          </div>
        ) : (
          <div className="modal-text muted">{alertId}</div>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
        >
          {!operator ? (
            <label className="field">
              your name (asked once)
              <input ref={nameRef} className="input" data-testid="ack-by" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
            </label>
          ) : null}
          <label className="field">
            note
            <input ref={noteRef} className="input" data-testid="ack-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </label>
          {error ? <div className="error">{error}</div> : null}
          <div className="modal-actions">
            <button type="button" className="btn" onClick={() => openAck(null)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="ack-confirm" disabled={!by || busy}>
              Acknowledge as {by || '…'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
