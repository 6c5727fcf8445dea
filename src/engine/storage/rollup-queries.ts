import { median } from '../../shared/core/tier-assignment';
import type { HistoryDatabase } from './history-db';
import type { SeriesPoint, SeriesStats } from './history-queries';
import { MINUTE_MS } from './minute-rollup';
import { decodeRollupStats } from './rollup-codec';
import { HOUR_MS } from './rollup-hourly';
import { RollupSeriesCatalogue } from './rollup-series';

/** Where an instrument's history is held: the span of its raw samples, its minute rollups and its hourly rollups. */
export interface HistoryCoverage {
  readonly firstRaw: number | null;
  readonly firstRollup: number | null;
  /** End of the last closed minute (its start + 1 min). */
  readonly rollupEnd: number | null;
  /** Start of the first hourly rollup; null without any (or in a file before schema v5). */
  readonly firstHour: number | null;
  /** End of the last closed hour (its start + 1 h). */
  readonly hourEnd: number | null;
}

/** Whether the file has rollups: a file of an older build opened read-only (a viewer) is not migrated. */
export function hasRollups(db: HistoryDatabase): boolean {
  return hasTable(db, 'rollups');
}

/** Whether the file has hourly rollups (schema v5). */
export function hasHourlyRollups(db: HistoryDatabase): boolean {
  return hasTable(db, 'rollups_hourly');
}

