import { SAMPLE_METRIC_COLUMNS, SAMPLE_ZSCORE_COLUMNS, ZSCORE_SCALE } from '../storage/migrations';
import type { RollupSeriesCatalogue } from '../storage/rollup-series';
import { expandRollupRow } from './rollup-rows';

/**
 * One synced column: read from SQLite, shipped to PostgreSQL as an array
 * element of `wire` type (one `unnest` parameter per column, so a batch is
 * one statement whatever its size), turned into `type` by `convert`.
 */
export interface SyncColumn {
  /** Column name in both databases. */
  readonly name: string;
  /** Element type of the array the column travels in. */
  readonly wire: 'int8' | 'float8' | 'text';
  /** Central column type (with NOT NULL where the local column has it). */
  readonly type: string;
  /** SQL turning the shipped value (an expression) into the stored one. */
  readonly convert?: (value: string) => string;
}

/** The local tables sync reads, each with a cursor (instruments are re-sent whole: small and mutable). */
export type SyncTableName = 'instruments' | 'silences' | 'alerts' | 'alert_events' | 'alert_case' | 'feed_events' | 'rollups' | 'samples';

/** How a local table is synced. */
export interface SyncTable {
  readonly name: SyncTableName;
  /**
   * append: immutable rows, cursor = last local id, insert-or-skip on
   * (desk_id, local_id, time). upsert: alerts, cursor = last revision, newer
   * revision wins. mirror: every row every pass, changed rows updated.
   */
  readonly kind: 'append' | 'upsert' | 'mirror';
  /** Columns after desk_id and local_id (the local `id`). */
  readonly columns: readonly SyncColumn[];
  /** Central secondary indexes (columns lists), beyond the primary key. */
  readonly indexes: readonly string[];
  /** Central primary key when it is not the kind's (append: desk_id, local_id, time). */
  readonly key?: string;
  /** Mirror tables: a central unique key beyond (desk_id, local_id). */
  readonly unique?: string;
  /**
   * A table whose local rows are not its central rows: the local columns
   * read (after `id`) and how one local row becomes central rows (local_id first).
   */
  readonly local?: {
    /** The local column that is the central local_id and the cursor (default `id`). */
    readonly idColumn?: string;
    readonly columns: readonly string[];
    readonly expand: (row: readonly unknown[], catalogue: RollupSeriesCatalogue) => unknown[][];
  };
}

// Local times are epoch milliseconds; the central tables use timestamptz so
// TimescaleDB can partition on them and SQL users get real timestamps.
const msToTime = (v: string): string => `to_timestamp(${v}::float8 / 1000)`;
const int = (name: string, notNull = false, type = 'bigint'): SyncColumn => ({ name, wire: 'int8', type: notNull ? `${type} NOT NULL` : type });
const real = (name: string, notNull = false): SyncColumn => ({ name, wire: 'float8', type: notNull ? 'double precision NOT NULL' : 'double precision' });
const text = (name: string, notNull = false): SyncColumn => ({ name, wire: 'text', type: notNull ? 'text NOT NULL' : 'text' });
// Shipped as float8: receive times of simulated and some recorded frames carry fractions of a millisecond.
const time = (name: string, notNull = false): SyncColumn => ({ name, wire: 'float8', type: notNull ? 'timestamptz NOT NULL' : 'timestamptz', convert: msToTime });

/** `instruments`: the lookup table every other table's instrument_id points into (per desk). */
export const INSTRUMENTS: SyncTable = {
  name: 'instruments',
  kind: 'mirror',
  columns: [text('key', true), text('venue', true), text('symbol', true), text('canonical_id', true), text('type')],
  indexes: [],
  unique: 'desk_id, key',
};

/**
 * `silences` (central schema 5): silences and maintenance windows, as the
 * desk made them. Mutable (expiring one early sets expired_by / expired_at),
 * few, and never deleted locally, so mirrored whole every pass; each change
 * also lands in the append-only `silence_events` (created, expired), written
 * in the same statement (pg-statements.ts `silencesStatement`).
 */
export const SILENCES: SyncTable = {
  name: 'silences',
  kind: 'mirror',
  columns: [
    text('matcher_kind', true),
    text('matcher', true),
    text('rule'),
    text('created_by', true),
    text('comment', true),
    time('created_at', true),
    time('starts_at', true),
    time('ends_at', true),
    text('expired_by'),
    time('expired_at'),
  ],
  indexes: ['desk_id, ends_at'],
};

/** `alert_case` (central schema 5): the case thread of each alert (notes, assignments, notifications a silence held back). */
export const ALERT_CASE: SyncTable = {
  name: 'alert_case',
  kind: 'append',
  columns: [text('alert_id', true), text('kind', true), time('time', true), text('by', true), text('text', true)],
  indexes: ['desk_id, alert_id'],
};

