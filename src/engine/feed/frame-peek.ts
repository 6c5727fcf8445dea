/**
 * Cheap field lookups in frame text, without JSON.parse: the feed needs an
 * event time (latency) and a stream position (overlap de-duplication) per
 * frame, and the mapper parses each frame once anyway. A miss returns
 * undefined; nothing here decides whether a frame is valid.
 */

/** The number after the first `"key":` (bare or quoted), from `from` on. */
export function peekNumber(text: string, key: string, from = 0): number | undefined {
  const needle = `"${key}":`;
  const at = text.indexOf(needle, from);
  if (at === -1) return undefined;
  let i = at + needle.length;
  if (text.charCodeAt(i) === 34 /* " */) i += 1;
  const start = i;
  if (text.charCodeAt(i) === 45 /* - */) i += 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i += 1;
  }
  if (i === start) return undefined;
  const value = Number(text.slice(start, i));
  return Number.isFinite(value) ? value : undefined;
}

/** The string after the first `"key":"`, from `from` on. */
export function peekString(text: string, key: string, from = 0): string | undefined {
  const needle = `"${key}":"`;
  const at = text.indexOf(needle, from);
  if (at === -1) return undefined;
  const start = at + needle.length;
  const end = text.indexOf('"', start);
  return end === -1 ? undefined : text.slice(start, end);
}

/** Where a frame sits in its stream: frames of one stream with a lower or equal position are duplicates. */
export interface StreamPosition {
  readonly stream: string;
  readonly position: number;
}
