import type { Config } from '../../shared/config';
import { DEFAULT_PROFILE, resolveRules } from '../../shared/config';
import type { InstrumentType } from '../../shared/core/model';
import { seriesResolution } from '../export/history-export';
import type { HistoryDatabase } from '../storage/history-db';
import { alertTrail, listInstruments, queryAlerts, queryFeedEvents, type InstrumentRecord } from '../storage/history-queries';
import { MINUTE_MS } from '../storage/minute-rollup';
import { HOUR_MS } from '../storage/rollup-hourly';
import { hasRollups, historyCoverage, rollupSeriesPoints } from '../storage/rollup-queries';
import { COVERAGE_BITS, SAMPLE_METRIC_COLUMNS } from '../storage/sample-columns';
import type { SampleExtra } from '../storage/sample-row';
import {
  DAY_MS,
  isReportMetric,
  type DepthThreshold,
  type InstrumentInput,
  type ReportAlert,
  type ReportData,
  type ReportFeedEvent,
  type ReportInput,
  type ReportRollup,
  type ReportSample,
} from './report-model';

/** A report request the history cannot answer; the message says why. */
export class ReportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportRequestError';
  }
}

export interface ReportRequest {
  /** YYYY-MM-DD, a UTC day. */
  readonly day: string;
  /** Keys, canonical ids or venue symbols; absent or empty: every instrument with history in the day. */
  readonly instruments?: readonly string[];
}

export interface ReportReadOptions {
  readonly config: Config;
  /** Where the config came from, in words (the report prints it). */
  readonly configSource: string;
  /** The history file, as the report names it. */
  readonly history: string;
  readonly now?: number;
}

/** [from, to) of a UTC day given as YYYY-MM-DD; throws ReportRequestError for anything else. */
export function reportDayRange(day: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const from = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || !Number.isFinite(from) || new Date(from).toISOString().slice(0, 10) !== day) {
    throw new ReportRequestError(`--day must be a date YYYY-MM-DD (a UTC day), got "${day}"`);
  }
  return { from, to: from + DAY_MS };
}

/** The instruments a request names, by key, canonical id or symbol; every unknown name is listed. */
export function reportInstruments(db: HistoryDatabase, names: readonly string[] | undefined, from: number, to: number): InstrumentRecord[] {
  const all = listInstruments(db);
  if (!names || names.length === 0) return all.filter((i) => hasDayHistory(db, i.key, from, to));
  const picked = new Map<string, InstrumentRecord>();
  const unknown: string[] = [];
  for (const name of names) {
    const lower = name.trim().toLowerCase();
    const found = all.filter((i) => [i.key, i.instrumentId, i.symbol].some((n) => n.toLowerCase() === lower));
    if (found.length === 0) unknown.push(name);
    for (const f of found) picked.set(f.key, f);
  }
  if (unknown.length > 0) {
    const known = all.map((i) => `${i.instrumentId} (${i.key})`).join(', ') || 'none';
    throw new ReportRequestError(`no instrument ${unknown.map((u) => `"${u}"`).join(', ')} in this history; known: ${known}`);
  }
  return [...picked.values()];
}

function rowId(db: HistoryDatabase, key: string): number {
  return db.prepare('SELECT id FROM instruments WHERE key = ?').pluck().get(key) as number;
}

function hasDayHistory(db: HistoryDatabase, key: string, from: number, to: number): boolean {
  const id = rowId(db, key);
  if (db.prepare('SELECT 1 FROM samples WHERE instrument_id = ? AND time >= ? AND time < ? LIMIT 1').get(id, from, to) !== undefined) return true;
  if (hasRollups(db) && db.prepare('SELECT 1 FROM rollups WHERE instrument_id = ? AND minute >= ? AND minute < ? LIMIT 1').get(id, from, to) !== undefined) return true;
  return db.prepare('SELECT 1 FROM alerts WHERE instrument_id = ? AND opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) LIMIT 1').get(id, to, from) !== undefined;
}

