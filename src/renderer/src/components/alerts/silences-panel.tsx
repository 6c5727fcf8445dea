import { useState } from 'react';
import type { ApiArgs } from '../../../../shared/contract';
import { describeMatcher, MAX_SILENCE_MS, silenceEnd, silenceState, type Silence, type SilenceMatcher, type SilenceState } from '../../../../shared/silences';
import { formatDateTime, formatDuration } from '../../format/format';
import { useNow } from '../use-now';
import { useClient, useConsole } from '../context';

const STATES: readonly SilenceState[] = ['active', 'pending', 'expired'];

/** A `datetime-local` value (UTC, as every time on this console) to epoch ms; null when empty or unreadable. */
function utcInput(value: string): number | null {
  if (!value) return null;
  const t = Date.parse(`${value}Z`);
  return Number.isFinite(t) ? t : null;
}

/**
 * Silences and maintenance windows (docs/alerts.md): the ones active,
 * pending (a window not begun) and recently expired, with who made them and
 * why; a form to create one (matcher, optional rule, duration or start and
 * end, comment) and a button to expire one early.
 */
export function SilencesPanel() {
  const silences = useConsole((s) => s.silences);
  const offset = useConsole((s) => s.clockOffsetMs);
  const now = useNow(1000) + offset;
  return (
    <div className="pane pane-silences" data-testid="silences">
      <SilenceForm now={now} />
      {STATES.map((state) => {
        const list = silences.filter((s) => silenceState(s, now) === state);
        return (
          <div key={state} className="silence-group" data-testid={`silences-${state}`}>
            <div className="pane-title">
              {state} <span className="muted">({list.length})</span>
            </div>
            {list.length === 0 ? <div className="muted empty">none</div> : null}
            <table className="table silences-table">
              <tbody>
                {list.map((s) => (
                  <SilenceRow key={s.id} silence={s} state={state} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}

function SilenceRow({ silence, state, now }: { silence: Silence; state: SilenceState; now: number }) {
  const client = useClient();
  const operator = useConsole((s) => s.operator);
  const [error, setError] = useState<string | null>(null);
  const end = silenceEnd(silence);
  return (
    <tr data-testid="silence-row" data-silence-id={silence.id} data-state={state}>
      <td className="txt strong">{silence.id}</td>
      <td className="txt">{describeMatcher(silence)}</td>
      <td className="txt">
        {silence.createdBy}: <span className="muted">{silence.comment}</span>
      </td>
      <td className="num">
        {formatDateTime(silence.startsAt)} → {formatDateTime(end)}
        {state === 'active' ? <span className="muted"> ({formatDuration(end - now)} left)</span> : null}
        {state === 'pending' ? <span className="muted"> (starts in {formatDuration(silence.startsAt - now)})</span> : null}
      </td>
      <td className="txt">
        {silence.expiredBy ? <span className="muted">expired early by {silence.expiredBy}</span> : null}
        {state !== 'expired' ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="silence-expire"
            disabled={!operator}
            title={operator ? 'end it now' : 'set your name in the header first'}
            onClick={() => {
              setError(null);
              client.expireSilence({ id: silence.id, by: operator }).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
            }}
          >
            Expire
          </button>
        ) : null}
        {error ? <span className="error">{error}</span> : null}
      </td>
    </tr>
  );
}

function SilenceForm({ now }: { now: number }) {
  const client = useClient();
  const operator = useConsole((s) => s.operator);
  const [kind, setKind] = useState<SilenceMatcher['kind']>('key');
  const [value, setValue] = useState('');
  const [rule, setRule] = useState('');
  const [hours, setHours] = useState('2');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (): void => {
    setError(null);
    const start = utcInput(startsAt);
    const end = utcInput(endsAt) ?? (start ?? now) + Number(hours) * 3600_000;
    if (!Number.isFinite(end)) return setError('give an end or a duration in hours');
    const request: ApiArgs<'createSilence'>[0] = {
      matcher: { kind, value: value.trim() },
      ...(rule.trim() ? { rule: rule.trim() } : {}),
      createdBy: operator,
      comment,
      ...(start !== null ? { startsAt: start } : {}),
      endsAt: end,
    };
    setBusy(true);
    client
      .createSilence(request)
      .then(() => {
        setValue('');
        setComment('');
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };

  return (
    <form
      className="toolbar silence-form"
      data-testid="silence-form"
      // The engine says what is wrong with a silence (past, too long, unknown instrument), in words.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <span className="pane-title">New silence</span>
      <select className="select" data-testid="silence-kind" value={kind} onChange={(e) => setKind(e.target.value as SilenceMatcher['kind'])}>
        <option value="key">instrument (venue:symbol)</option>
        <option value="instrument">canonical id (every venue)</option>
        <option value="venue">whole venue</option>
      </select>
      <input className="input" data-testid="silence-value" placeholder={kind === 'key' ? 'okx:BTC-USDT-SWAP' : kind === 'instrument' ? 'BTC-USDT-PERP' : 'okx'} value={value} onChange={(e) => setValue(e.target.value)} />
      <input className="input input-small" data-testid="silence-rule" placeholder="rule (optional)" value={rule} onChange={(e) => setRule(e.target.value)} />
      <label className="muted">
        for h <input className="input input-small" data-testid="silence-hours" type="number" min="0.1" max={MAX_SILENCE_MS / 3600_000} step="any" value={hours} onChange={(e) => setHours(e.target.value)} />
      </label>
      <label className="muted" title="a start ahead makes a maintenance window (UTC)">
        or from <input className="input" data-testid="silence-start" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
      </label>
      <label className="muted">
        to <input className="input" data-testid="silence-end" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
      </label>
      <input className="input" data-testid="silence-comment" placeholder="why (required)" value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} />
      <button type="submit" className="btn btn-primary" data-testid="silence-create" disabled={busy || !operator || !value.trim() || !comment.trim()} title={operator ? '' : 'set your name in the header first'}>
        Silence as {operator || '…'}
      </button>
      {error ? <span className="error" data-testid="silence-error">{error}</span> : null}
    </form>
  );
}
