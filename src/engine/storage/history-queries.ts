import type { AlertEvent, AlertState, Severity, StoredAlert } from '../../shared/core/model';
import type { HistoryDatabase } from './history-db';
import type { FeedEventKind } from './history-writer';
import { MINUTE_MS, minuteOf } from './minute-rollup';
import { HOUR_MS, hourOf } from './rollup-hourly';
import { hasHourlyRollups, hasRollups, historyCoverage, rollupSeriesPoints, type HistoryCoverage, type RollupLevel } from './rollup-queries';
import { seriesExpression } from './sample-row';

/** One series' figures over a bucket; for a single-sample bucket all four are the sample's value. */
export interface SeriesStats {
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number | null;
  /** The value of the bucket's latest sample (null if that sample lacked it). */
  readonly last: number | null;
  /** Rollups only: ms of the bucket the series had a value on a fresh, valid book (and reached its depth band). */
  readonly validMs?: number;
}

export interface SeriesPoint {
  /** Time of the bucket's first sample. */
  readonly time: number;
  readonly lastTime: number;
  readonly count: number;
  /** Some sample in the bucket had a stale feed / an invalid book. */
  readonly stale: boolean;
  readonly bookInvalid: boolean;
  readonly values: Readonly<Record<string, SeriesStats>>;
}

export interface SeriesQuery {
  /** `venue:symbol`. */
  readonly key: string;
  /** Metric names (`spread_bps`, `depth_bid_200bps`) and z-scores (`z_spread_bps`). */
  readonly metrics: readonly string[];
  /** Half-open range [from, to), epoch ms. */
  readonly from: number;
  readonly to: number;
  /** At most this many points; longer ranges are bucketed. Default 1,000. */
  readonly maxPoints?: number;
}

export interface SeriesResult {
  readonly key: string;
  readonly from: number;
  readonly to: number;
  /** Width of a bucket, ms; a bucket narrower than the sampling interval holds one sample. */
  readonly bucketMs: number;
  /**
   * `samples`: raw rows. `rollups`: per-minute rollups (the range reaches
   * past the raw window, or its buckets are a minute or wider), with the
   * minutes not yet closed read from the raw rows.
   */
  readonly source: 'samples' | 'rollups';
  /** Rollups only: the level read for the range's closed hours or minutes (docs/history.md, "Reading"). */
  readonly level?: RollupLevel;
  readonly points: readonly SeriesPoint[];
}

/** An unknown metric name in a query: it could not be a stored series. */
export class UnknownSeriesError extends Error {
  constructor(readonly metric: string) {
    super(`unknown series "${metric}"`);
    this.name = 'UnknownSeriesError';
  }
}

/**
 * Ranges longer than this read rollups even where raw samples cover them:
 * 6 h is 21,600 raw rows at 1 s against 360 rollups, the same chart.
 */
export const RAW_SERIES_MAX_RANGE_MS = 6 * 3_600_000;

/**
 * A series for one instrument and time range, at most `maxPoints` buckets of
 * equal width, each with min / max / avg / last per metric. Raw samples are
 * read while they cover the range and it spans at most
 * {@link RAW_SERIES_MAX_RANGE_MS}; otherwise rollups at the level
 * {@link seriesLevel} picks (hourly when the buckets are hours anyway or the
 * minute rollups are gone, else per minute), in buckets of whole steps of
 * that level, with what is not closed yet (the current hour's minutes, the
 * current minute's samples) from the finer level.
 */
