import { hostname } from 'node:os';
import pg from 'pg';
import type { HistoryDatabase } from '../storage/history-db';
import { SyncOutbox, syncTargetKey } from './outbox';
import { ensureCentralSchema, type CentralSchemaOptions, type CentralSchemaResult } from './pg-schema';
import { checkPgUrl, describePgError, describePgTarget } from './pg-url';
import { batchStatement, silencesStatement } from './pg-statements';
import { checkSchemaName, CURSOR_TABLES, ident, MIRROR_TABLES, SILENCES, SYNC_TABLES, type SyncTable, type SyncTableName } from './sync-tables';

/** Where sync reports what it did and what went wrong (messages are already redacted). */
export type SyncLogger = (level: 'info' | 'warn', message: string) => void;

export interface PgSyncOptions extends CentralSchemaOptions {
  /** postgres:// URL (from SURVEIL_PG_URL or the keychain); never logged unredacted. */
  readonly url: string;
  /** This desk's id: with the local id it makes every central row's key. */
  readonly deskId: string;
  /** Rows per table per central transaction. Default 500. */
  readonly batchSize?: number;
  readonly log?: SyncLogger;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** A statement taking longer is abandoned (half-open network). Default 60 s. */
  readonly queryTimeoutMs?: number;
  /**
   * Also send raw samples (features.yaml sync.send_samples). Default true
   * here; the app's config defaults it to false, since at whole-market scale
   * raw samples are ~50 GB a day and the rollups carry the history.
   */
  readonly sendSamples?: boolean;
  /** Called after each committed batch. */
  readonly onBatch?: (table: SyncTableName, rows: number) => void;
}

/** Rows per table. */
export type TableCounts = Record<SyncTableName, number>;

/** What one {@link PgSync.syncUntilCaughtUp} did. */
export interface SyncPassResult {
  readonly mode: CentralSchemaResult['mode'];
  /** Rows sent per table (alerts: changed versions; instruments and silences: new or changed). */
  readonly sent: TableCounts;
  /** Rows the central database did not have yet (sent minus those it skipped as already there). */
  readonly inserted: TableCounts;
  readonly batches: number;
  /** Central silence events written (created, expired early): each once, whatever the passes. */
  readonly silenceEvents: number;
  /** False when stopped before the local tables were exhausted. */
  readonly caughtUp: boolean;
  readonly elapsedMs: number;
}

