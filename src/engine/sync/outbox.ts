import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { HistoryDatabase } from '../storage/history-db';
import { RollupSeriesCatalogue } from '../storage/rollup-series';
import type { SyncTable, SyncTableName } from './sync-tables';

// Sync's own bookkeeping in the local database. Created here rather than in
// the history migrations: it belongs to sync, and a database that never
// syncs never gets it. `target` is desk + server + schema, so a desk moved to
// another server (or schema) starts that one from the beginning.
const SYNC_DDL = `
CREATE TABLE IF NOT EXISTS sync_cursors (
  target TEXT NOT NULL,
  table_name TEXT NOT NULL,
  position INTEGER NOT NULL,
  -- alerts: the alert_id synced at that revision (see rewindIfAhead)
  last_key TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (target, table_name)
);
CREATE TABLE IF NOT EXISTS sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** A batch read from the local database: rows as arrays (local id first), and the cursor value after it. */
export interface OutboxBatch {
  readonly rows: readonly unknown[][];
  /** The cursor to store once the batch is committed centrally. */
  readonly last: number;
  /** Alerts: the alert_id at `last`. */
  readonly lastKey: string | null;
  /** Local rows read (rollups: fewer than `rows`, each minute being one central row per series). */
  readonly localRows: number;
}

/**
 * The local side of sync: reads what the central database has not got yet,
 * and remembers how far it got. Cursors are monotonic positions in the local
 * tables: the last synced `id` for append-only tables, the last synced
 * `revision` for alerts. Both are safe to read as "everything up to here"
 * because SQLite has a single writer: a row with a higher id or revision is
 * never visible before a lower one.
 */
export class SyncOutbox {
  private readonly getCursor: Database.Statement;
  private readonly putCursor: Database.Statement;
  private readonly reads = new Map<SyncTableName, Database.Statement>();
  private catalogue: RollupSeriesCatalogue | null = null;

  constructor(
    readonly db: HistoryDatabase,
    /** Cursor namespace: desk id, server and schema (see {@link syncTargetKey}). */
    readonly target: string,
  ) {
    db.exec(SYNC_DDL);
    this.getCursor = db.prepare('SELECT position, last_key FROM sync_cursors WHERE target = ? AND table_name = ?');
    this.putCursor = db.prepare(`INSERT INTO sync_cursors (target, table_name, position, last_key, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (target, table_name) DO UPDATE SET position = excluded.position, last_key = excluded.last_key, updated_at = excluded.updated_at`);
  }

  /**
   * This database's identity, made once and kept: the central database ties
   * a desk id to it, so two databases cannot write under the same desk id.
   */
  sourceId(): string {
    const get = this.db.prepare(`SELECT value FROM sync_meta WHERE key = 'source_id'`).pluck();
    const known = get.get() as string | undefined;
    if (known) return known;
    // INSERT OR IGNORE + re-read: two processes creating it at once agree on one.
    this.db.prepare(`INSERT OR IGNORE INTO sync_meta (key, value) VALUES ('source_id', ?)`).run(randomUUID());
    return get.get() as string;
  }

  /** The stored cursor of a table, 0 when it never synced to this target. */
  cursor(table: SyncTableName): number {
    return this.cursorRow(table)?.position ?? 0;
  }

  /** Every table's cursor. */
  cursors(tables: readonly SyncTable[]): Record<string, number> {
    return Object.fromEntries(tables.map((t) => [t.name, this.cursor(t.name)]));
  }

  /** Stores a cursor: only ever called after the batch up to it was committed centrally. */
  setCursor(table: SyncTableName, position: number, lastKey: string | null = null): void {
    this.putCursor.run(this.target, table, position, lastKey, Date.now());
  }

  /** Forgets this target's cursors: everything is sent again (the central side skips what it has). */
  resetCursors(): void {
    this.db.prepare('DELETE FROM sync_cursors WHERE target = ?').run(this.target);
  }

  /** The next rows after the table's cursor, in cursor order; mirror tables return every row. */
  read(table: SyncTable, limit: number): OutboxBatch {
    const statement = this.statement(table);
    if (table.kind === 'mirror') {
      const rows = statement.all() as unknown[][];
      return { rows, last: 0, lastKey: null, localRows: rows.length };
    }
    const rows = statement.all(this.cursor(table.name), limit) as unknown[][];
    const end = rows[rows.length - 1];
    if (!end) return { rows, last: this.cursor(table.name), lastKey: null, localRows: 0 };
    // The cursor column was appended to each row for this; the central insert does not want it.
    let out = rows.map((r) => r.slice(0, -1));
    if (table.local) {
      const catalogue = (this.catalogue ??= new RollupSeriesCatalogue(this.db, { readonly: true }));
      out = out.flatMap((r) => table.local!.expand(r, catalogue));
    }
    return { rows: out, last: end[end.length - 1] as number, lastKey: table.kind === 'upsert' ? (end[1] as string) : null, localRows: rows.length };
  }

  /**
   * Alerts only: starts the table over when its revisions were re-used.
   * Revisions come from max(revision) + 1, so once retention deletes the
   * alert holding the highest one, the next changes re-use numbers the
   * cursor has already passed and would never be sent. Seen as: the cursor
   * past the highest revision, or another alert than the one synced at the
   * cursor's revision. Re-sending alerts is cheap (few rows) and harmless
   * (the newer revision wins centrally).
   */
  rewindIfAhead(table: SyncTable): boolean {
    const at = this.cursorRow(table.name);
    if (table.kind !== 'upsert' || !at || at.position === 0) return false;
    const max = this.db.prepare(`SELECT coalesce(max(revision), 0) FROM ${table.name}`).pluck().get() as number;
    const holder = this.db.prepare(`SELECT alert_id FROM ${table.name} WHERE revision = ?`).pluck().get(at.position) as string | undefined;
    if (max >= at.position && (holder === undefined || at.last_key === null || holder === at.last_key)) return false;
    this.setCursor(table.name, 0);
    return true;
  }

  /** Rows not yet synced, per cursor table (alerts: changes). */
  backlog(tables: readonly SyncTable[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of tables) {
      if (t.kind === 'mirror') continue;
      const column = t.kind === 'upsert' ? 'revision' : (t.local?.idColumn ?? 'id');
      out[t.name] = this.db.prepare(`SELECT count(*) FROM ${t.name} WHERE ${column} > ?`).pluck().get(this.cursor(t.name)) as number;
    }
    return out;
  }

  private cursorRow(table: SyncTableName): { position: number; last_key: string | null } | undefined {
    return this.getCursor.get(this.target, table) as { position: number; last_key: string | null } | undefined;
  }

  private statement(table: SyncTable): Database.Statement {
    let statement = this.reads.get(table.name);
    if (statement) return statement;
    const id = table.local?.idColumn ?? 'id';
    const columns = [id, ...(table.local?.columns ?? table.columns.map((c) => c.name)).map((c) => `"${c}"`)].join(', ');
    const position = table.kind === 'upsert' ? 'revision' : id;
    statement =
      table.kind === 'mirror'
        ? this.db.prepare(`SELECT ${columns} FROM ${table.name} ORDER BY ${id}`).raw()
        : this.db.prepare(`SELECT ${columns}, ${position} FROM ${table.name} WHERE ${position} > ? ORDER BY ${position} LIMIT ?`).raw();
    this.reads.set(table.name, statement);
    return statement;
  }
}

/** The cursor namespace of a desk syncing to a server and schema. */
export function syncTargetKey(deskId: string, server: string, schema: string): string {
  return `${deskId}@${server}/${schema}`;
}
