import type { HistoryDatabase } from './history-db';

/** A recording as the `captures` table keeps it. */
export interface CaptureRecord {
  readonly id: number;
  readonly path: string;
  /** The venue recorded, or several comma-separated, or null when unknown. */
  readonly venue: string | null;
  readonly started: number;
  /** Null while the recording runs (or if it was killed before it could say). */
  readonly ended: number | null;
  readonly frames: number;
  /** Uncompressed bytes, as the capture writer counts them. */
  readonly bytes: number;
}

/** Registers a recording as it starts; returns its id for {@link recordCaptureProgress}. */
export function recordCaptureStart(
  db: HistoryDatabase,
  capture: { readonly path: string; readonly venue?: string | null; readonly started: number },
): number {
  const info = db
    .prepare('INSERT INTO captures (path, venue, started) VALUES (?, ?, ?)')
    .run(capture.path, capture.venue ?? null, capture.started);
  return Number(info.lastInsertRowid);
}

/**
 * Updates a recording's counters; pass `ended` when it stops. Calling it now
 * and then while recording keeps the row useful if the process dies.
 */
/** The row of a recording of `path` still open (no end), latest first: a restarted writer finds it again. */
export function openCaptureId(db: HistoryDatabase, path: string): number | null {
  const id = db.prepare('SELECT id FROM captures WHERE path = ? AND ended IS NULL ORDER BY id DESC LIMIT 1').pluck().get(path) as number | undefined;
  return id ?? null;
}

export function recordCaptureProgress(
  db: HistoryDatabase,
  id: number,
  progress: { readonly frames: number; readonly bytes: number; readonly ended?: number | null },
): void {
  db.prepare('UPDATE captures SET frames = ?, bytes = ?, ended = coalesce(?, ended) WHERE id = ?').run(
    progress.frames,
    progress.bytes,
    progress.ended ?? null,
    id,
  );
}

/** Recordings, newest first. */
export function listCaptures(db: HistoryDatabase, limit = 1000): CaptureRecord[] {
  return db.prepare('SELECT id, path, venue, started, ended, frames, bytes FROM captures ORDER BY started DESC, id DESC LIMIT ?').all(limit) as CaptureRecord[];
}
