import type { ClientBase, QueryConfig } from 'pg';
import { eventKeyExpressions } from '../storage/migrations';
import { checkSchemaName, ident, SYNC_TABLES, TIME_TABLES, type SyncTable } from './sync-tables';

/** How the central tables are stored. */
export type CentralMode = 'timescaledb' | 'postgres';

/** Central schema version this build writes; a newer one in the database stops sync. */
export const CENTRAL_SCHEMA_VERSION = 5;

export interface CentralSchemaOptions {
  /** PostgreSQL schema holding the tables. Default `surveil`; tests use a fresh one each. */
  readonly schema?: string;
  /** `off` forces plain tables even where TimescaleDB exists. Default `auto`. */
  readonly timescale?: 'auto' | 'off';
  /** TimescaleDB: chunks older than this are compressed. Default 7 days. */
  readonly compressAfterDays?: number;
  /** TimescaleDB: chunks older than this are dropped; null keeps everything. Default 365 days. */
  readonly retentionDays?: number | null;
}

/** What {@link ensureCentralSchema} did. */
export interface CentralSchemaResult {
  readonly mode: CentralMode;
  /** TimescaleDB version, when used. */
  readonly timescaleVersion: string | null;
  /** One line for the log: the mode and why. */
  readonly detail: string;
  /** Policies that could not be added (sync works without them). */
  readonly warnings: readonly string[];
}

/** The central schema was written by a newer build. */
export class CentralSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CentralSchemaError';
  }
}

/** Central DDL for one table: desk_id and local_id first, then the synced columns. */
function tableSql(schema: string, table: SyncTable): string[] {
  const t = `${ident(schema)}.${ident(table.name)}`;
  // A TimescaleDB unique index must contain the partitioning column, hence
  // `time` in the key of the append-only tables. A local row's id and time
  // never change, so (desk_id, local_id, time) is as strict as (desk_id, local_id),
  // and the same key works in both modes (a plain schema can later become hypertables).
  const key = table.key ?? (table.kind === 'append' ? 'desk_id, local_id, time' : table.kind === 'upsert' ? 'desk_id, alert_id' : 'desk_id, local_id');
  const extra = table.unique ? `, UNIQUE (${table.unique})` : table.kind === 'upsert' ? ', synced_at timestamptz NOT NULL DEFAULT now()' : '';
  const columns = table.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
  // A schema made by an older build gains the columns added since; NOT NULL columns are all from version 1.
  const added = table.columns.filter((c) => !c.type.includes('NOT NULL')).map((c) => `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${ident(c.name)} ${c.type}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (desk_id text NOT NULL, local_id bigint NOT NULL, ${columns}${extra}, PRIMARY KEY (${key}))`,
    ...added,
    ...table.indexes.map((cols) => `CREATE INDEX IF NOT EXISTS ${ident(`${table.name}_${cols.replace(/\W+/g, '_')}`)} ON ${t} (${cols})`),
  ];
}

