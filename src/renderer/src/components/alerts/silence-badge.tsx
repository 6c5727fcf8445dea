import { silenceFor, type Silence, type SilenceSubject } from '../../../../shared/silences';
import { useConsole } from '../context';

/** The silence an alert is under now, or null (re-read as the clock moves: silences start and end on their own). */
export function useSilence(alert: SilenceSubject | undefined, now: number): Silence | null {
  const silences = useConsole((s) => s.silences);
  return alert ? silenceFor(alert, silences, now) : null;
}

/** `silenced S3 · alice`: the alert raises no notification; hover says until when and why. */
export function SilenceBadge({ silence }: { silence: Silence | null }) {
  if (!silence) return null;
  return (
    <span
      className="badge badge-silenced"
      data-testid="alert-silenced"
      data-silence-id={silence.id}
      title={`silenced by ${silence.createdBy} until ${new Date(silence.endsAt).toISOString().slice(0, 16).replace('T', ' ')}Z: ${silence.comment}`}
    >
      silenced {silence.id} · {silence.createdBy}
    </span>
  );
}