/** `alerts`: one mutable row per alert; `revision` orders its versions. */
export const ALERTS: SyncTable = {
  name: 'alerts',
  kind: 'upsert',
  columns: [
    text('alert_id', true),
    int('instrument_id', true, 'integer'),
    text('metric', true),
    text('rule', true),
    text('state', true),
    text('severity', true),
    text('peak_severity', true),
    time('opened_at', true),
    time('fired_at'),
    time('resolved_at'),
    real('value'),
    real('zscore'),
    real('threshold', true),
    text('ack_by'),
    time('ack_at'),
    text('ack_note'),
    int('revision', true),
    // Central schema 2: feed-integrity detail and the episode's peak.
    text('detail'),
    real('peak_value'),
    real('peak_zscore'),
  ],
  indexes: ['opened_at', 'desk_id, instrument_id, opened_at'],
};

/** `alert_events`: the append-only audit trail of every alert. */
export const ALERT_EVENTS: SyncTable = {
  name: 'alert_events',
  kind: 'append',
  columns: [
    text('alert_id', true),
    text('kind', true),
    time('time', true),
    text('severity', true),
    text('rule', true),
    text('metric', true),
    real('value'),
    real('zscore'),
    real('threshold', true),
    real('z_threshold'),
    text('by'),
    text('note'),
    text('detail'),
  ],
  indexes: ['desk_id, alert_id'],
};

/** `feed_events`: connects, gaps, resyncs, worker restarts. */
export const FEED_EVENTS: SyncTable = {
  name: 'feed_events',
  kind: 'append',
  columns: [time('time', true), text('venue', true), int('instrument_id', false, 'integer'), text('kind', true), text('detail')],
  indexes: ['desk_id, venue, time'],
};

/**
 * `samples`: one row per instrument per sampling interval. z-scores are
 * stored locally as round(z x 1000) integers to save bytes; centrally they
 * are scaled back to plain doubles (compression takes care of size there),
 * and `extra` becomes jsonb so it can be queried.
 */
export const SAMPLES: SyncTable = {
  name: 'samples',
  kind: 'append',
  columns: [
    int('instrument_id', true, 'integer'),
    time('time', true),
    int('flags', true, 'integer'),
    int('covered', true, 'integer'),
    ...SAMPLE_METRIC_COLUMNS.map((m) => real(m)),
    ...SAMPLE_ZSCORE_COLUMNS.map((m): SyncColumn => ({ name: `z_${m}`, wire: 'int8', type: 'double precision', convert: (v) => `${v}::float8 / ${ZSCORE_SCALE}` })),
    { name: 'extra', wire: 'text', type: 'jsonb', convert: (v) => `${v}::jsonb` },
  ],
  indexes: ['desk_id, instrument_id, time'],
};

/**
 * `rollups`: the per-minute figures, one central row per local
 * instrument-minute and series (central schema 4). Locally a minute is one
 * row with a BLOB (src/engine/storage/rollup-codec.ts); centrally each
 * series is plain columns, so a 30-day chart is an indexed range of
 * ~43,000 rows and TimescaleDB can aggregate them further.
 */
export const ROLLUPS: SyncTable = {
  name: 'rollups',
  kind: 'append',
  columns: [
    int('instrument_id', true, 'integer'),
    time('time', true),
    text('series', true),
    int('samples', true, 'integer'),
    int('flags', true, 'integer'),
    int('book_ms', true, 'integer'),
    int('n', true, 'integer'),
    int('valid_ms', true, 'integer'),
    real('min', true),
    real('max', true),
    real('mean'),
    real('last', true),
  ],
  indexes: ['desk_id, instrument_id, series, time'],
  key: 'desk_id, local_id, series, time',
  // seq: the local rollups are clustered by (instrument_id, minute) and have no rowid; seq orders their writing.
  local: { idColumn: 'seq', columns: ['instrument_id', 'minute', 'samples', 'flags', 'book_ms', 'stats'], expand: expandRollupRow },
};

/**
 * Every synced table in the order a round visits them: the small tables an
 * investigation needs first, so a long samples backlog (a desk back after a
 * day offline) does not hold back its alerts; rollups before raw samples.
 */
export const SYNC_TABLES: readonly SyncTable[] = [INSTRUMENTS, SILENCES, ALERTS, ALERT_EVENTS, ALERT_CASE, FEED_EVENTS, ROLLUPS, SAMPLES];

/** The tables re-sent whole every pass, in round order. */
export const MIRROR_TABLES: readonly SyncTable[] = SYNC_TABLES.filter((t) => t.kind === 'mirror');

/** The tables with a cursor, in round order. */
export const CURSOR_TABLES: readonly SyncTable[] = SYNC_TABLES.filter((t) => t.kind !== 'mirror');

/** Append-only tables: TimescaleDB hypertables on `time` when the extension is there. */
export const TIME_TABLES: readonly SyncTable[] = SYNC_TABLES.filter((t) => t.kind === 'append');

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL schema name we accept: plain lower-case identifiers only (it is spliced into SQL). */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`sync schema name "${schema}" must match [a-z_][a-z0-9_]*`);
  return schema;
}