/** Schema, bookkeeping and data tables, all `IF NOT EXISTS`: safe to run on every connect, by every desk. */
export function plainSchemaSql(schemaName: string): string[] {
  const s = ident(checkSchemaName(schemaName));
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.schema_meta (key text PRIMARY KEY, value text NOT NULL)`,
    // source_id ties a desk id to one local database: a second machine (or a
    // recreated file, whose ids restart at 1) under the same desk id would
    // otherwise have its rows silently skipped as duplicates.
    `CREATE TABLE IF NOT EXISTS ${s}.desks (desk_id text PRIMARY KEY, source_id text NOT NULL, host text,
      first_sync timestamptz NOT NULL DEFAULT now(), last_sync timestamptz NOT NULL DEFAULT now())`,
    ...SYNC_TABLES.flatMap((t) => tableSql(schemaName, t)),
    // Central schema 5: what became of each silence, once per silence and kind (a re-sent change is a no-op).
    `CREATE TABLE IF NOT EXISTS ${s}.${ident(SILENCE_EVENTS)} (desk_id text NOT NULL, local_id bigint NOT NULL,
      kind text NOT NULL CHECK (kind IN ('created', 'expired')), time timestamptz NOT NULL, by text NOT NULL, comment text,
      synced_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (desk_id, local_id, kind))`,
  ];
}

/**
 * The audit trail of the silences (central only): `created` at created_at by
 * created_by, `expired` when someone ended one early (at expired_at, by
 * expired_by). A silence running out at its ends_at is no event: its end is
 * in the silences row.
 */
export const SILENCE_EVENTS = 'silence_events';

/**
 * Central schema 3: each append-only table's natural key per desk, the same
 * as the local one (see EVENT_KEYS in the history migrations), so an event a
 * desk wrote twice (a replay run again, resumed after a kill, or written by
 * a build before the local keys) is one central row. Every key holds `time`,
 * as TimescaleDB requires of a unique index on a hypertable.
 */
export function naturalKeys(): { table: string; index: string; columns: string[] }[] {
  return [
    { table: 'alert_events', index: 'alert_events_event', columns: ['desk_id', ...eventKeyExpressions('alert_events', undefined, ident)] },
    { table: 'feed_events', index: 'feed_events_event', columns: ['desk_id', ...eventKeyExpressions('feed_events', undefined, ident)] },
    { table: 'samples', index: 'samples_event', columns: ['desk_id', 'instrument_id', 'time'] },
    // Central schema 4: a minute of a series, whichever local row carried it (the local key is (instrument_id, minute)).
    { table: 'rollups', index: 'rollups_event', columns: ['desk_id', 'instrument_id', 'time', 'series'] },
  ];
}

/** The natural-key upgrade of a large central table may take minutes: it gets its own timeout. */
export const NATURAL_KEY_UPGRADE_TIMEOUT_MS = 6 * 3600_000;

/** node-pg honours a per-query `query_timeout` its types do not declare. */
function longQuery(text: string): QueryConfig {
  return { text, query_timeout: NATURAL_KEY_UPGRADE_TIMEOUT_MS } as QueryConfig;
}

/**
 * The statements giving a schema its natural keys: rows already duplicated
 * under another local id (synced before the keys existed) are deleted, the
 * first (lowest local id) kept, as the local migration keeps it; then the
 * unique index. Run only while the index is missing: the scan is the size of
 * the table. Rows are named by their primary key, not ctid, which is not
 * unique across a hypertable's chunks.
 */
export function naturalKeySql(schemaName: string, key: ReturnType<typeof naturalKeys>[number]): string[] {
  const t = `${ident(schemaName)}.${ident(key.table)}`;
  const cols = key.columns.join(', ');
  return [
    `DELETE FROM ${t} AS cur USING (SELECT desk_id, local_id, time FROM (SELECT desk_id, local_id, time, row_number() OVER (PARTITION BY ${cols} ORDER BY local_id) AS n FROM ${t}) ranked WHERE n > 1) dup
      WHERE cur.desk_id = dup.desk_id AND cur.local_id = dup.local_id AND cur.time = dup.time`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${ident(key.index)} ON ${t} (${cols})`,
  ];
}

/** Plain-mode time indexes (a hypertable gets its own). */
export function timeIndexSql(schemaName: string): string[] {
  return TIME_TABLES.map((t) => `CREATE INDEX IF NOT EXISTS ${ident(`${t.name}_time`)} ON ${ident(schemaName)}.${ident(t.name)} (time)`);
}

/** TimescaleDB statements for one append-only table. */
export interface TimescaleTablePlan {
  readonly table: string;
  /** create_hypertable: without it the mode is not TimescaleDB, so a failure fails the schema. */
  readonly hypertable: string;
  /** Enables compression: run only while the table has none (re-setting it over compressed chunks is an error). */
  readonly compression: string;
  /** Compression and retention policies: best effort, sync works without them. */
  readonly policies: readonly string[];
  /** Continuous aggregates over the table and their refresh policies: best effort too. */
  readonly aggregates: readonly string[];
}

/** The hourly continuous aggregate of the central rollups. */
export const ROLLUPS_HOURLY_VIEW = 'rollups_hourly';

/**
 * TimescaleDB: an hourly continuous aggregate over the per-minute rollups
 * (what a month's chart across desks reads), refreshed by a policy. Created
 * WITH NO DATA: WITH DATA cannot run inside a transaction, and the policy
 * fills it. Every function in it is one TimescaleDB allows in a continuous
 * aggregate; the mean is re-weighted by each minute's sample count.
 * https://www.tigerdata.com/docs/use-timescale/latest/continuous-aggregates/create-a-continuous-aggregate
 * https://www.tigerdata.com/docs/build/tips-and-tricks/troubleshoot-continuous-aggregates
 */
