/**
 * What a worker died of, in words. An error crossing from a worker thread
 * arrives as a clone: an Error subclass of a library (better-sqlite3's
 * SqliteError) can arrive as a bare `{ code }`, its message lost, which
 * would read "error: undefined" in the restart alert.
 */
export function workerErrorText(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { message, code, name } = error as { message?: unknown; code?: unknown; name?: unknown };
    const parts = [typeof name === 'string' ? name : null, typeof code === 'string' ? code : null, typeof message === 'string' && message ? message : null].filter((p) => p !== null);
    if (parts.length > 0) return `${parts.join(': ')}${typeof message === 'string' && message ? '' : ' (no message came with it)'}`;
  }
  return String(error);
}
