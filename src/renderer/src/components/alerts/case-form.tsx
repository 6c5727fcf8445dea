import { useState } from 'react';
import { useClient, useConsole } from '../context';

/** Add a note to an alert's case, or assign it; both as the operator named in the header (asked here if not set). */
export function CaseForm({ alertId }: { alertId: string }) {
  const client = useClient();
  const operator = useConsole((s) => s.operator);
  const setOperator = useConsole((s) => s.setOperator);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const by = (operator || name).trim();

  const run = (action: () => Promise<unknown>, done: () => void): void => {
    if (!by || busy) return;
    setBusy(true);
    setError(null);
    if (!operator) setOperator(by);
    action()
      .then(done)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };

  return (
    <div className="case-form" data-testid="case-form">
      {!operator ? (
        <label className="field">
          your name
          <input className="input" data-testid="case-by" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        </label>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const text = note.trim();
          if (text) run(() => client.addNote({ alertId, by, text }), () => setNote(''));
        }}
      >
        <input className="input" data-testid="case-note" placeholder="add a note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="btn btn-small" data-testid="case-note-add" disabled={!by || busy || !note.trim()}>
          Add note
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const who = assignee.trim();
          run(() => client.assignAlert({ alertId, by, assignee: who || null }), () => setAssignee(''));
        }}
      >
        <input className="input input-small" data-testid="case-assignee" placeholder="assign to (empty: nobody)" value={assignee} maxLength={80} onChange={(e) => setAssignee(e.target.value)} />
        <button type="submit" className="btn btn-small" data-testid="case-assign" disabled={!by || busy}>
          Assign
        </button>
      </form>
      {error ? <div className="error" data-testid="case-error">{error}</div> : null}
    </div>
  );
}