function hasTable(db: HistoryDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The spans, each off an index (min/max on (instrument_id, time) and (instrument_id, minute)). */
export function historyCoverage(db: HistoryDatabase, instrumentId: number): HistoryCoverage {
  if (!hasRollups(db)) {
    const firstRaw = db.prepare('SELECT min(time) FROM samples WHERE instrument_id = ?').pluck().get(instrumentId) as number | null;
    return { firstRaw, firstRollup: null, rollupEnd: null, firstHour: null, hourEnd: null };
  }
  const hourly = hasHourlyRollups(db);
  const row = db
    .prepare(`SELECT (SELECT min(time) FROM samples WHERE instrument_id = @id) AS firstRaw,
      (SELECT min(minute) FROM rollups WHERE instrument_id = @id) AS firstRollup,
      (SELECT max(minute) FROM rollups WHERE instrument_id = @id) AS lastRollup,
      ${hourly ? '(SELECT min(hour) FROM rollups_hourly WHERE instrument_id = @id)' : 'NULL'} AS firstHour,
      ${hourly ? '(SELECT max(hour) FROM rollups_hourly WHERE instrument_id = @id)' : 'NULL'} AS lastHour`)
    .get({ id: instrumentId }) as { firstRaw: number | null; firstRollup: number | null; lastRollup: number | null; firstHour: number | null; lastHour: number | null };
  return {
    firstRaw: row.firstRaw,
    firstRollup: row.firstRollup,
    rollupEnd: row.lastRollup === null ? null : row.lastRollup + MINUTE_MS,
    firstHour: row.firstHour,
    hourEnd: row.lastHour === null ? null : row.lastHour + HOUR_MS,
  };
}

/** Which rollups to read: the minute level or the hourly one (`rollups_hourly`, counts wide). */
export type RollupLevel = 'minute' | 'hour';

const LEVEL = {
  minute: { table: 'rollups', column: 'minute', step: MINUTE_MS, wide: false },
  hour: { table: 'rollups_hourly', column: 'hour', step: HOUR_MS, wide: true },
} as const;

interface BucketSeries {
  min: number;
  max: number;
  sum: number;
  n: number;
  validMs: number;
  last: number | null;
  z: boolean;
}

interface Bucket {
  index: number;
  time: number;
  lastMinute: number;
  count: number;
  flags: number;
  series: Map<number, BucketSeries>;
}

/**
 * Points from the rollups of one instrument: minutes (or hours, `level`) in
 * [from, to), grouped into buckets of `bucketMs` (a whole number of the
 * level's step) counted from `origin`. min and max are exact, the mean is weighted by each minute's
 * sample count, last is the latest minute's last (null when that minute
 * lacked the series), and `validMs` sums the time valid. z-scores have no
 * mean (null): their rollups keep min, max and last.
 */
export function rollupSeriesPoints(
  db: HistoryDatabase,
  instrumentId: number,
  metrics: readonly string[],
  range: { readonly from: number; readonly to: number; readonly origin: number; readonly bucketMs: number },
  level: RollupLevel = 'minute',
): (SeriesPoint & { readonly bucket: number })[] {
  const { table, column, step, wide } = LEVEL[level];
  const catalogue = new RollupSeriesCatalogue(db, { readonly: true });
  const ids = metrics.map((m) => catalogue.lookup(m));
  const wanted = new Set(ids.filter((id): id is number => id !== undefined));
  const rows = db
    .prepare(`SELECT ${column}, samples, flags, book_ms, stats FROM ${table} WHERE instrument_id = ? AND ${column} >= ? AND ${column} < ? ORDER BY ${column}`)
    .raw()
    .all(instrumentId, range.from, range.to) as [number, number, number, number, Uint8Array][];
  const buckets: Bucket[] = [];
  let current: Bucket | null = null;
  const isZ = (id: number): boolean | undefined => catalogue.isZ(id);
  for (const [minute, samples, flags, bookMs, stats] of rows) {
    const index = Math.floor((minute - range.origin) / range.bucketMs);
    if (!current || current.index !== index) {
      current = { index, time: minute, lastMinute: minute, count: 0, flags: 0, series: new Map() };
      buckets.push(current);
    }
    const bucket: Bucket = current;
    bucket.lastMinute = minute;
    bucket.count += samples;
    bucket.flags |= flags;
    // The bucket's last is its latest minute's: series absent from that minute read null.
    for (const s of bucket.series.values()) s.last = null;
    decodeRollupStats(stats, { samples, bookMs }, isZ, wanted, (id, st) => {
      let s = bucket.series.get(id);
      if (!s) bucket.series.set(id, (s = { min: st.min, max: st.max, sum: 0, n: 0, validMs: 0, last: null, z: Number.isNaN(st.mean) }));
      if (st.min < s.min) s.min = st.min;
      if (st.max > s.max) s.max = st.max;
      if (!s.z) s.sum += st.mean * st.n;
      s.n += st.n;
      s.validMs += st.validMs;
      // NaN: an hour whose latest minute lacked the series.
      s.last = Number.isNaN(st.last) ? null : st.last;
    }, wide);
  }
  return buckets.map((b) => {
    const values: Record<string, SeriesStats> = {};
    metrics.forEach((m, i) => {
      const id = ids[i];
      const s = id === undefined ? undefined : b.series.get(id);
      values[m] = s
        ? { min: s.min, max: s.max, avg: s.z || s.n === 0 ? null : s.sum / s.n, last: s.last, validMs: s.validMs }
        : { min: null, max: null, avg: null, last: null, validMs: 0 };
    });
    return {
      bucket: b.index,
      time: b.time,
      lastTime: b.lastMinute + step - 1,
      count: b.count,
      stale: (b.flags & 1) !== 0,
      bookInvalid: (b.flags & 2) !== 0,
      values,
    };
  });
}

/**
 * Median resting depth per instrument (`venue:symbol` -> USD): bid + ask
 * within `bandBps` of the mid, the mean of each closed hour in
 * [since, until) where both sides had time valid, then the median of those
 * hours. What liquidity tiers by depth read (src/shared/core/tier-assignment.ts):
 * hourly rows, so a day of 2,500 instruments is 60,000 rows, not 3.6 M.
 * Empty for a file without hourly rollups.
 */
export function restingDepthMedians(db: HistoryDatabase, bandBps: number, since: number, until: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!hasHourlyRollups(db)) return out;
  const catalogue = new RollupSeriesCatalogue(db, { readonly: true });
  const bid = catalogue.lookup(`depth_bid_${bandBps}bps`);
  const ask = catalogue.lookup(`depth_ask_${bandBps}bps`);
  if (bid === undefined || ask === undefined) return out;
  const wanted = new Set([bid, ask]);
  const isZ = (id: number): boolean | undefined => catalogue.isZ(id);
  const rows = db
    .prepare(`SELECT i.key, h.samples, h.book_ms, h.stats FROM rollups_hourly h JOIN instruments i ON i.id = h.instrument_id
      WHERE h.hour >= ? AND h.hour < ? ORDER BY h.instrument_id, h.hour`)
    .raw()
    .all(since, until) as [string, number, number, Uint8Array][];
  const hours = new Map<string, number[]>();
  for (const [key, samples, bookMs, stats] of rows) {
    let b: number | null = null;
    let a: number | null = null;
    decodeRollupStats(stats, { samples, bookMs }, isZ, wanted, (id, st) => {
      // A side never judged in the hour (stale, invalid, short of the band) says nothing about resting depth.
      if (st.validMs <= 0) return;
      if (id === bid) b = st.mean;
      else a = st.mean;
    }, true);
    if (b === null || a === null) continue;
    let list = hours.get(key);
    if (!list) hours.set(key, (list = []));
    list.push((b as number) + (a as number));
  }
  for (const [key, list] of hours) {
    const m = median(list);
    if (m !== null) out.set(key, m);
  }
  return out;
}