export function querySeries(db: HistoryDatabase, query: SeriesQuery): SeriesResult {
  const maxPoints = Math.max(1, Math.floor(query.maxPoints ?? 1000));
  const from = Math.floor(query.from);
  const to = Math.ceil(query.to);
  const bucketMs = Math.max(1, Math.ceil((to - from) / maxPoints));
  for (const m of query.metrics) if (seriesExpression(m) === null) throw new UnknownSeriesError(m);
  const instrument = db.prepare('SELECT id FROM instruments WHERE key = ?').pluck().get(query.key) as number | undefined;
  if (instrument === undefined || to <= from) return { key: query.key, from, to, bucketMs, source: 'samples', points: [] };

  const cover = historyCoverage(db, instrument);
  // Raw rows are gone for part of the range when minutes before the first raw row's minute have rollups
  // (a rollup's minute starts before its first sample, so the first raw minute itself does not count).
  const firstRawMinute = cover.firstRaw === null ? Number.POSITIVE_INFINITY : minuteOf(cover.firstRaw);
  const firstRolled = Math.min(cover.firstRollup ?? Number.POSITIVE_INFINITY, minutesPruned(cover) ? cover.firstHour! : Number.POSITIVE_INFINITY);
  // Minutes may be gone (minute_rollup_retention_days) where hours remain: the later end of the two.
  const rolledEnd = cover.rollupEnd ?? cover.hourEnd;
  const rawPruned = firstRolled < firstRawMinute && from < (cover.firstRaw ?? Number.POSITIVE_INFINITY);
  const long = to - from > RAW_SERIES_MAX_RANGE_MS && bucketMs >= MINUTE_MS;
  if (rolledEnd === null || (!rawPruned && !long)) {
    return { key: query.key, from, to, bucketMs, source: 'samples', points: rawSeriesPoints(db, instrument, query.metrics, { from, to, origin: from, bucketMs }) };
  }
  const level = seriesLevel(cover, from, to, maxPoints);
  const step = level === 'hour' ? HOUR_MS : MINUTE_MS;
  const origin = Math.floor(from / step) * step;
  const bucket = Math.max(1, Math.ceil((to - origin) / maxPoints / step)) * step;
  const range = (a: number, b: number) => ({ from: a, to: b, origin, bucketMs: bucket });
  // Hours closed, then the minutes after them, then the raw rows of the minutes not closed yet.
  const hourEnd = level === 'hour' ? Math.min(to, cover.hourEnd!) : origin;
  const parts = [
    level === 'hour' ? rollupSeriesPoints(db, instrument, query.metrics, range(origin, hourEnd), 'hour') : [],
    rollupSeriesPoints(db, instrument, query.metrics, range(Math.max(origin, hourEnd), Math.min(to, rolledEnd)), 'minute'),
    rolledEnd < to ? rawSeriesPoints(db, instrument, query.metrics, range(Math.max(from, rolledEnd), to)) : [],
  ];
  const points: (SeriesPoint & { readonly bucket: number })[] = [];
  for (const part of parts) {
    for (const p of part) {
      const last = points[points.length - 1];
      if (last && last.bucket === p.bucket) points[points.length - 1] = mergePoints(last, p);
      else points.push(p);
    }
  }
  return { key: query.key, from, to, bucketMs: bucket, source: 'rollups', level, points: points.map(({ bucket: _b, ...p }) => p) };
}

/**
 * The coarsest rollup level that still gives the points asked for: hourly
 * when a bucket is an hour or wider anyway (a range over `maxPoints` hours),
 * or when the range starts where the minute rollups are gone
 * (storage.minute_rollup_retention_days) and hours reach back further;
 * otherwise minutes.
 */
export function seriesLevel(cover: HistoryCoverage, from: number, to: number, maxPoints: number): RollupLevel {
  if (cover.hourEnd === null || cover.firstHour === null) return 'minute';
  if ((to - from) / maxPoints >= HOUR_MS) return 'hour';
  return minutesPruned(cover) && from < (cover.firstRollup ?? Number.POSITIVE_INFINITY) ? 'hour' : 'minute';
}

/**
 * Hours reach back before the minutes' first hour: minute rollups were
 * deleted there (they go by whole hours). An hour starting before the
 * first minute of a history that began mid-hour is not that.
 */
function minutesPruned(cover: HistoryCoverage): boolean {
  if (cover.firstHour === null) return false;
  return cover.firstRollup === null || cover.firstHour < hourOf(cover.firstRollup);
}

/** Raw rows bucketed in SQL; "last" joins back to the bucket's latest row through the (instrument_id, time) index. */
function rawSeriesPoints(
  db: HistoryDatabase,
  instrument: number,
  metrics: readonly string[],
  range: { readonly from: number; readonly to: number; readonly origin: number; readonly bucketMs: number },
): (SeriesPoint & { readonly bucket: number })[] {
  const expressions = metrics.map((m) => seriesExpression(m)!);
  const aggregates = expressions.map((e, i) => `min(${e}) AS min${i}, max(${e}) AS max${i}, avg(${e}) AS avg${i}`);
  const lasts = metrics.map((m, i) => `${seriesExpression(m, 's')!} AS last${i}`);
  const sql = `WITH b AS (
      SELECT CAST((time - @origin) / @bucket AS INTEGER) AS bucket, min(time) AS t0, max(time) AS t1, count(*) AS n,
        max(flags & 1) AS stale, max((flags & 2) != 0) AS invalid${aggregates.map((a) => `, ${a}`).join('')}
      FROM samples WHERE instrument_id = @id AND time >= @from AND time < @to GROUP BY bucket)
    SELECT b.*${lasts.map((l) => `, ${l}`).join('')}
    FROM b JOIN samples s ON s.instrument_id = @id AND s.time = b.t1 ORDER BY b.bucket`;
  const rows = db.prepare(sql).all({ id: instrument, from: range.from, to: range.to, origin: range.origin, bucket: range.bucketMs }) as Record<string, number | null>[];
  return rows.map((row) => {
    const values: Record<string, SeriesStats> = {};
    metrics.forEach((m, i) => {
      values[m] = { min: row[`min${i}`] ?? null, max: row[`max${i}`] ?? null, avg: row[`avg${i}`] ?? null, last: row[`last${i}`] ?? null };
    });
    return { bucket: row.bucket!, time: row.t0!, lastTime: row.t1!, count: row.n!, stale: row.stale === 1, bookInvalid: row.invalid === 1, values };
  });
}

