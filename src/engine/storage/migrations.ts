import type Database from 'better-sqlite3';
import { RollupBuilder } from './rollup-builder';
import { minuteOf } from './minute-rollup';
import { HourlyRollupBuilder, hourOf } from './rollup-hourly';

/** One forward-only schema step; `version` is what `PRAGMA user_version` holds once it has run. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Data work after `sql`, in the same transaction (a backfill SQL alone cannot do). */
  readonly run?: (db: Database.Database) => void;
}

import { SAMPLE_METRIC_COLUMNS, SAMPLE_ZSCORE_COLUMNS, ZSCORE_SCALE } from './sample-columns';

export { SAMPLE_METRIC_COLUMNS, SAMPLE_ZSCORE_COLUMNS, ZSCORE_SCALE };

const FEED_EVENT_KINDS = ['connect', 'disconnect', 'stale', 'fresh', 'gap', 'resync', 'checksum_failure', 'worker_restart'];

const v1 = `
CREATE TABLE instruments (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  canonical_id TEXT NOT NULL,
  type TEXT
);

CREATE TABLE samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instrument_id INTEGER NOT NULL REFERENCES instruments(id),
  time INTEGER NOT NULL,
  -- bit 0 stale, 1 book invalid, 2 z-score windows reset
  flags INTEGER NOT NULL,
  -- bit i: COVERAGE_BITS[i] reaches its band
  covered INTEGER NOT NULL,
  ${SAMPLE_METRIC_COLUMNS.map((m) => `${m} REAL,`).join('\n  ')}
  -- z-scores x ${ZSCORE_SCALE}, rounded
  ${SAMPLE_ZSCORE_COLUMNS.map((m) => `z_${m} INTEGER,`).join('\n  ')}
  -- JSON {v: values, c: coverage, z: z-scores} of metrics without a column
  extra TEXT,
  UNIQUE (instrument_id, time)
);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL UNIQUE,
  instrument_id INTEGER NOT NULL REFERENCES instruments(id),
  metric TEXT NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
  peak_severity TEXT NOT NULL CHECK (peak_severity IN ('warning', 'critical')),
  opened_at INTEGER NOT NULL,
  fired_at INTEGER,
  resolved_at INTEGER,
  value REAL,
  zscore REAL,
  threshold REAL NOT NULL,
  ack_by TEXT,
  ack_at INTEGER,
  ack_note TEXT,
  revision INTEGER NOT NULL
);
CREATE INDEX alerts_opened ON alerts (opened_at);
CREATE INDEX alerts_instrument ON alerts (instrument_id, opened_at);
CREATE INDEX alerts_revision ON alerts (revision);

CREATE TABLE alert_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  time INTEGER NOT NULL,
  severity TEXT NOT NULL,
  rule TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL,
  zscore REAL,
  threshold REAL NOT NULL,
  z_threshold REAL,
  by TEXT,
  note TEXT
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

CREATE TABLE feed_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  venue TEXT NOT NULL,
  instrument_id INTEGER REFERENCES instruments(id),
  kind TEXT NOT NULL CHECK (kind IN (${FEED_EVENT_KINDS.map((k) => `'${k}'`).join(', ')})),
  detail TEXT
);
CREATE INDEX feed_events_time ON feed_events (time);

CREATE TABLE captures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL,
  venue TEXT,
  started INTEGER NOT NULL,
  ended INTEGER,
  frames INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0
);
`;

/**
 * Feed-integrity alerts: the alert's detail in words and its episode's peak;
 * the detail of each audit event. feed_events is rebuilt because SQLite cannot
 * alter a CHECK: `book_drift` joined the feed event kinds (sustained book-top
 * mismatches), and v1 refused its rows. Ids and the AUTOINCREMENT sequence are
 * kept, so the sync's cursor on feed_events stays valid.
 */
const FEED_EVENT_KINDS_V2 = [...FEED_EVENT_KINDS, 'book_drift'];
const v2 = `
ALTER TABLE alerts ADD COLUMN detail TEXT;
ALTER TABLE alerts ADD COLUMN peak_value REAL;
ALTER TABLE alerts ADD COLUMN peak_zscore REAL;
ALTER TABLE alert_events ADD COLUMN detail TEXT;

CREATE TABLE feed_events_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  venue TEXT NOT NULL,
  instrument_id INTEGER REFERENCES instruments(id),
  kind TEXT NOT NULL CHECK (kind IN (${FEED_EVENT_KINDS_V2.map((k) => `'${k}'`).join(', ')})),
  detail TEXT
);
INSERT INTO feed_events_v2 (id, time, venue, instrument_id, kind, detail) SELECT id, time, venue, instrument_id, kind, detail FROM feed_events;
INSERT INTO sqlite_sequence (name, seq) SELECT 'feed_events_v2', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'feed_events_v2');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feed_events'), 0)) WHERE name = 'feed_events_v2';
DROP TABLE feed_events;
ALTER TABLE feed_events_v2 RENAME TO feed_events;
CREATE INDEX feed_events_time ON feed_events (time);
`;

