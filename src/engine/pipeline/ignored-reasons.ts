/**
 * Most distinct reasons kept apart: a mapper's `what` can come from the frame
 * (an OKX `event` string), so a hostile feed must not grow the map without end.
 */
export const MAX_IGNORED_REASONS = 64;

/** The bucket every reason past {@link MAX_IGNORED_REASONS} is counted in. */
export const OTHER_IGNORED = 'other';

/** Counts one ignored frame under its mapper's `what` (`pong`, `trade`, `subscription ack`, ...). */
export function countIgnored(byReason: Record<string, number>, what: string): void {
  const known = Object.hasOwn(byReason, what);
  const key = known || Object.keys(byReason).length < MAX_IGNORED_REASONS ? what : OTHER_IGNORED;
  byReason[key] = (byReason[key] ?? 0) + 1;
}