/** A bucket in two parts: hours then minutes, or rollups then raw rows (later). */
function mergePoints<P extends SeriesPoint>(early: P, late: P): P {
  const values: Record<string, SeriesStats> = {};
  for (const [m, a] of Object.entries(early.values)) {
    const b = late.values[m]!;
    const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number): number | null => (x === null ? y : y === null ? x : f(x, y));
    // Weighted by sample counts: a minute's mean and the tail's average stand for that many samples each.
    const avg = a.avg === null ? b.avg : b.avg === null ? a.avg : (a.avg * early.count + b.avg * late.count) / (early.count + late.count);
    const validMs = a.validMs === undefined ? b.validMs : b.validMs === undefined ? a.validMs : a.validMs + b.validMs;
    values[m] = { min: pick(a.min, b.min, Math.min), max: pick(a.max, b.max, Math.max), avg, last: b.last, ...(validMs === undefined ? {} : { validMs }) };
  }
  return { ...early, lastTime: late.lastTime, count: early.count + late.count, stale: early.stale || late.stale, bookInvalid: early.bookInvalid || late.bookInvalid, values };
}

/** An alert as stored (model.ts `StoredAlert`) with its local row id. */
export interface AlertRecord extends StoredAlert {
  /** Local row id (grows; the sync's idempotency key with the desk id). */
  readonly localId: number;
}

export interface AlertQuery {
  readonly key?: string;
  /** Canonical instrument id (`BTC-USDT-PERP`), any venue. */
  readonly instrumentId?: string;
  readonly venue?: string;
  /** Matches the worst severity the alert reached. */
  readonly severity?: Severity;
  readonly state?: AlertState;
  readonly metric?: string;
  /** Alerts open at some point in [from, to). */
  readonly from?: number;
  readonly to?: number;
  /** Leave out pending alerts that were cancelled (what the replay report lists). */
  readonly firedOnly?: boolean;
  /** Default 1,000, newest first. */
  readonly limit?: number;
}

const ALERT_COLUMNS = `a.id AS localId, a.alert_id AS id, i.key, i.canonical_id AS instrumentId, i.venue, a.metric, a.rule,
  a.state, a.severity, a.peak_severity AS peakSeverity, a.opened_at AS openedAt, a.fired_at AS firedAt,
  a.resolved_at AS resolvedAt, a.value, a.zscore, a.threshold, a.ack_by AS ackBy, a.ack_at AS ackAt, a.ack_note AS ackNote,
  a.detail, a.peak_value AS peakValue, a.peak_zscore AS peakZscore`;

/** Alert history with filters, newest first. */
export function queryAlerts(db: HistoryDatabase, query: AlertQuery = {}): AlertRecord[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: Math.max(1, Math.floor(query.limit ?? 1000)) };
  const add = (clause: string, name: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(clause);
    params[name] = value;
  };
  add('i.key = @key', 'key', query.key);
  add('i.canonical_id = @instrumentId', 'instrumentId', query.instrumentId);
  add('i.venue = @venue', 'venue', query.venue);
  add('a.peak_severity = @severity', 'severity', query.severity);
  add('a.state = @state', 'state', query.state);
  add('a.metric = @metric', 'metric', query.metric);
  add('a.opened_at < @to', 'to', query.to);
  add('(a.resolved_at IS NULL OR a.resolved_at >= @from)', 'from', query.from);
  if (query.firedOnly) where.push('a.fired_at IS NOT NULL');
  const sql = `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN instruments i ON i.id = a.instrument_id
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.opened_at DESC, a.id DESC LIMIT @limit`;
  return (db.prepare(sql).all(params) as AlertRow[]).map(toAlertRecord);
}

