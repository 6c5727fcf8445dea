/**
 * Silences and maintenance windows, in Alertmanager's vocabulary: a silence
 * matches alerts (one venue instrument, a canonical instrument on every
 * venue, or a whole venue; optionally one rule) from `startsAt` to `endsAt`.
 * A maintenance window is a silence whose start is in the future (`pending`).
 * A silenced alert is still evaluated, stored and shown; it only raises no
 * notification and is not an unacknowledged problem. Pure: time comes in.
 */

/** What a silence matches: a `venue:symbol` key, a canonical instrument id on every venue, or a whole venue. */
export type SilenceMatcher =
  | { readonly kind: 'key'; readonly value: string }
  | { readonly kind: 'instrument'; readonly value: string }
  | { readonly kind: 'venue'; readonly value: string };

/** One silence as stored and shown. */
export interface Silence {
  /** `S` and a number, given by the store. */
  readonly id: string;
  readonly matcher: SilenceMatcher;
  /** Only this rule's alerts; null: every rule of the matched instruments. */
  readonly rule: string | null;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  readonly startsAt: number;
  /** Planned end; every silence has one (no silence lasts forever). */
  readonly endsAt: number;
  /** Set when someone expired it before `endsAt`. */
  readonly expiredBy: string | null;
  readonly expiredAt: number | null;
}

/** Alertmanager's states: pending (a maintenance window not begun), active, expired. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** The longest a silence may last: a forgotten silence must run out within a week. */
export const MAX_SILENCE_MS = 7 * 24 * 3600_000;

/** How far ahead a maintenance window may be scheduled. */
export const MAX_SILENCE_LEAD_MS = 30 * 24 * 3600_000;

/** When the silence stops silencing: its planned end, or when it was expired early. */
export function silenceEnd(silence: Silence): number {
  return silence.expiredAt === null ? silence.endsAt : Math.min(silence.endsAt, silence.expiredAt);
}

export function silenceState(silence: Silence, now: number): SilenceState {
  if (now >= silenceEnd(silence)) return 'expired';
  return now < silence.startsAt ? 'pending' : 'active';
}

/** The fields of an alert a silence looks at. */
export interface SilenceSubject {
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: string;
  readonly rule: string;
}

export function silenceMatches(silence: Silence, alert: SilenceSubject): boolean {
  if (silence.rule !== null && silence.rule !== alert.rule) return false;
  const m = silence.matcher;
  if (m.kind === 'key') return alert.key === m.value;
  if (m.kind === 'instrument') return alert.instrumentId === m.value;
  return alert.venue === m.value;
}

/** The active silence that silences `alert` at `now` (the one running longest, when several do), or null. */
export function silenceFor(alert: SilenceSubject, silences: readonly Silence[], now: number): Silence | null {
  let found: Silence | null = null;
  for (const s of silences) {
    if (silenceState(s, now) !== 'active' || !silenceMatches(s, alert)) continue;
    if (!found || silenceEnd(s) > silenceEnd(found)) found = s;
  }
  return found;
}

/** The matcher in words: `binance-usdm:BTCUSDT`, `BTC-USDT-PERP (every venue)`, `venue okx`. */
export function describeMatcher(silence: Pick<Silence, 'matcher' | 'rule'>): string {
  const m = silence.matcher;
  const what = m.kind === 'key' ? m.value : m.kind === 'instrument' ? `${m.value} (every venue)` : `venue ${m.value}`;
  return silence.rule === null ? what : `${what}, rule ${silence.rule}`;
}

/** Why a silence's span cannot be accepted, whatever the clock: the end must follow the start by at most {@link MAX_SILENCE_MS}. */
export function silenceSpanProblem(startsAt: number, endsAt: number): string | null {
  if (endsAt <= startsAt) return 'endsAt must be after startsAt';
  if (endsAt - startsAt > MAX_SILENCE_MS) return `a silence lasts at most ${MAX_SILENCE_MS / 3600_000} h (7 days)`;
  return null;
}

/**
 * Why a silence's times cannot be accepted at `now`, or null: the end must
 * lie ahead, the span be sound ({@link silenceSpanProblem}), and the start at
 * most {@link MAX_SILENCE_LEAD_MS} ahead.
 */
export function silenceTimesProblem(startsAt: number, endsAt: number, now: number): string | null {
  if (endsAt <= now) return 'endsAt is in the past: the silence would already be expired';
  const span = silenceSpanProblem(startsAt, endsAt);
  if (span) return span;
  if (startsAt - now > MAX_SILENCE_LEAD_MS) return 'a maintenance window starts at most 30 days ahead';
  return null;
}