/**
 * Natural keys of the append-only event tables: the same event written twice
 * (a capture replayed again into the same file, a replay resumed after a
 * kill) is one row. Nullable columns go through coalesce() because a unique
 * index treats NULLs as distinct. `by` tells two operators' acknowledgements
 * at the same millisecond apart; a feed event's `detail` tells apart the
 * connects of two connections of one venue at the same instant. Samples have
 * had theirs, (instrument_id, time), since version 1; alerts upsert on alert_id.
 */
export const EVENT_KEYS: Readonly<Record<'alert_events' | 'feed_events', readonly { column: string; ifNull?: string }[]>> = {
  alert_events: [{ column: 'alert_id' }, { column: 'kind' }, { column: 'time' }, { column: 'by', ifNull: "''" }],
  feed_events: [{ column: 'time' }, { column: 'venue' }, { column: 'instrument_id', ifNull: '0' }, { column: 'kind' }, { column: 'detail', ifNull: "''" }],
};

/** The key's index expressions, columns qualified by `alias` when given (coalesce: the same in SQLite and PostgreSQL). */
export function eventKeyExpressions(table: keyof typeof EVENT_KEYS, alias?: string, quote: (c: string) => string = (c) => c): string[] {
  return EVENT_KEYS[table].map(({ column, ifNull }) => {
    const c = alias ? `${alias}.${quote(column)}` : quote(column);
    return ifNull === undefined ? c : `coalesce(${c}, ${ifNull})`;
  });
}

const EVENT_COLUMNS = {
  alert_events: ['alert_id', 'kind', 'time', 'severity', 'rule', 'metric', 'value', 'zscore', 'threshold', 'z_threshold', 'by', 'note', 'detail'],
  feed_events: ['time', 'venue', 'instrument_id', 'kind', 'detail'],
} as const;

/**
 * Duplicates already written are moved, not dropped: every row but the first
 * (lowest id) of a key goes to `history_duplicates` as JSON, so nothing an
 * older build wrote is lost, even where a copy differs from the kept row.
 * Then the unique indexes make every later write of a known event a no-op.
 */
function dedupeSql(table: keyof typeof EVENT_KEYS, index: string): string {
  const key = eventKeyExpressions(table);
  const cols = EVENT_COLUMNS[table];
  const json = `json_object(${cols.map((c) => `'${c}', d.${c}`).join(', ')})`;
  const on = eventKeyExpressions(table, 'd').map((k, i) => `${k} = k.k${i}`).join(' AND ');
  return `
INSERT INTO history_duplicates (table_name, local_id, kept_id, row, moved_at)
  SELECT '${table}', d.id, k.keep, ${json}, CAST(unixepoch('subsec') * 1000 AS INTEGER)
  FROM ${table} d
  JOIN (SELECT ${key.map((k, i) => `${k} AS k${i}`).join(', ')}, min(id) AS keep FROM ${table} GROUP BY ${key.map((_, i) => i + 1).join(', ')} HAVING count(*) > 1) k
    ON ${on} AND d.id <> k.keep;
DELETE FROM ${table} WHERE id IN (SELECT local_id FROM history_duplicates WHERE table_name = '${table}');
CREATE UNIQUE INDEX ${index} ON ${table} (${key.join(', ')});
`;
}

const v3 = `
CREATE TABLE history_duplicates (
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL,
  -- the row's id in its table, and the id of the row kept in its place
  local_id INTEGER NOT NULL,
  kept_id INTEGER NOT NULL,
  row TEXT NOT NULL,
  moved_at INTEGER NOT NULL
);
${dedupeSql('alert_events', 'alert_events_event')}
${dedupeSql('feed_events', 'feed_events_event')}
`;

/**
 * Per-minute rollups (docs/history.md): raw samples are kept for
 * storage.raw_retention_hours, rollups for retention_days. One row per
 * instrument-minute, its figures in a compact BLOB (rollup-codec.ts) whose
 * series ids the `rollup_series` catalogue names; the column metrics, the
 * funding in bps and their z-scores are numbered up front. The natural key
 * (instrument_id, minute) makes a minute written twice one row, and is the
 * table's clustering key (WITHOUT ROWID): an instrument's 30 days are
 * ~6,000 adjacent pages instead of 43,200 pages scattered among every other
 * instrument's rows (docs/history.md has the measured query).
 */
