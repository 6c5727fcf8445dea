/**
 * The replay view's seek instant as typed and shown: UTC to the millisecond,
 * or an offset from the capture's first frame.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-03-02 00:01:15.250` (UTC). Capture times carry fractions of a ms (real recordings): shown to the ms. */
export function formatInstant(ms: number): string {
  const d = new Date(Math.floor(ms));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** `+45.250 s` from the capture's first frame. */
export function formatOffset(ms: number, firstT: number): string {
  const s = (ms - firstT) / 1000;
  return `${s < 0 ? '-' : '+'}${Math.abs(s).toFixed(3)} s`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;
const OFFSET = /^\+(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;

/**
 * A typed instant: `2026-03-02 00:01:15.250` or with a `T` and a `Z` (always
 * UTC), `+45s` / `+45.5` / `+1500ms` / `+2m` from the capture's first frame
 * (`firstT`), or epoch ms. Null when it is none of these.
 */
export function parseInstant(text: string, firstT: number | null): number | null {
  const t = text.trim();
  const offset = OFFSET.exec(t);
  if (offset) {
    if (firstT === null) return null;
    const unit = offset[2] === 'ms' ? 1 : offset[2] === 'm' ? 60_000 : 1000;
    return firstT + Number(offset[1]) * unit;
  }
  if (/^\d{12,14}(\.\d+)?$/.test(t)) return Number(t);
  const m = DATE_TIME.exec(t);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  const value = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  // Date.UTC rolls 2026-02-31 over to March: a date that does not exist is refused, not moved.
  const check = new Date(value);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCHours() !== Number(h) || check.getUTCMinutes() !== Number(mi)) return null;
  return value;
}

/** The instant clamped into the capture's range, and whether it had to be. */
export function clampInstant(at: number, firstT: number | null, lastT: number | null): { at: number; clamped: 'start' | 'end' | null } {
  if (firstT !== null && at < firstT) return { at: firstT, clamped: 'start' };
  if (lastT !== null && at > lastT) return { at: lastT, clamped: 'end' };
  return { at, clamped: null };
}
