import { existsSync } from 'node:fs';
import type { AlertHistoryRow, ApiArgs, SeriesResponse } from '../../shared/contract';
import type { AlertEvent } from '../../shared/core/model';
import { openHistoryDb, type HistoryDatabase } from '../storage/history-db';
import { alertTrail, queryAlerts, querySeries, type AlertRecord } from '../storage/history-queries';

/**
 * The history database as the console reads it. Live, the analytics worker
 * writes the file and main opens it read-only (WAL lets both work at once);
 * it is opened on first use because the worker creates it. A replay hands
 * its own (writable) handle.
 */
export class HistoryReader {
  private db: HistoryDatabase | null;

  constructor(
    private readonly path: string | null,
    db: HistoryDatabase | null = null,
  ) {
    this.db = db;
  }

  /** The handle, or null while there is no database (storage off, or not created yet). */
  handle(): HistoryDatabase | null {
    if (this.db || this.path === null || !existsSync(this.path)) return this.db;
    // The service checked the file before the engine started; a viewer need not scan it again.
    this.db = openHistoryDb(this.path, { readonly: true, integrityCheck: 'off' });
    return this.db;
  }

  series(query: ApiArgs<'series'>[0]): SeriesResponse {
    const db = this.handle();
    const maxPoints = query.maxPoints ?? 1000;
    if (!db) return { key: query.key, from: query.from, to: query.to, bucketMs: Math.max(1, Math.ceil((query.to - query.from) / maxPoints)), points: [] };
    const result = querySeries(db, { ...query, maxPoints });
    return {
      key: result.key,
      from: result.from,
      to: result.to,
      bucketMs: result.bucketMs,
      source: result.source,
      points: result.points.map(({ time, count, stale, bookInvalid, values }) => ({ time, count, stale, bookInvalid, values })),
    };
  }

  alerts(query: ApiArgs<'alertHistory'>[0]): AlertHistoryRow[] {
    const db = this.handle();
    return db ? queryAlerts(db, query).map(historyRow) : [];
  }

  trail(alertId: string): AlertEvent[] {
    const db = this.handle();
    return db ? alertTrail(db, alertId).map(({ localId: _localId, ...event }) => event) : [];
  }

  /** Closes the handle if this reader opened it. */
  close(): void {
    if (this.path !== null) this.db?.close();
    this.db = null;
  }
}

function historyRow(record: AlertRecord): AlertHistoryRow {
  const { localId: _localId, acknowledged, ...rest } = record;
  return { ...rest, ackBy: acknowledged?.by ?? null, ackAt: acknowledged?.time ?? null, ackNote: acknowledged?.note ?? null };
}