const ROLLUP_SERIES_V4 = [...SAMPLE_METRIC_COLUMNS, 'funding_bps_8h', ...SAMPLE_ZSCORE_COLUMNS.map((m) => `z_${m}`)];
const v4 = `
CREATE TABLE rollup_series (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO rollup_series (id, name) VALUES ${ROLLUP_SERIES_V4.map((name, i) => `(${i}, '${name}')`).join(', ')};

CREATE TABLE rollups (
  instrument_id INTEGER NOT NULL REFERENCES instruments(id),
  -- epoch ms of the minute's start
  minute INTEGER NOT NULL,
  -- order of writing (history_meta 'rollup_seq'): the sync's cursor
  seq INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  -- OR of the samples' flags (bit 0 stale, 1 book invalid, 2 z-score reset)
  flags INTEGER NOT NULL,
  -- ms of the minute with a fresh, valid book
  book_ms INTEGER NOT NULL,
  -- per series: n, time valid, min, max, mean, last (rollup-codec.ts)
  stats BLOB NOT NULL,
  PRIMARY KEY (instrument_id, minute)
) WITHOUT ROWID;
CREATE INDEX rollups_seq ON rollups (seq);

-- Counters that must never go back, even when retention deletes every row holding their highest value.
CREATE TABLE history_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO history_meta (key, value) VALUES ('rollup_seq', 0);
`;

/**
 * Rolls up the samples a v3 database already holds, so its history past
 * the raw window survives the first retention pass. Each instrument's last
 * stored minute stays open: the writer resumes it from the stored rows.
 * O(samples): about a second per million rows (docs/history.md).
 */
function backfillRollups(db: Database.Database): void {
  // rollups_hourly is v5's: it folds every minute this writes.
  const builder = new RollupBuilder(db, 1000, { hourly: false });
  const last = db.prepare('SELECT instrument_id AS id, max(time) AS t FROM samples GROUP BY instrument_id').all() as { id: number; t: number }[];
  for (const { id, t } of last) builder.catchUp(id, minuteOf(t));
}

/**
 * Hourly rollups (docs/history.md): the minute rollups folded per hour, same
 * figures, same BLOB layout with u32 counts (rollup-codec.ts `wide`). Kept
 * for retention_days while minute rollups may go sooner
 * (storage.minute_rollup_retention_days); a 30-day chart reads 720 rows
 * instead of 43,200. No seq: the central database keeps its own hourly
 * aggregate of the minute rollups the sync sends.
 */
const v5 = `
CREATE TABLE rollups_hourly (
  instrument_id INTEGER NOT NULL REFERENCES instruments(id),
  -- epoch ms of the hour's start (UTC)
  hour INTEGER NOT NULL,
  -- minute rollups folded in
  minutes INTEGER NOT NULL,
  samples INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  book_ms INTEGER NOT NULL,
  stats BLOB NOT NULL,
  PRIMARY KEY (instrument_id, hour)
) WITHOUT ROWID;
`;

/**
 * Folds the minute rollups a v4 file holds into hours: every hour but each
 * instrument's last, which the writer closes when its next hour begins.
 * O(minute rollups): reads each once.
 */
function backfillHourly(db: Database.Database): void {
  const hourly = new HourlyRollupBuilder(db);
  const last = db.prepare('SELECT instrument_id AS id, max(minute) AS m FROM rollups GROUP BY instrument_id').all() as { id: number; m: number }[];
  for (const { id, m } of last) hourly.catchUp(id, hourOf(m));
}

/**
 * The desk's side of an alert (docs/alerts.md): its case thread (notes,
 * assignments, notifications a silence held back), written by the console
 * next to the engine's audit events; and silences with their expiry. Only
 * new tables: the alerts and events already written stay as they are.
 */
const v6 = `
CREATE TABLE alert_case (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'assigned', 'silenced')),
  time INTEGER NOT NULL,
  by TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX alert_case_alert ON alert_case (alert_id, id);

CREATE TABLE silences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  matcher_kind TEXT NOT NULL CHECK (matcher_kind IN ('key', 'instrument', 'venue')),
  matcher TEXT NOT NULL,
  rule TEXT,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
  expired_by TEXT,
  expired_at INTEGER
);
CREATE INDEX silences_end ON silences (ends_at);
`;

/** Every schema step, in order. Never edit a released one: add the next. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'history tables', sql: v1 },
  { version: 2, name: 'alert detail and peak, book_drift feed events', sql: v2 },
  { version: 3, name: 'event natural keys (duplicates moved to history_duplicates)', sql: v3 },
  { version: 4, name: 'per-minute rollups (raw samples kept for a short window)', sql: v4, run: backfillRollups },
  { version: 5, name: 'hourly rollups folded from the minute rollups', sql: v5, run: backfillHourly },
  { version: 6, name: 'alert case threads and silences', sql: v6 },
];

/** The database was written by a newer build: opening it here could corrupt what that build expects. */
export class HistorySchemaError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(`history database schema version ${found} is newer than this build supports (${supported})`);
    this.name = 'HistorySchemaError';
  }
}

/**
 * Brings the database up to the latest schema. Each step runs in its own
 * IMMEDIATE transaction together with its `user_version` bump, so a crash
 * mid-migration leaves the previous version intact, and two processes
 * opening the same file at once cannot both run a step.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name}: version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) throw new HistorySchemaError(from, latest);
  for (const m of migrations) {
    // Steps already applied take no lock: an up-to-date file opens without writing.
    if (m.version <= from) continue;
    db.transaction(() => {
      // Re-read inside the lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      m.run?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: schemaVersion(db) };
}

/** `PRAGMA user_version`: the last migration applied (0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