/** One alert by its id, or null. */
export function getAlert(db: HistoryDatabase, alertId: string): AlertRecord | null {
  const row = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts a JOIN instruments i ON i.id = a.instrument_id WHERE a.alert_id = ?`).get(alertId);
  return row ? toAlertRecord(row as AlertRow) : null;
}

type AlertRow = Omit<AlertRecord, 'acknowledged' | 'cancelled'> & { ackBy: string | null; ackAt: number | null; ackNote: string | null };

function toAlertRecord(row: AlertRow): AlertRecord {
  const { ackBy, ackAt, ackNote, ...rest } = row;
  return {
    ...rest,
    cancelled: row.state === 'resolved' && row.firedAt === null,
    acknowledged: ackAt === null ? null : { by: ackBy ?? '', time: ackAt, note: ackNote ?? '' },
  };
}

/** An audit event as stored, with its local append-only id. */
export type AlertEventRecord = AlertEvent & { readonly localId: number };

/** The audit trail of one alert, oldest first (acknowledgements included). */
export function alertTrail(db: HistoryDatabase, alertId: string): AlertEventRecord[] {
  const rows = db
    .prepare(`SELECT id AS localId, alert_id AS alertId, kind, time, severity, rule, metric, value, zscore, threshold,
      z_threshold AS zThreshold, by, note, detail FROM alert_events WHERE alert_id = ? ORDER BY id`)
    .all(alertId) as (AlertEventRecord & { by: string | null; note: string | null; detail: string | null })[];
  return rows.map(({ by, note, detail, ...rest }) => ({
    ...rest,
    ...(by === null ? {} : { by }),
    ...(note === null ? {} : { note }),
    ...(detail === null ? {} : { detail }),
  }));
}

/** A feed log line as stored. */
export interface FeedEventRecord {
  readonly localId: number;
  readonly time: number;
  readonly venue: string;
  readonly key: string | null;
  readonly kind: FeedEventKind;
  readonly detail: string | null;
}

export interface FeedEventQuery {
  readonly venue?: string;
  readonly key?: string;
  readonly kinds?: readonly FeedEventKind[];
  readonly from?: number;
  readonly to?: number;
  /** Default 1,000, newest first. */
  readonly limit?: number;
}

/** Feed events with filters, newest first. */
export function queryFeedEvents(db: HistoryDatabase, query: FeedEventQuery = {}): FeedEventRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]): void => {
    where.push(clause);
    params.push(...values);
  };
  if (query.venue !== undefined) add('f.venue = ?', query.venue);
  if (query.key !== undefined) add('i.key = ?', query.key);
  if (query.kinds !== undefined) add(`f.kind IN (${query.kinds.map(() => '?').join(', ') || 'NULL'})`, ...query.kinds);
  if (query.from !== undefined) add('f.time >= ?', query.from);
  if (query.to !== undefined) add('f.time < ?', query.to);
  params.push(Math.max(1, Math.floor(query.limit ?? 1000)));
  return db
    .prepare(`SELECT f.id AS localId, f.time, f.venue, i.key, f.kind, f.detail FROM feed_events f
      LEFT JOIN instruments i ON i.id = f.instrument_id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY f.time DESC, f.id DESC LIMIT ?`)
    .all(...params) as FeedEventRecord[];
}

/** A venue instrument that has history, with the time span of its samples. */
export interface InstrumentRecord {
  readonly key: string;
  readonly venue: string;
  readonly symbol: string;
  readonly instrumentId: string;
  readonly type: string | null;
  readonly firstSample: number | null;
  readonly lastSample: number | null;
}

/** Every instrument in the database (the console's picker). */
export function listInstruments(db: HistoryDatabase): InstrumentRecord[] {
  // min/max per instrument come straight off the (instrument_id, time) and (instrument_id, minute) indexes;
  // past the raw window the first minute's rollup is the earliest history.
  const rows = db
    .prepare(`SELECT key, venue, symbol, canonical_id AS instrumentId, type,
      (SELECT min(time) FROM samples WHERE instrument_id = i.id) AS firstRaw,
      ${hasRollups(db) ? '(SELECT min(minute) FROM rollups WHERE instrument_id = i.id)' : 'NULL'} AS firstMinute,
      ${hasHourlyRollups(db) ? '(SELECT min(hour) FROM rollups_hourly WHERE instrument_id = i.id)' : 'NULL'} AS firstHour,
      (SELECT max(time) FROM samples WHERE instrument_id = i.id) AS lastSample
      FROM instruments i ORDER BY key`)
    .all() as (Omit<InstrumentRecord, 'firstSample'> & { firstRaw: number | null; firstMinute: number | null; firstHour: number | null })[];
  return rows.map(({ firstRaw, firstMinute, firstHour, ...rest }) => {
    // Past the minute rollups' window the first hour is the earliest history (not the hour a history begun mid-hour starts in).
    const firstRollup = firstHour !== null && (firstMinute === null || firstHour < hourOf(firstMinute)) ? firstHour : firstMinute;
    return {
    ...rest,
    // The first raw sample while its minute is the oldest history; the first minute once older raw rows are pruned.
    firstSample: firstRollup !== null && (firstRaw === null || firstRollup < minuteOf(firstRaw)) ? firstRollup : firstRaw,
    };
  });
}
