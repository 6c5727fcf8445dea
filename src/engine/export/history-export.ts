import type { HistoryDatabase } from '../storage/history-db';
import { alertTrail, listInstruments, queryAlerts, queryFeedEvents, UnknownSeriesError, type InstrumentRecord } from '../storage/history-queries';
import { MINUTE_MS, minuteOf } from '../storage/minute-rollup';
import { HOUR_MS, hourOf } from '../storage/rollup-hourly';
import { historyCoverage, rollupSeriesPoints, type HistoryCoverage } from '../storage/rollup-queries';
import { SAMPLE_METRIC_COLUMNS } from '../storage/sample-columns';
import { SAMPLE_FLAGS, seriesExpression } from '../storage/sample-row';
import { inBatches, type ExportColumn, type ExportRow, type ExportTable } from './export-table';

/** What an export holds. */
export type ExportWhat = 'series' | 'alerts' | 'feed-events';
export const EXPORT_WHATS: readonly ExportWhat[] = ['series', 'alerts', 'feed-events'];

/** The resolution of a series export: raw samples, or minute or hourly rollups. */
export type ExportResolution = 'sample' | 'minute' | 'hour';

export interface HistoryExportRequest {
  /** Instrument key (`binance-usdm:BTCUSDT`), canonical id (`BTC-USDT-PERP`, every venue's) or venue symbol. */
  readonly instrument: string;
  readonly what: ExportWhat;
  /** Half-open range [from, to), epoch ms; absent: the whole history. */
  readonly from?: number;
  readonly to?: number;
  /** Series only: metric names and z-scores (`z_spread_bps`); default every metric with a column. */
  readonly metrics?: readonly string[];
}

/** A request the history cannot answer: the message says why (an unknown instrument lists the known ones). */
export class ExportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRequestError';
  }
}

/** A table ready to write, with what it is. */
export interface PreparedExport extends ExportTable {
  readonly instruments: readonly InstrumentRecord[];
  readonly from: number;
  readonly to: number;
  /** Series only: the resolution read. */
  readonly resolution?: ExportResolution;
}

/** The instruments a name picks: by key, canonical id or symbol, case-insensitive. */
export function matchInstruments(db: HistoryDatabase, name: string): InstrumentRecord[] {
  const all = listInstruments(db);
  const lower = name.trim().toLowerCase();
  const found = all.filter((i) => [i.key, i.instrumentId, i.symbol].some((n) => n.toLowerCase() === lower));
  if (found.length === 0) {
    const known = all.map((i) => `${i.instrumentId} (${i.key})`).join(', ') || 'none';
    throw new ExportRequestError(`no instrument "${name}" in this history; known: ${known}`);
  }
  return found;
}

/**
 * The table of one export. Series are read at the finest resolution that
 * covers the whole range for every instrument picked: raw samples while the
 * raw rows reach back to its start, else minute rollups while they do, else
 * hourly rollups (docs/exports.md).
 */
export function prepareExport(db: HistoryDatabase, request: HistoryExportRequest): PreparedExport {
  const instruments = matchInstruments(db, request.instrument);
  const from = Math.floor(request.from ?? 0);
  const to = Math.ceil(request.to ?? Number.MAX_SAFE_INTEGER);
  if (to <= from) throw new ExportRequestError(`the range is empty: --to (${iso(to)}) is not after --from (${iso(from)})`);
  const base = { instruments, from, to };
  if (request.what === 'alerts') return { ...base, ...alertsTable(db, instruments, from, to) };
  if (request.what === 'feed-events') return { ...base, ...feedEventsTable(db, instruments, from, to) };
  const metrics = request.metrics && request.metrics.length > 0 ? [...request.metrics] : [...SAMPLE_METRIC_COLUMNS];
  for (const m of metrics) if (seriesExpression(m) === null) throw new UnknownSeriesError(m);
  const ids = instruments.map((i) => instrumentRowId(db, i.key));
  const levels: ExportResolution[] = ['sample', 'minute', 'hour'];
  const resolution = levels[Math.max(...ids.map((id) => levels.indexOf(seriesResolution(historyCoverage(db, id), from))))]!;
  return { ...base, resolution, ...seriesTable(db, instruments, ids, metrics, resolution, from, to) };
}