/** Everything the report model needs for one day, read from the history. */
export function readReportInput(db: HistoryDatabase, request: ReportRequest, options: ReportReadOptions): ReportInput {
  const { from, to } = reportDayRange(request.day);
  const capMs = options.config.features.sampling.intervalMs;
  const instruments = reportInstruments(db, request.instruments, from, to);
  return {
    day: request.day,
    from,
    to,
    generatedAt: options.now ?? Date.now(),
    capMs,
    configSource: options.configSource,
    history: options.history,
    instruments: instruments.map((i) => readInstrument(db, i, from, to, capMs, options.config)),
  };
}

function readInstrument(db: HistoryDatabase, instrument: InstrumentRecord, from: number, to: number, capMs: number, config: Config): InstrumentInput {
  const id = rowId(db, instrument.key);
  const alerts = readAlerts(db, instrument.key, from, to);
  return {
    key: instrument.key,
    instrumentId: instrument.instrumentId,
    venue: instrument.venue,
    symbol: instrument.symbol,
    type: instrument.type,
    data: readData(db, id, from, to, capMs),
    alerts,
    feedEvents: readFeedEvents(db, instrument, from, to),
    depthThresholds: depthThresholds(config, instrument, alerts, from, to),
  };
}

/**
 * Raw samples while the raw rows reach back to the day's start (the day is
 * inside the raw window), else minute rollups, else hourly ones: the finest
 * level that holds the whole day, as a series export picks it.
 */
function readData(db: HistoryDatabase, id: number, from: number, to: number, capMs: number): ReportData {
  const level = seriesResolution(historyCoverage(db, id), from);
  if (level === 'sample') return { source: 'samples', samples: readSamples(db, id, from, to, capMs) };
  const step = level === 'hour' ? HOUR_MS : MINUTE_MS;
  return { source: 'rollups', level, stepMs: step, rows: readRollups(db, id, from, to, level, step) };
}

const COLUMN_METRICS = SAMPLE_METRIC_COLUMNS.filter((m) => isReportMetric(m));
const COVERAGE_BIT = new Map<string, number>(COVERAGE_BITS.map((m, i) => [m, 1 << i]));

function readSamples(db: HistoryDatabase, id: number, from: number, to: number, capMs: number): ReportSample[] {
  // The sample before the day holds into it for up to one cap.
  const rows = db
    .prepare(`SELECT time, flags, covered, ${COLUMN_METRICS.join(', ')}, extra FROM samples
      WHERE instrument_id = ? AND time >= ? AND time < ? ORDER BY time`)
    .raw()
    .all(id, from - capMs, to) as (number | string | null)[][];
  const before = rows.filter((r) => (r[0] as number) < from);
  const kept = [...before.slice(-1), ...rows.slice(before.length)];
  return kept.map((r) => {
    const flags = r[1] as number;
    const covered = r[2] as number;
    const values: Record<string, number | null> = {};
    COLUMN_METRICS.forEach((m, i) => {
      const v = r[3 + i] as number | null;
      const bit = COVERAGE_BIT.get(m);
      values[m] = bit !== undefined && (covered & bit) === 0 ? null : v;
    });
    const extraText = r[3 + COLUMN_METRICS.length];
    if (typeof extraText === 'string') {
      const extra = JSON.parse(extraText) as SampleExtra;
      for (const [m, v] of Object.entries(extra.v ?? {})) {
        if (isReportMetric(m)) values[m] = extra.c?.[m] === false ? null : v;
      }
    }
    return { time: r[0] as number, judged: (flags & 3) === 0, values };
  });
}

function readRollups(db: HistoryDatabase, id: number, from: number, to: number, level: 'minute' | 'hour', step: number): ReportRollup[] {
  const table = level === 'hour' ? 'rollups_hourly' : 'rollups';
  const column = level === 'hour' ? 'hour' : 'minute';
  const names = (db.prepare('SELECT name FROM rollup_series ORDER BY id').pluck().all() as string[]).filter(isReportMetric);
  const book = new Map(
    (db.prepare(`SELECT ${column} AS t, book_ms AS b FROM ${table} WHERE instrument_id = ? AND ${column} >= ? AND ${column} < ?`).all(id, from, to) as { t: number; b: number }[]).map((r) => [r.t, r.b]),
  );
  const points = rollupSeriesPoints(db, id, names, { from, to, origin: 0, bucketMs: step }, level);
  return points.map((p) => {
    const series: Record<string, { min: number | null; max: number | null; mean: number | null; last: number | null; validMs: number }> = {};
    for (const [m, s] of Object.entries(p.values)) {
      if (s.min === null && s.max === null) continue;
      series[m] = { min: s.min, max: s.max, mean: s.avg, last: s.last, validMs: s.validMs ?? 0 };
    }
    return { start: p.time, samples: p.count, bookMs: book.get(p.time) ?? 0, series };
  });
}