/** A sync failure; its message never contains the URL's password. */
export class SyncError extends Error {
  constructor(
    message: string,
    /** Server or network down or busy: worth retrying as is. */
    readonly transient: boolean,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

const TRANSIENT_CODES = /^(08|53|57P0[123]|40001|40P01|E(CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN|PIPE))/;
const TRANSIENT_MESSAGES = /connection terminated|timeout|terminating connection|not queryable|connection refused|socket hang up/i;

/** Zero rows for every table. */
export const zeroCounts = (): TableCounts => ({ instruments: 0, silences: 0, alerts: 0, alert_events: 0, alert_case: 0, feed_events: 0, rollups: 0, samples: 0 });
const zero = zeroCounts;

/**
 * Copies the local history into the central database, batch by batch: each
 * batch is one statement (one transaction) in PostgreSQL, and the local
 * cursor moves only after it committed. A crash or outage between the two
 * re-sends the batch, which the central keys turn into a no-op, so rows are
 * neither lost nor duplicated.
 */
export class PgSync {
  readonly outbox: SyncOutbox;
  readonly schemaName: string;
  private client: pg.Client | null = null;
  private schemaResult: CentralSchemaResult | null = null;
  private readonly batchSize: number;
  private readonly sql = new Map<SyncTableName, string>();
  /** The cursor tables this sync sends, in round order. */
  private readonly tables: readonly SyncTable[];

  constructor(
    db: HistoryDatabase,
    private readonly options: PgSyncOptions,
  ) {
    checkPgUrl(options.url);
    if (!options.deskId.trim()) throw new Error('sync needs a desk id');
    this.schemaName = checkSchemaName(options.schema ?? 'surveil');
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
    this.tables = options.sendSamples === false ? CURSOR_TABLES.filter((t) => t.name !== 'samples') : CURSOR_TABLES;
    this.outbox = new SyncOutbox(db, syncTargetKey(options.deskId, describePgTarget(options.url), this.schemaName));
  }

  /** Whether raw samples are sent (rollups always are). */
  get sendsSamples(): boolean {
    return this.tables.some((t) => t.name === 'samples');
  }

  /** Central storage mode, once connected. */
  get schema(): CentralSchemaResult | null {
    return this.schemaResult;
  }

  /** `host:port/database` of the target (no credentials). */
  get target(): string {
    return describePgTarget(this.options.url);
  }

  /**
   * Sends everything new, round by round (one batch per table per round),
   * until a round finds nothing left or `shouldStop` says so. Throws a
   * {@link SyncError}; what was committed before it stays committed.
   */
  async syncUntilCaughtUp(shouldStop: () => boolean = () => false): Promise<SyncPassResult> {
    const started = performance.now();
    const sent = zero();
    const inserted = zero();
    let batches = 0;
    let silenceEvents = 0;
    let more = true;
    try {
      const client = await this.session();
      const mirror = async (): Promise<void> => {
        for (const table of MIRROR_TABLES) {
          const rows = this.outbox.read(table, 0).rows;
          if (rows.length === 0) continue;
          if (table === SILENCES) {
            const written = await this.pushSilences(client, rows);
            silenceEvents += written.events;
            sent.silences += written.changed;
            inserted.silences += written.changed;
            continue;
          }
          const changed = await this.push(client, table, rows);
          sent[table.name] += changed;
          inserted[table.name] += changed;
        }
      };
      // Instruments (and silences) first so the rows below resolve, and again at the end for any that appeared meanwhile.
      await mirror();
      for (const table of this.tables) {
        if (this.outbox.rewindIfAhead(table)) this.log('warn', `sync: local ${table.name} revisions were re-used (after retention): re-sending ${table.name}`);
      }
      while (more && !shouldStop()) {
        more = false;
        for (const table of this.tables) {
          if (shouldStop()) break;
          const batch = this.outbox.read(table, this.batchSize);
          if (batch.rows.length === 0) continue;
          inserted[table.name] += await this.push(client, table, batch.rows);
          // Only now: the batch is committed centrally.
          this.outbox.setCursor(table.name, batch.last, batch.lastKey);
          sent[table.name] += batch.rows.length;
          batches++;
          this.options.onBatch?.(table.name, batch.rows.length);
          if (batch.localRows >= this.batchSize) more = true;
        }
      }
      if (sent.samples + sent.rollups + sent.feed_events + sent.alerts > 0) await mirror();
      await client.query(`UPDATE ${ident(this.schemaName)}.desks SET last_sync = now() WHERE desk_id = $1`, [this.options.deskId]);
    } catch (error) {
      await this.drop();
      throw this.toSyncError(error);
    }
    const mode = this.schemaResult!.mode;
    return { mode, sent, inserted, batches, silenceEvents, caughtUp: !more, elapsedMs: performance.now() - started };
  }

  /** Makes the next pass send everything the local database still has (the central side skips what it has). */
  resendAll(): void {
    this.outbox.resetCursors();
  }

  /** Closes the connection (the local database stays open: its owner closes it). */
  async close(): Promise<void> {
    await this.drop();
  }

  /** Any error as a {@link SyncError} with the password masked. */
  toSyncError(error: unknown): SyncError {
    if (error instanceof SyncError) return error;
    const code = typeof (error as { code?: unknown })?.code === 'string' ? ((error as { code: string }).code) : null;
    const message = describePgError(error, this.options.url);
    const transient = (code !== null && TRANSIENT_CODES.test(code)) || TRANSIENT_MESSAGES.test(message);
    return new SyncError(message, transient, code);
  }

  private async session(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      query_timeout: this.options.queryTimeoutMs ?? 60_000,
      keepAlive: true,
      application_name: `surveil-sync ${this.options.deskId}`.slice(0, 63),
    });
    // The server going away between queries arrives as an 'error' event; unhandled it would kill the process.
    client.on('error', () => {
      if (this.client === client) this.client = null;
      void endQuietly(client);
    });
    try {
      await client.connect();
      const previous = this.schemaResult;
      this.schemaResult = await ensureCentralSchema(client, this.options);
      if (previous?.mode !== this.schemaResult.mode) {
        this.log('info', `sync: desk ${this.options.deskId} -> ${this.target} schema "${this.schemaName}": ${this.schemaResult.detail}`);
      }
      for (const warning of this.schemaResult.warnings) this.log('warn', `sync: ${warning}`);
      await this.registerDesk(client);
    } catch (error) {
      await endQuietly(client);
      throw error;
    }
    this.client = client;
    return client;
  }