/** The finest resolution whose rows reach back to `from` (or the earliest there is). */
export function seriesResolution(cover: HistoryCoverage, from: number): ExportResolution {
  const rolledFirst = [cover.firstRollup, cover.firstHour].filter((t): t is number => t !== null);
  const firstRolled = rolledFirst.length > 0 ? Math.min(...rolledFirst) : null;
  // Raw rows were pruned before the first raw minute when a rollup is older; otherwise they are the history.
  if (cover.firstRaw !== null && (firstRolled === null || firstRolled >= minuteOf(cover.firstRaw) || from >= cover.firstRaw)) return 'sample';
  if (cover.firstRollup !== null && (cover.firstHour === null || cover.firstHour >= hourOf(cover.firstRollup) || from >= cover.firstRollup)) return 'minute';
  return cover.firstHour !== null ? 'hour' : 'sample';
}

function instrumentRowId(db: HistoryDatabase, key: string): number {
  return db.prepare('SELECT id FROM instruments WHERE key = ?').pluck().get(key) as number;
}

function seriesTable(
  db: HistoryDatabase,
  instruments: readonly InstrumentRecord[],
  ids: readonly number[],
  metrics: readonly string[],
  resolution: ExportResolution,
  from: number,
  to: number,
): ExportTable {
  const head: ExportColumn[] = [
    { name: 'key', type: 'string' },
    { name: 'instrument_id', type: 'string' },
    { name: 'time', type: 'timestamp' },
  ];
  if (resolution === 'sample') {
    const columns: ExportColumn[] = [...head, { name: 'stale', type: 'boolean' }, { name: 'book_invalid', type: 'boolean' }, ...metrics.map((m) => ({ name: m, type: 'double' as const }))];
    const sql = `SELECT time, flags${metrics.map((m) => `, ${seriesExpression(m)!}`).join('')}
      FROM samples WHERE instrument_id = ? AND time >= ? AND time < ? ORDER BY time`;
    function* rows(): Generator<ExportRow> {
      for (const [n, instrument] of instruments.entries()) {
        // iterate(): rows come off the (instrument_id, time) index one at a time.
        for (const r of db.prepare(sql).raw().iterate(ids[n], from, to) as Iterable<(number | null)[]>) {
          const flags = r[1] as number;
          yield [instrument.key, instrument.instrumentId, r[0]!, (flags & SAMPLE_FLAGS.stale) !== 0, (flags & SAMPLE_FLAGS.bookInvalid) !== 0, ...r.slice(2)];
        }
      }
    }
    return { columns, batches: inBatches(rows()) };
  }
  const step = resolution === 'hour' ? HOUR_MS : MINUTE_MS;
  const columns: ExportColumn[] = [
    ...head,
    { name: 'end', type: 'timestamp' },
    { name: 'samples', type: 'int' },
    { name: 'stale', type: 'boolean' },
    { name: 'book_invalid', type: 'boolean' },
    ...metrics.flatMap((m) => [
      { name: `${m}_min`, type: 'double' as const },
      { name: `${m}_max`, type: 'double' as const },
      { name: `${m}_avg`, type: 'double' as const },
      { name: `${m}_last`, type: 'double' as const },
      { name: `${m}_valid_ms`, type: 'int' as const },
    ]),
  ];
  // A day of minutes or 30 days of hours per read: 1,440 or 720 rollups in memory at a time.
  const chunk = resolution === 'hour' ? 30 * 24 * HOUR_MS : 24 * HOUR_MS;
  function* rows(): Generator<ExportRow> {
    for (const [n, instrument] of instruments.entries()) {
      const cover = historyCoverage(db, ids[n]!);
      const first = resolution === 'hour' ? cover.firstHour : cover.firstRollup;
      const end = resolution === 'hour' ? cover.hourEnd : cover.rollupEnd;
      if (first === null || end === null) continue;
      // Rollups overlapping [from, to): a rollup starting before `from` covers part of it.
      const start = Math.max(Math.floor(from / step) * step, first);
      const stop = Math.min(to, end);
      for (let a = start; a < stop; a += chunk) {
        const points = rollupSeriesPoints(db, ids[n]!, metrics, { from: a, to: Math.min(stop, a + chunk), origin: 0, bucketMs: step }, resolution === 'hour' ? 'hour' : 'minute');
        for (const p of points) {
          yield [
            instrument.key,
            instrument.instrumentId,
            p.time,
            p.time + step,
            p.count,
            p.stale,
            p.bookInvalid,
            ...metrics.flatMap((m) => {
              const s = p.values[m]!;
              return [s.min, s.max, s.avg, s.last, s.validMs ?? null];
            }),
          ];
        }
      }
    }
  }
  return { columns, batches: inBatches(rows()) };
}

