/**
 * Diffs a book holds while it waits for its snapshot are bounded by age as
 * well as count. A snapshot that arrives now was requested at most a request
 * timeout ago, so it already reflects every diff older than that: those can
 * only be dropped against it. Without the bound a whole market waiting on a
 * throttled or failing REST API holds every diff of every book (10,000 per
 * book, gigabytes at 2,500 books); with it, about a minute of each.
 */
export const MAX_BUFFER_AGE_MS = 60_000;

/**
 * Drops from the front of `buffer` the diffs received more than `maxAgeMs`
 * before `now` (receive time, so replays trim the same way). Returns how many.
 * A snapshot older than what is kept is seen by the sync rules as too old and
 * fetched again: trimming never makes a wrong book.
 */
export function trimBufferByAge<T extends { readonly receiveTime: number }>(buffer: T[], now: number, maxAgeMs = MAX_BUFFER_AGE_MS): number {
  let stale = 0;
  while (stale < buffer.length && now - buffer[stale]!.receiveTime > maxAgeMs) stale += 1;
  if (stale > 0) buffer.splice(0, stale);
  return stale;
}