  /**
   * Ties the desk id to this local database. A desk id the server does not
   * know yet (a new or restored server) makes the cursors start over: the
   * cursors say what some server had, not necessarily this one.
   */
  private async registerDesk(client: pg.Client): Promise<void> {
    const s = ident(this.schemaName);
    const source = this.outbox.sourceId();
    const added = await client.query(`INSERT INTO ${s}.desks (desk_id, source_id, host) VALUES ($1, $2, $3) ON CONFLICT (desk_id) DO NOTHING`, [
      this.options.deskId,
      source,
      hostname(),
    ]);
    if (added.rowCount === 1) {
      if (Object.values(this.outbox.cursors(CURSOR_TABLES)).some((c) => c > 0)) {
        this.log('warn', `sync: ${this.target} does not know desk ${this.options.deskId}: sending the whole local history again`);
        this.outbox.resetCursors();
      }
      return;
    }
    const row = await client.query<{ source_id: string; host: string | null }>(`SELECT source_id, host FROM ${s}.desks WHERE desk_id = $1`, [
      this.options.deskId,
    ]);
    const owner = row.rows[0];
    if (owner && owner.source_id !== source) {
      throw new SyncError(
        `desk id "${this.options.deskId}" already belongs to another history database (host ${owner.host ?? '?'}): ` +
          'give this desk its own sync.desk_id (two databases under one id would skip each other\'s rows as duplicates)',
        false,
        'desk_conflict',
      );
    }
  }

  /** Sends one batch as one statement: insert-or-skip, or upsert for alerts. Returns rows written. */
  private async push(client: pg.Client, table: SyncTable, rows: readonly unknown[][]): Promise<number> {
    let sql = this.sql.get(table.name);
    if (!sql) this.sql.set(table.name, (sql = batchStatement(this.schemaName, table)));
    const result = await client.query(sql, this.batchParams(table, rows));
    return result.rowCount ?? 0;
  }

  /** $1 the desk id, then one array per column, local id first. */
  private batchParams(table: SyncTable, rows: readonly unknown[][]): unknown[] {
    const params: unknown[] = [this.options.deskId];
    for (let i = 0; i < table.columns.length + 1; i++) params.push(rows.map((r) => r[i] ?? null));
    return params;
  }

  /** The silences mirror with their events, one statement: how many silences it wrote and how many events. */
  private async pushSilences(client: pg.Client, rows: readonly unknown[][]): Promise<{ changed: number; events: number }> {
    let sql = this.sql.get(SILENCES.name);
    if (!sql) this.sql.set(SILENCES.name, (sql = silencesStatement(this.schemaName)));
    const result = await client.query<{ changed: number; events: number }>(sql, this.batchParams(SILENCES, rows));
    return result.rows[0] ?? { changed: 0, events: 0 };
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await endQuietly(client);
  }

  private log(level: 'info' | 'warn', message: string): void {
    (this.options.log ?? defaultLog)(level, message);
  }
}

/** Every table sync touches, for reports. */
export const SYNCED_TABLES: readonly SyncTableName[] = SYNC_TABLES.map((t) => t.name);

/** end() on a dead socket can wait for a close that never comes: it must not hold up stop(). */
async function endQuietly(client: pg.Client): Promise<void> {
  await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
}

function defaultLog(_level: 'info' | 'warn', message: string): void {
  process.stderr.write(`${message}\n`);
}