function readAlerts(db: HistoryDatabase, key: string, from: number, to: number): ReportAlert[] {
  return queryAlerts(db, { key, from, to, limit: Number.MAX_SAFE_INTEGER })
    .reverse()
    .map((a) => ({
      id: a.id,
      rule: a.rule,
      metric: a.metric,
      peakSeverity: a.peakSeverity,
      openedAt: a.openedAt,
      firedAt: a.firedAt,
      resolvedAt: a.resolvedAt,
      events: alertTrail(db, a.id).map((e) => ({ kind: e.kind, time: e.time, rule: e.rule, severity: e.severity, threshold: e.threshold })),
    }));
}

const STATE_KINDS = ['connect', 'disconnect', 'stale', 'fresh'];

function readFeedEvents(db: HistoryDatabase, instrument: InstrumentRecord, from: number, to: number): ReportFeedEvent[] {
  const mine = (e: { key: string | null }) => e.key === null || e.key === instrument.key;
  const day = queryFeedEvents(db, { venue: instrument.venue, from, to, limit: Number.MAX_SAFE_INTEGER }).filter(mine).reverse();
  // The latest state event of each scope before the day: a venue stale since yesterday is an incident of today too.
  const earlier = queryFeedEvents(db, { venue: instrument.venue, to: from, kinds: STATE_KINDS as never, limit: 1000 }).filter(mine);
  const latest = new Map<string, (typeof earlier)[number]>();
  for (const e of earlier) {
    const scope = `${e.kind === 'stale' || e.kind === 'fresh' ? 'stale' : 'down'}|${e.key ?? ''}`;
    if (!latest.has(scope)) latest.set(scope, e);
  }
  return [...[...latest.values()].sort((a, b) => a.time - b.time), ...day].map((e) => ({ time: e.time, venue: e.venue, key: e.key, kind: e.kind, detail: e.detail }));
}

/**
 * Depth thresholds: the `below` rules on depth metrics that alerts.yaml
 * resolves for the instrument (default profile, then its own; the history
 * does not record a liquidity tier, so tier profiles are not applied), and
 * every threshold the day's depth alerts carry in their audit trail (what the
 * engine ran with then), where it differs.
 */
function depthThresholds(config: Config, instrument: InstrumentRecord, alerts: readonly ReportAlert[], from: number, to: number): DepthThreshold[] {
  const type = (['spot', 'perpetual', 'future'].includes(instrument.type ?? '') ? instrument.type : 'perpetual') as InstrumentType;
  const own = instrument.instrumentId !== DEFAULT_PROFILE && Object.hasOwn(config.alerts.thresholds, instrument.instrumentId);
  const source = own ? `alerts.yaml (default profile, then ${instrument.instrumentId}'s)` : 'alerts.yaml (default profile)';
  const out: DepthThreshold[] = resolveRules(config.alerts, instrument.instrumentId, type, null)
    .filter((r) => r.metric.startsWith('depth_') && r.direction === 'below')
    .map((r) => ({ rule: r.name, metric: r.metric, threshold: r.threshold, severity: r.severity, source }));
  for (const a of alerts) {
    if (!a.metric.startsWith('depth_')) continue;
    for (const e of a.events) {
      if (e.time < from || e.time >= to || !['pending', 'firing', 'escalated', 'deescalated'].includes(e.kind)) continue;
      const same = out.find((t) => t.rule === e.rule && t.metric === a.metric && t.threshold === e.threshold);
      if (same) {
        if (!same.source.includes('audit trail')) out[out.indexOf(same)] = { ...same, source: `${same.source}; the same in the day's audit trail` };
        continue;
      }
      out.push({ rule: e.rule, metric: a.metric, threshold: e.threshold, severity: e.severity, source: "the day's audit trail (stored with the alert)" });
    }
  }
  return out;
}