export function rollupAggregateSql(schemaName: string): string[] {
  const view = `${ident(schemaName)}.${ident(ROLLUPS_HOURLY_VIEW)}`;
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} WITH (timescaledb.continuous) AS
      SELECT desk_id, instrument_id, series, time_bucket(INTERVAL '1 hour', time) AS bucket,
        min(min) AS min, max(max) AS max, sum(mean * n) / nullif(sum(n) FILTER (WHERE mean IS NOT NULL), 0) AS mean,
        last(last, time) AS last, sum(n) AS n, sum(valid_ms) AS valid_ms, sum(samples) AS samples
      FROM ${ident(schemaName)}.${ident('rollups')}
      GROUP BY desk_id, instrument_id, series, bucket
      WITH NO DATA`,
    `SELECT add_continuous_aggregate_policy('${view}'::regclass, start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
      schedule_interval => INTERVAL '30 minutes', if_not_exists => TRUE)`,
  ];
}

/** The TimescaleDB statements, per append-only table. */
export function timescaleSql(schemaName: string, options: CentralSchemaOptions = {}): TimescaleTablePlan[] {
  const compressAfter = options.compressAfterDays ?? 7;
  const retention = options.retentionDays === undefined ? 365 : options.retentionDays;
  return TIME_TABLES.map((t) => {
    const table = `${ident(schemaName)}.${ident(t.name)}`;
    const rel = `'${table}'::regclass`;
    const chunk = t.name === 'samples' ? '1 day' : '7 days';
    // Every key column must be a segment-by or order-by column for compressed chunks to enforce the key.
    const segment = t.name === 'samples' ? 'desk_id, instrument_id' : t.name === 'rollups' ? 'desk_id, instrument_id, series' : 'desk_id';
    const policies = [`SELECT add_compression_policy(${rel}, INTERVAL '${compressAfter} days', if_not_exists => TRUE)`];
    if (retention !== null) policies.push(`SELECT add_retention_policy(${rel}, INTERVAL '${retention} days', if_not_exists => TRUE)`);
    return {
      table: t.name,
      hypertable: `SELECT create_hypertable(${rel}, 'time', chunk_time_interval => INTERVAL '${chunk}', if_not_exists => TRUE, migrate_data => TRUE)`,
      compression: `ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = '${segment}', timescaledb.compress_orderby = 'time DESC, local_id DESC')`,
      aggregates: t.name === 'rollups' ? rollupAggregateSql(schemaName) : [],
      policies,
    };
  });
}

/** Whether TimescaleDB is installed in the database, or can be (then it is created), and why not otherwise. */
export async function detectTimescale(client: ClientBase): Promise<{ version: string | null; reason: string }> {
  const installed = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
  if (installed.rows[0]) return { version: installed.rows[0].extversion, reason: 'extension installed' };
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (available.rowCount === 0) return { version: null, reason: 'timescaledb extension not available on the server' };
  try {
    // Needs shared_preload_libraries and the right to create extensions; either may be missing.
    await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
  } catch (error) {
    return { version: null, reason: `timescaledb is available but could not be created: ${(error as Error).message}` };
  }
  const created = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
  return { version: created.rows[0]?.extversion ?? null, reason: 'extension created' };
}

/**
 * The storage mode, from what the server has (the TimescaleDB version
 * found or created, null when none) and what the schema was made in (null
 * when it is not complete at this version). Hypertables cannot go back to
 * plain tables, so a schema made in TimescaleDB mode stays so; a plain one
 * becomes TimescaleDB once the extension is there (create_hypertable
 * migrates the data).
 */
export function chooseCentralMode(timescaleVersion: string | null, stored: CentralMode | null): CentralMode {
  if (stored === 'timescaledb') return stored;
  return timescaleVersion === null ? 'postgres' : 'timescaledb';
}

/**
 * Creates the central schema idempotently and picks the storage mode:
 * hypertables with compression and retention when TimescaleDB is there,
 * plain tables with time indexes otherwise. The DDL runs in one transaction
 * under an advisory lock, so desks starting together do not race on it.
 */
export async function ensureCentralSchema(client: ClientBase, options: CentralSchemaOptions = {}): Promise<CentralSchemaResult> {
  const schema = checkSchemaName(options.schema ?? 'surveil');
  const ts = options.timescale === 'off' ? { version: null, reason: 'timescale disabled by option' } : await detectTimescale(client);
  const warnings: string[] = [];
  const stored = await storedMode(client, schema);
  const mode = chooseCentralMode(ts.version, stored);
  if (stored !== mode) await createSchema(client, schema, options, ts.version, warnings);
  if (mode === 'postgres') {
    return {
      mode,
      timescaleVersion: null,
      detail: `plain PostgreSQL tables with time indexes (${ts.reason}); rollups in a plain table, no continuous aggregates`,
      warnings,
    };
  }
  const retention = options.retentionDays === undefined ? 365 : options.retentionDays;
  const policy = `compression after ${options.compressAfterDays ?? 7} d, ${retention === null ? 'no retention' : `retention ${retention} d`}, continuous aggregate ${ROLLUPS_HOURLY_VIEW} over the rollups`;
  if (ts.version === null) return { mode, timescaleVersion: null, detail: `TimescaleDB hypertables (schema "${schema}" was created so; ${ts.reason})`, warnings };
  return { mode, timescaleVersion: ts.version, detail: `TimescaleDB ${ts.version} hypertables, ${policy} (${ts.reason})`, warnings };
}

/**
 * The mode the schema was completed in, when every table is there; null when
 * the DDL has to run.
 * The fast path matters: the DDL takes table locks that would make every
 * desk's reconnect wait on (and hold up) the other desks' inserts, and a
 * desk role without CREATE rights can then still sync into a schema an
 * administrator created.
 */
async function storedMode(client: ClientBase, schema: string): Promise<CentralMode | null> {
  const s = ident(schema);
  const names = ['schema_meta', 'desks', ...SYNC_TABLES.map((t) => t.name), SILENCE_EVENTS].map((n) => `${s}.${ident(n)}`);
  const present = await client.query<{ n: string }>('SELECT count(to_regclass(n)) AS n FROM unnest($1::text[]) AS n', [names]);
  if (Number(present.rows[0]?.n) !== names.length) return null;
  const meta = await client.query<{ key: string; value: string }>(`SELECT key, value FROM ${s}.schema_meta`);
  const get = (key: string): string | undefined => meta.rows.find((r) => r.key === key)?.value;
  const version = Number(get('version'));
  if (version > CENTRAL_SCHEMA_VERSION) throw newerSchema(schema, version);
  const mode = get('mode');
  return version === CENTRAL_SCHEMA_VERSION && (mode === 'postgres' || mode === 'timescaledb') ? mode : null;
}

function newerSchema(schema: string, found: number): CentralSchemaError {
  return new CentralSchemaError(`central schema "${schema}" is version ${found}, newer than this build (${CENTRAL_SCHEMA_VERSION}): update the console`);
}

async function createSchema(client: ClientBase, schema: string, options: CentralSchemaOptions, timescale: string | null, warnings: string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`surveil-sync-schema:${schema}`]);
    for (const sql of plainSchemaSql(schema)) await client.query(sql);
    for (const key of naturalKeys()) {
      const exists = await client.query<{ r: string | null }>('SELECT to_regclass($1) AS r', [`${ident(schema)}.${ident(key.index)}`]);
      if (exists.rows[0]?.r) continue;
      const [dedupe, index] = naturalKeySql(schema, key);
      // Once per schema, O(table): about 10 s per million rows here, far past
      // the 60 s batch timeout on a large central database (docs/sync.md).
      const removed = await client.query(longQuery(dedupe!));
      await client.query(longQuery(index!));
      if (removed.rowCount) warnings.push(`central ${key.table}: ${removed.rowCount} rows duplicating an event under another local id removed (schema 3 natural key)`);
    }
    await checkVersion(client, schema);
    if (timescale === null) {
      for (const sql of timeIndexSql(schema)) await client.query(sql);
    } else {
      const plan = timescaleSql(schema, options);
      for (const t of plan) await client.query(t.hypertable);
      const compressed = await client.query<{ name: string }>(
        `SELECT hypertable_name AS name FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND compression_enabled`,
        [schema],
      );
      const done = new Set(compressed.rows.map((r) => r.name));
      const steps = plan.flatMap((t) => [...(done.has(t.table) ? t.policies : [t.compression, ...t.policies]), ...t.aggregates]);
      for (const sql of steps) {
        // A policy the server refuses (old version, license) must not stop the data flowing.
        await client.query('SAVEPOINT policy');
        try {
          await client.query(sql);
          await client.query('RELEASE SAVEPOINT policy');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT policy');
          warnings.push(`${sql.slice(0, 60)}...: ${(error as Error).message}`);
        }
      }
    }
    await client.query(
      `INSERT INTO ${ident(schema)}.schema_meta (key, value) VALUES ('mode', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [timescale === null ? 'postgres' : 'timescaledb'],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function checkVersion(client: ClientBase, schema: string): Promise<void> {
  // An older schema has just been brought up to this version by the DDL; a newer one is left alone (and refused below).
  await client.query(
    `INSERT INTO ${ident(schema)}.schema_meta (key, value) VALUES ('version', $1)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE schema_meta.value::int < excluded.value::int`,
    [String(CENTRAL_SCHEMA_VERSION)],
  );
  const row = await client.query<{ value: string }>(`SELECT value FROM ${ident(schema)}.schema_meta WHERE key = 'version'`);
  const found = Number(row.rows[0]?.value);
  if (found > CENTRAL_SCHEMA_VERSION) throw newerSchema(schema, found);
}