function alertsTable(db: HistoryDatabase, instruments: readonly InstrumentRecord[], from: number, to: number): ExportTable {
  const columns: ExportColumn[] = [
    { name: 'alert_id', type: 'string' },
    { name: 'key', type: 'string' },
    { name: 'instrument_id', type: 'string' },
    { name: 'venue', type: 'string' },
    { name: 'rule', type: 'string' },
    { name: 'metric', type: 'string' },
    { name: 'state', type: 'string' },
    { name: 'cancelled', type: 'boolean' },
    { name: 'severity', type: 'string' },
    { name: 'peak_severity', type: 'string' },
    { name: 'opened_at', type: 'timestamp' },
    { name: 'fired_at', type: 'timestamp' },
    { name: 'resolved_at', type: 'timestamp' },
    { name: 'value', type: 'double' },
    { name: 'zscore', type: 'double' },
    { name: 'threshold', type: 'double' },
    { name: 'peak_value', type: 'double' },
    { name: 'peak_zscore', type: 'double' },
    { name: 'ack_by', type: 'string' },
    { name: 'ack_at', type: 'timestamp' },
    { name: 'ack_note', type: 'string' },
    { name: 'detail', type: 'string' },
    { name: 'event_id', type: 'int' },
    { name: 'event_kind', type: 'string' },
    { name: 'event_time', type: 'timestamp' },
    { name: 'event_severity', type: 'string' },
    { name: 'event_value', type: 'double' },
    { name: 'event_zscore', type: 'double' },
    { name: 'event_threshold', type: 'double' },
    { name: 'event_z_threshold', type: 'double' },
    { name: 'event_by', type: 'string' },
    { name: 'event_note', type: 'string' },
    { name: 'event_detail', type: 'string' },
  ];
  function* rows(): Generator<ExportRow> {
    for (const instrument of instruments) {
      // Alerts open at some point in the range, oldest first, each with its whole audit trail.
      const alerts = queryAlerts(db, { key: instrument.key, from, to, limit: Number.MAX_SAFE_INTEGER }).reverse();
      for (const a of alerts) {
        const own = [
          a.id, a.key, a.instrumentId, a.venue, a.rule, a.metric, a.state, a.cancelled, a.severity, a.peakSeverity,
          a.openedAt, a.firedAt, a.resolvedAt, a.value, a.zscore, a.threshold, a.peakValue, a.peakZscore,
          a.acknowledged?.by ?? null, a.acknowledged?.time ?? null, a.acknowledged?.note ?? null, a.detail,
        ];
        const trail = alertTrail(db, a.id);
        if (trail.length === 0) yield [...own, null, null, null, null, null, null, null, null, null, null, null];
        for (const e of trail) {
          yield [...own, e.localId, e.kind, e.time, e.severity, e.value ?? null, e.zscore ?? null, e.threshold, e.zThreshold ?? null, e.by ?? null, e.note ?? null, e.detail ?? null];
        }
      }
    }
  }
  return { columns, batches: inBatches(rows()) };
}

function feedEventsTable(db: HistoryDatabase, instruments: readonly InstrumentRecord[], from: number, to: number): ExportTable {
  const columns: ExportColumn[] = [
    { name: 'event_id', type: 'int' },
    { name: 'time', type: 'timestamp' },
    { name: 'venue', type: 'string' },
    { name: 'key', type: 'string' },
    { name: 'kind', type: 'string' },
    { name: 'detail', type: 'string' },
  ];
  function* rows(): Generator<ExportRow> {
    // The instrument's own events and its venue's (no key): a venue down is an incident of its books too.
    const events = [...new Set(instruments.map((i) => i.venue))].flatMap((venue) => {
      const keys = new Set(instruments.filter((i) => i.venue === venue).map((i) => i.key));
      return queryFeedEvents(db, { venue, from, to, limit: Number.MAX_SAFE_INTEGER }).filter((e) => e.key === null || keys.has(e.key));
    });
    // Oldest first across venues (a canonical id listed on several).
    events.sort((a, b) => a.time - b.time || a.localId - b.localId);
    for (const e of events) yield [e.localId, e.time, e.venue, e.key, e.kind, e.detail];
  }
  return { columns, batches: inBatches(rows()) };
}

function iso(t: number): string {
  return Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t);
}
