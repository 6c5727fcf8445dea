/*
 * The T+1 market-quality report's figures (docs/report.md), computed from
 * rows it is handed: no file, no database. The history reader
 * (report-reader.ts) turns a day of SQLite history into these inputs; the
 * renderer (report-html.ts) turns the result into HTML.
 */
import type { AlertEvent, StoredAlert } from '../../shared/core/model';

export const DAY_MS = 86_400_000;

/** Percentiles every series summary carries (fractions of the judged time). */
export const REPORT_PERCENTILES = [0.01, 0.05, 0.5, 0.95, 0.99] as const;
export type ReportPercentile = (typeof REPORT_PERCENTILES)[number];

/** One raw sample as the report reads it. */
export interface ReportSample {
  readonly time: number;
  /** Fresh feed and valid book (samples.flags bits 0 and 1 clear). */
  readonly judged: boolean;
  /**
   * The sample's values (null: absent). Depth values only where the book
   * reached the band: a book short of it shows a lower bound, not the depth.
   */
  readonly values: Readonly<Record<string, number | null | undefined>>;
}

/** One series of one rollup row (minute or hour). */
export interface ReportRollupSeries {
  readonly min: number | null;
  readonly max: number | null;
  /** Mean over the samples (null for z-scores, never asked for here). */
  readonly mean: number | null;
  readonly last: number | null;
  /** ms the series had a value on a fresh, valid book (and, for depth, reached its band). */
  readonly validMs: number;
}

/** One rollup row: a minute or an hour of one instrument. */
export interface ReportRollup {
  readonly start: number;
  readonly samples: number;
  /** ms of the row with a fresh, valid book. */
  readonly bookMs: number;
  readonly series: Readonly<Record<string, ReportRollupSeries>>;
}

export type ReportData =
  | { readonly source: 'samples'; readonly samples: readonly ReportSample[] }
  | { readonly source: 'rollups'; readonly level: 'minute' | 'hour'; readonly stepMs: number; readonly rows: readonly ReportRollup[] };

/**
 * An alert as stored (model.ts `StoredAlert`), with its audit trail; `rule`
 * is its latest (the trail tells which rule it fired under when).
 */
export interface ReportAlert extends Pick<StoredAlert, 'id' | 'rule' | 'metric' | 'peakSeverity' | 'openedAt' | 'firedAt' | 'resolvedAt'> {
  readonly events: readonly ReportAlertEvent[];
}

export type ReportAlertEvent = Pick<AlertEvent, 'kind' | 'time' | 'rule' | 'severity' | 'threshold'>;

export interface ReportFeedEvent {
  readonly time: number;
  readonly venue: string;
  /** null: a venue-wide event (a connection), else this instrument's. */
  readonly key: string | null;
  readonly kind: string;
  readonly detail: string | null;
}

/** A depth rule whose threshold the report measures time below. */
export interface DepthThreshold {
  readonly rule: string;
  readonly metric: string;
  readonly threshold: number;
  readonly severity: 'warning' | 'critical';
  /** Where the threshold comes from, in words (`alerts.yaml default profile`, `stored with the day's alerts`). */
  readonly source: string;
}

export interface InstrumentInput {
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly type: string | null;
  readonly data: ReportData;
  readonly alerts: readonly ReportAlert[];
  /** Feed events of the day, and before it the latest that set a state still in force (a connection down since yesterday). */
  readonly feedEvents: readonly ReportFeedEvent[];
  readonly depthThresholds: readonly DepthThreshold[];
}

export interface ReportInput {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  /** [from, to): the day's UTC midnight to the next. */
  readonly from: number;
  readonly to: number;
  readonly generatedAt: number;
  /** The most time one raw sample stands for (features.yaml sampling.interval_ms): a longer silence is missing data. */
  readonly capMs: number;
  /** Where rules and the cap came from, in words. */
  readonly configSource: string;
  readonly history: string;
  readonly instruments: readonly InstrumentInput[];
}

/** Time-weighted figures of one series over the day. */
export interface SeriesSummary {
  readonly metric: string;
  /** ms the series was judged (its value on a fresh, valid book). */
  readonly judgedMs: number;
  readonly mean: number | null;
  readonly percentiles: Readonly<Record<ReportPercentile, number | null>>;
  readonly min: number | null;
  readonly max: number | null;
  /** Percentiles from rollup means: approximate (the mean, min and max are exact). */
  readonly approximate: boolean;
}

export interface ThresholdTime {
  readonly threshold: DepthThreshold;
  /** ms of the judged time the value was below the threshold (rollups: minutes whose mean was). */
  readonly belowMs: number;
  /** Rollups only: bounds (minutes whose max was below .. minutes whose min was below). */
  readonly belowMsBounds?: readonly [number, number];
  readonly judgedMs: number;
}

export interface RuleAlertStats {
  readonly rule: string;
  readonly metric: string;
  /** Alerts that fired under this rule at some point of the day. */
  readonly fired: number;
  /** Of those, firing under it since before the day. */
  readonly carriedIn: number;
  /** Of those, still firing under it at the day's end. */
  readonly openAtEnd: number;
  /** Pending under this rule in the day and never fired. */
  readonly cancelled: number;
  /** ms firing under this rule within the day (clipped to it). */
  readonly firingMs: number;
  readonly longestMs: number;
  readonly thresholds: readonly number[];
}

export interface AlertSpan {
  readonly alertId: string;
  readonly rule: string;
  readonly severity: 'warning' | 'critical';
  readonly start: number;
  readonly end: number;
  /** Still firing at the day's end (or at generation time, for today). */
  readonly open: boolean;
}

export interface FeedIncident {
  readonly kind: 'down' | 'stale';
  readonly venue: string;
  readonly key: string | null;
  readonly start: number;
  /** Clipped to the day; `open` when it had not ended by then. */
  readonly end: number;
  readonly open: boolean;
  readonly detail: string | null;
}

export interface CoverageBucket {
  readonly start: number;
  /** Share of the bucket with a fresh, valid book / with any sample. */
  readonly valid: number;
  readonly sampled: number;
}

export interface Coverage {
  /** ms of the day with a fresh, valid book. */
  readonly validMs: number;
  /** ms of the day covered by a sample at all (valid or not). */
  readonly sampledMs: number;
  readonly dayMs: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  /** Silences longer than the cap between the first and last sample, longest first (at most 10). */
  readonly holes: readonly { readonly start: number; readonly end: number }[];
  readonly holeCount: number;
  /** The day in 96 quarter-hours. */
  readonly buckets: readonly CoverageBucket[];
}

export interface ChartBucket {
  readonly start: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export interface ChartSeries {
  readonly metric: string;
  readonly buckets: readonly ChartBucket[];
}

export interface InstrumentReport {
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly type: string | null;
  readonly source: 'samples' | 'minute rollups' | 'hour rollups';
  readonly sampleCount: number;
  readonly spread: SeriesSummary | null;
  readonly depth: readonly SeriesSummary[];
  readonly depthThresholds: readonly ThresholdTime[];
  readonly basis: readonly SeriesSummary[];
  readonly funding: readonly SeriesSummary[];
  readonly alertsByRule: readonly RuleAlertStats[];
  /** Distinct alerts firing at some point of the day (one that escalated counts once). */
  readonly alertsFired: number;
  readonly alertSpans: readonly AlertSpan[];
  readonly feedIncidents: readonly FeedIncident[];
  /** Point events of the day (gap, resync, checksum_failure, book_drift, worker_restart) by kind. */
  readonly feedEventCounts: Readonly<Record<string, number>>;
  readonly coverage: Coverage;
  /** Charts of the data's extent within the day. */
  readonly chart: { readonly from: number; readonly to: number; readonly bucketMs: number; readonly series: readonly ChartSeries[] };
}

export interface MarketReport {
  readonly day: string;
  readonly from: number;
  readonly to: number;
  readonly generatedAt: number;
  readonly capMs: number;
  readonly configSource: string;
  readonly history: string;
  readonly instruments: readonly InstrumentReport[];
  /** No instrument had a sample or rollup in the day. */
  readonly empty: boolean;
}

export const SPREAD_METRIC = 'spread_bps';
export const BASIS_METRICS = ['basis_perp_spot_bps', 'basis_perp_index_bps', 'basis_mark_index_bps', 'cross_venue_bps'] as const;
export const FUNDING_METRICS = ['funding_bps_8h', 'funding_rate'] as const;
const DEPTH = /^depth_(?:(bid|ask)_)?(\d+(?:\.\d+)?)bps$/;

/** Whether a series is one the report reads. */
export function isReportMetric(name: string): boolean {
  return name === SPREAD_METRIC || DEPTH.test(name) || (BASIS_METRICS as readonly string[]).includes(name) || (FUNDING_METRICS as readonly string[]).includes(name);
}

/** Depth series in reading order: by band, then bid, ask, thinner side. */
export function depthOrder(a: string, b: string): number {
  const ma = DEPTH.exec(a);
  const mb = DEPTH.exec(b);
  if (!ma || !mb) return a.localeCompare(b);
  const side = (s: string | undefined) => (s === 'bid' ? 0 : s === 'ask' ? 1 : 2);
  return Number(ma[2]) - Number(mb[2]) || side(ma[1]) - side(mb[1]);
}

/** A value held for `weight` ms. */
interface Weighted {
  readonly value: number;
  readonly weight: number;
}

/**
 * The time-weighted percentile: the smallest value whose cumulative weight
 * (values sorted ascending) reaches `p` of the total. No interpolation, so
 * the figure is always a value the series had (for rollups, a row's mean).
 */
export function weightedPercentile(sorted: readonly Weighted[], total: number, p: number): number | null {
  if (sorted.length === 0 || total <= 0) return null;
  const bar = p * total;
  let cum = 0;
  for (const w of sorted) {
    cum += w.weight;
    if (cum >= bar) return w.value;
  }
  return sorted[sorted.length - 1]!.value;
}

function summarize(metric: string, observations: readonly Weighted[], approximate: boolean, extremes?: { min: number | null; max: number | null }): SeriesSummary {
  const kept = observations.filter((o) => o.weight > 0);
  const sorted = [...kept].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, o) => s + o.weight, 0);
  const mean = total > 0 ? sorted.reduce((s, o) => s + o.value * o.weight, 0) / total : null;
  const percentiles = Object.fromEntries(REPORT_PERCENTILES.map((p) => [p, weightedPercentile(sorted, total, p)])) as Record<ReportPercentile, number | null>;
  return {
    metric,
    judgedMs: total,
    mean,
    percentiles,
    min: extremes ? extremes.min : (sorted[0]?.value ?? null),
    max: extremes ? extremes.max : (sorted[sorted.length - 1]?.value ?? null),
    approximate,
  };
}

/** A nice bucket width giving at most `maxBuckets` over `span` ms, at least `minMs`. */
export function chartBucketMs(span: number, minMs: number, maxBuckets = 240): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);
  return steps.find((s) => s >= minMs && span / s <= maxBuckets) ?? Math.max(minMs, 7_200_000);
}

const POINT_FEED_KINDS = ['gap', 'resync', 'checksum_failure', 'book_drift', 'worker_restart'];

/** The report of one instrument over [from, to). */
export function buildInstrumentReport(input: InstrumentInput, ctx: { readonly from: number; readonly to: number; readonly capMs: number; readonly generatedAt: number }): InstrumentReport {
  const { from, to } = ctx;
  const end = Math.min(to, Math.max(from, ctx.generatedAt));
  const series = input.data.source === 'samples' ? fromSamples(input.data.samples, ctx) : fromRollups(input.data.rows, input.data.stepMs, from, to, ctx.capMs);
  const approximate = input.data.source === 'rollups';
  const summaries = new Map<string, SeriesSummary>();
  for (const [metric, s] of series.observations) summaries.set(metric, summarize(metric, s.list, approximate, approximate ? s.extremes : undefined));
  const depthNames = [...summaries.keys()].filter((m) => DEPTH.test(m)).sort(depthOrder);

  const thresholds = input.depthThresholds.map((t): ThresholdTime => {
    const s = series.observations.get(t.metric);
    const judgedMs = s ? s.list.reduce((a, o) => a + o.weight, 0) : 0;
    const belowMs = s ? s.list.reduce((a, o) => a + (o.value < t.threshold ? o.weight : 0), 0) : 0;
    if (!approximate || !s) return { threshold: t, belowMs, judgedMs };
    const lower = s.bounds.reduce((a, o) => a + (o.max !== null && o.max < t.threshold ? o.weight : 0), 0);
    const upper = s.bounds.reduce((a, o) => a + (o.min !== null && o.min < t.threshold ? o.weight : 0), 0);
    return { threshold: t, belowMs, belowMsBounds: [lower, upper], judgedMs };
  });

  const alerts = alertFigures(input.alerts, from, to, end);
  const feed = feedFigures(input.feedEvents, from, to, end);
  const chartSeries = [SPREAD_METRIC, ...depthNames, ...BASIS_METRICS, ...FUNDING_METRICS].filter((m) => series.chart.series.has(m));
  return {
    key: input.key,
    instrumentId: input.instrumentId,
    venue: input.venue,
    symbol: input.symbol,
    type: input.type,
    source: input.data.source === 'samples' ? 'samples' : input.data.level === 'minute' ? 'minute rollups' : 'hour rollups',
    sampleCount: series.sampleCount,
    spread: summaries.get(SPREAD_METRIC) ?? null,
    depth: depthNames.map((m) => summaries.get(m)!),
    depthThresholds: thresholds,
    basis: BASIS_METRICS.flatMap((m) => summaries.get(m) ?? []),
    funding: FUNDING_METRICS.flatMap((m) => summaries.get(m) ?? []),
    alertsByRule: alerts.byRule,
    alertsFired: new Set(alerts.spans.map((a) => a.alertId)).size,
    alertSpans: alerts.spans,
    feedIncidents: feed.incidents,
    feedEventCounts: feed.counts,
    coverage: series.coverage,
    chart: {
      from: series.chart.from,
      to: series.chart.to,
      bucketMs: series.chart.bucketMs,
      series: chartSeries.map((metric) => ({ metric, buckets: series.chart.series.get(metric)! })),
    },
  };
}

/** The whole report. */
export function buildMarketReport(input: ReportInput): MarketReport {
  const ctx = { from: input.from, to: input.to, capMs: input.capMs, generatedAt: input.generatedAt };
  const instruments = input.instruments.map((i) => buildInstrumentReport(i, ctx));
  return {
    day: input.day,
    from: input.from,
    to: input.to,
    generatedAt: input.generatedAt,
    capMs: input.capMs,
    configSource: input.configSource,
    history: input.history,
    instruments,
    empty: instruments.every((i) => i.sampleCount === 0),
  };
}

interface SeriesObservations {
  readonly list: Weighted[];
  /** Rollups: each row's min and max with its weight. */
  readonly bounds: { readonly min: number | null; readonly max: number | null; readonly weight: number }[];
  extremes: { min: number | null; max: number | null };
}

interface SeriesFigures {
  readonly observations: Map<string, SeriesObservations>;
  readonly coverage: Coverage;
  readonly sampleCount: number;
  readonly chart: { from: number; to: number; bucketMs: number; series: Map<string, ChartBucket[]> };
}

const COVERAGE_BUCKET_MS = 900_000;

function emptyCoverageBuckets(from: number, to: number): { start: number; valid: number; sampled: number }[] {
  const out: { start: number; valid: number; sampled: number }[] = [];
  for (let t = from; t < to; t += COVERAGE_BUCKET_MS) out.push({ start: t, valid: 0, sampled: 0 });
  return out;
}

/** Adds the ms of [a, b) that fall in each bucket of `width` from `origin`. */
function spread(a: number, b: number, origin: number, width: number, add: (index: number, ms: number) => void): void {
  let t = a;
  while (t < b) {
    const index = Math.floor((t - origin) / width);
    const edge = Math.min(b, origin + (index + 1) * width);
    add(index, edge - t);
    t = edge;
  }
}

class ChartAccumulator {
  private readonly sums = new Map<string, { sum: number; w: number; min: number; max: number }[]>();
  constructor(
    readonly from: number,
    readonly to: number,
    readonly bucketMs: number,
  ) {}

  add(metric: string, value: number, a: number, b: number): void {
    let list = this.sums.get(metric);
    if (!list) this.sums.set(metric, (list = []));
    const buckets = list;
    spread(Math.max(a, this.from), Math.min(b, this.to), this.from, this.bucketMs, (i, ms) => {
      const s = (buckets[i] ??= { sum: 0, w: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY });
      s.sum += value * ms;
      s.w += ms;
      if (value < s.min) s.min = value;
      if (value > s.max) s.max = value;
    });
  }

  addRange(metric: string, mean: number, min: number | null, max: number | null, start: number, weight: number): void {
    let list = this.sums.get(metric);
    if (!list) this.sums.set(metric, (list = []));
    const i = Math.floor((start - this.from) / this.bucketMs);
    if (i < 0 || start >= this.to) return;
    const s = (list[i] ??= { sum: 0, w: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY });
    s.sum += mean * weight;
    s.w += weight;
    s.min = Math.min(s.min, min ?? mean);
    s.max = Math.max(s.max, max ?? mean);
  }

  result(): Map<string, ChartBucket[]> {
    const count = Math.max(0, Math.ceil((this.to - this.from) / this.bucketMs));
    const out = new Map<string, ChartBucket[]>();
    for (const [metric, list] of this.sums) {
      const buckets: ChartBucket[] = [];
      for (let i = 0; i < count; i++) {
        const s = list[i];
        const ok = s !== undefined && s.w > 0;
        buckets.push({ start: this.from + i * this.bucketMs, mean: ok ? s.sum / s.w : null, min: ok ? s.min : null, max: ok ? s.max : null });
      }
      out.set(metric, buckets);
    }
    return out;
  }
}

/** The chart window: the data's extent in the day, on whole buckets. */
function chartWindow(first: number | null, last: number | null, minBucket: number, from: number, to: number): { from: number; to: number; bucketMs: number } {
  if (first === null || last === null) return { from, to, bucketMs: chartBucketMs(to - from, minBucket) };
  const bucketMs = chartBucketMs(Math.max(minBucket, last - first), minBucket);
  const a = Math.max(from, Math.floor(first / bucketMs) * bucketMs);
  const b = Math.min(to, Math.max(a + bucketMs, Math.ceil(last / bucketMs) * bucketMs));
  return { from: a, to: b, bucketMs };
}

function fromSamples(samples: readonly ReportSample[], ctx: { readonly from: number; readonly to: number; readonly capMs: number }): SeriesFigures {
  const { from, to, capMs } = ctx;
  const sorted = [...samples].sort((a, b) => a.time - b.time);
  const observations = new Map<string, SeriesObservations>();
  const buckets = emptyCoverageBuckets(from, to);
  const holes: { start: number; end: number }[] = [];
  let validMs = 0;
  let sampledMs = 0;
  let first: number | null = null;
  let last: number | null = null;
  let count = 0;
  // Held span of each sample: until the next one, at most capMs, clipped to the day.
  const spans: { s: ReportSample; a: number; b: number }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    const next = sorted[i + 1]?.time ?? Number.POSITIVE_INFINITY;
    const held = Math.min(next, s.time + capMs);
    const a = Math.max(s.time, from);
    const b = Math.min(held, to);
    if (s.time >= from && s.time < to) {
      count++;
      first ??= s.time;
      last = s.time;
      // A silence after this sample, before the next one of the day.
      if (next < to && next - s.time > capMs) holes.push({ start: held, end: next });
    }
    if (b <= a) continue;
    spans.push({ s, a, b });
  }
  const minBucket = Math.max(1000, capMs);
  const window = chartWindow(first, last === null ? null : Math.min(to, last + capMs), minBucket, from, to);
  const chart = new ChartAccumulator(window.from, window.to, window.bucketMs);
  for (const { s, a, b } of spans) {
    const w = b - a;
    sampledMs += w;
    spread(a, b, from, COVERAGE_BUCKET_MS, (i, ms) => (buckets[i]!.sampled += ms));
    if (!s.judged) continue;
    validMs += w;
    spread(a, b, from, COVERAGE_BUCKET_MS, (i, ms) => (buckets[i]!.valid += ms));
    for (const [metric, value] of Object.entries(s.values)) {
      if (value === null || value === undefined || !Number.isFinite(value) || !isReportMetric(metric)) continue;
      let o = observations.get(metric);
      if (!o) observations.set(metric, (o = { list: [], bounds: [], extremes: { min: null, max: null } }));
      o.list.push({ value, weight: w });
      chart.add(metric, value, a, b);
    }
  }
  holes.sort((x, y) => y.end - y.start - (x.end - x.start) || x.start - y.start);
  return {
    observations,
    sampleCount: count,
    coverage: {
      validMs,
      sampledMs,
      dayMs: to - from,
      firstTime: first,
      lastTime: last,
      holes: holes.slice(0, 10),
      holeCount: holes.length,
      buckets: buckets.map((b) => ({ start: b.start, valid: b.valid / COVERAGE_BUCKET_MS, sampled: b.sampled / COVERAGE_BUCKET_MS })),
    },
    chart: { ...window, series: chart.result() },
  };
}

function fromRollups(rows: readonly ReportRollup[], stepMs: number, from: number, to: number, capMs: number): SeriesFigures {
  const inDay = rows.filter((r) => r.start >= from && r.start < to).sort((a, b) => a.start - b.start);
  const observations = new Map<string, SeriesObservations>();
  const buckets = emptyCoverageBuckets(from, to);
  const holes: { start: number; end: number }[] = [];
  let validMs = 0;
  let sampledMs = 0;
  let count = 0;
  const first = inDay[0]?.start ?? null;
  const lastRow = inDay[inDay.length - 1];
  const window = chartWindow(first, lastRow ? lastRow.start + stepMs : null, stepMs, from, to);
  const chart = new ChartAccumulator(window.from, window.to, window.bucketMs);
  for (const [i, r] of inDay.entries()) {
    count += r.samples;
    validMs += r.bookMs;
    // Sampled time of a row: rollups keep the sample count, not the time each held: samples x cap, at least the book time.
    const sampled = Math.min(stepMs, Math.max(r.bookMs, r.samples * capMs));
    sampledMs += sampled;
    spread(r.start, r.start + stepMs, from, COVERAGE_BUCKET_MS, (b, ms) => {
      buckets[b]!.valid += (r.bookMs * ms) / stepMs;
      buckets[b]!.sampled += (sampled * ms) / stepMs;
    });
    const next = inDay[i + 1];
    if (next && next.start > r.start + stepMs) holes.push({ start: r.start + stepMs, end: next.start });
    for (const [metric, s] of Object.entries(r.series)) {
      if (!isReportMetric(metric)) continue;
      let o = observations.get(metric);
      if (!o) observations.set(metric, (o = { list: [], bounds: [], extremes: { min: null, max: null } }));
      if (s.validMs <= 0 || s.mean === null) continue;
      o.list.push({ value: s.mean, weight: s.validMs });
      o.bounds.push({ min: s.min, max: s.max, weight: s.validMs });
      if (s.min !== null) o.extremes.min = o.extremes.min === null ? s.min : Math.min(o.extremes.min, s.min);
      if (s.max !== null) o.extremes.max = o.extremes.max === null ? s.max : Math.max(o.extremes.max, s.max);
      chart.addRange(metric, s.mean, s.min, s.max, r.start, s.validMs);
    }
  }
  for (const [metric, o] of observations) if (o.list.length === 0) observations.delete(metric);
  holes.sort((x, y) => y.end - y.start - (x.end - x.start) || x.start - y.start);
  return {
    observations,
    sampleCount: count,
    coverage: {
      validMs,
      sampledMs,
      dayMs: to - from,
      firstTime: first,
      lastTime: lastRow ? lastRow.start : null,
      holes: holes.slice(0, 10),
      holeCount: holes.length,
      buckets: buckets.map((b) => ({ start: b.start, valid: Math.min(1, b.valid / COVERAGE_BUCKET_MS), sampled: Math.min(1, b.sampled / COVERAGE_BUCKET_MS) })),
    },
    chart: { ...window, series: chart.result() },
  };
}

/**
 * Firing spans by rule from each alert's audit trail: `firing` starts one
 * under its rule, `escalated` / `deescalated` switch to the event's rule,
 * `resolved` ends it; an alert without a trail fires under its own rule from
 * fired_at to resolved_at. Spans are clipped to [from, end); one still open
 * runs to `end` (the day's end, or now for today).
 */
function alertFigures(alerts: readonly ReportAlert[], from: number, to: number, end: number): { byRule: RuleAlertStats[]; spans: AlertSpan[] } {
  const spans: (AlertSpan & { rawStart: number; metric: string })[] = [];
  const cancelled = new Map<string, { metric: string; n: number; thresholds: Set<number> }>();
  const thresholds = new Map<string, Set<number>>();
  const noteThreshold = (rule: string, t: number) => {
    let s = thresholds.get(rule);
    if (!s) thresholds.set(rule, (s = new Set()));
    s.add(t);
  };
  for (const a of alerts) {
    const events = [...a.events].sort((x, y) => x.time - y.time);
    const raw: { rule: string; severity: 'warning' | 'critical'; start: number; end: number | null }[] = [];
    let current: { rule: string; severity: 'warning' | 'critical'; start: number; end: number | null } | null = null;
    let pendingRule: string | null = null;
    for (const e of events) {
      if (e.kind === 'pending') pendingRule = e.rule;
      else if (e.kind === 'firing' || e.kind === 'escalated' || e.kind === 'deescalated') {
        if (current) current.end = e.time;
        current = { rule: e.rule, severity: e.severity, start: e.time, end: null };
        raw.push(current);
        if (e.time < to && e.time >= from) noteThreshold(e.rule, e.threshold);
      } else if (e.kind === 'resolved') {
        if (current) current.end = e.time;
        current = null;
      } else if (e.kind === 'cancelled' && raw.length === 0 && e.time >= from && e.time < to) {
        const rule = pendingRule ?? e.rule;
        let c = cancelled.get(rule);
        if (!c) cancelled.set(rule, (c = { metric: a.metric, n: 0, thresholds: new Set() }));
        c.n++;
      }
    }
    if (raw.length === 0 && a.firedAt !== null) raw.push({ rule: a.rule, severity: a.peakSeverity, start: a.firedAt, end: a.resolvedAt });
    if (raw.length === 0 && a.firedAt === null && a.resolvedAt !== null && !events.some((e) => e.kind === 'cancelled') && a.resolvedAt >= from && a.resolvedAt < to) {
      let c = cancelled.get(a.rule);
      if (!c) cancelled.set(a.rule, (c = { metric: a.metric, n: 0, thresholds: new Set() }));
      c.n++;
    }
    // A resolved alert whose trail lacks the resolution still ends at resolved_at.
    const last = raw[raw.length - 1];
    if (last && last.end === null && a.resolvedAt !== null) last.end = a.resolvedAt;
    for (const r of raw) {
      const s = Math.max(r.start, from);
      const open = r.end === null || r.end >= to;
      const e = Math.min(r.end ?? end, end, to);
      if (e <= s && !(r.start < to && (r.end === null || r.end > from) && e === s)) continue;
      if (r.start >= to || (r.end !== null && r.end <= from)) continue;
      spans.push({ alertId: a.id, rule: r.rule, severity: r.severity, start: s, end: Math.max(s, e), open, rawStart: r.start, metric: a.metric });
    }
  }
  const rules = new Map<string, { metric: string; alerts: Map<string, number>; carried: Set<string>; open: Set<string>; ms: number }>();
  for (const s of spans) {
    let r = rules.get(s.rule);
    if (!r) rules.set(s.rule, (r = { metric: s.metric, alerts: new Map(), carried: new Set(), open: new Set(), ms: 0 }));
    const ms = s.end - s.start;
    r.ms += ms;
    r.alerts.set(s.alertId, (r.alerts.get(s.alertId) ?? 0) + ms);
    if (s.rawStart < from) r.carried.add(s.alertId);
    if (s.open) r.open.add(s.alertId);
  }
  const byRule: RuleAlertStats[] = [...new Set([...rules.keys(), ...cancelled.keys()])].sort().map((rule) => {
    const r = rules.get(rule);
    return {
      rule,
      metric: r?.metric ?? cancelled.get(rule)!.metric,
      fired: r?.alerts.size ?? 0,
      carriedIn: r?.carried.size ?? 0,
      openAtEnd: r?.open.size ?? 0,
      cancelled: cancelled.get(rule)?.n ?? 0,
      firingMs: r?.ms ?? 0,
      longestMs: r ? Math.max(0, ...r.alerts.values()) : 0,
      thresholds: [...(thresholds.get(rule) ?? [])].sort((x, y) => x - y),
    };
  });
  return { byRule, spans: spans.map(({ rawStart: _r, metric: _m, ...s }) => s).sort((x, y) => x.start - y.start) };
}

/**
 * Feed incidents: a `disconnect` until the next `connect` of the same venue
 * (and connection, when the detail names one), a `stale` until the next
 * `fresh` of the same scope (venue, or instrument); clipped to [from, end).
 * Other kinds are point events, counted.
 */
function feedFigures(events: readonly ReportFeedEvent[], from: number, to: number, end: number): { incidents: FeedIncident[]; counts: Record<string, number> } {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const open = new Map<string, { kind: 'down' | 'stale'; e: ReportFeedEvent }>();
  const incidents: FeedIncident[] = [];
  const counts: Record<string, number> = {};
  const close = (scope: string, time: number) => {
    const o = open.get(scope);
    if (!o) return;
    open.delete(scope);
    if (time <= from && time !== Number.POSITIVE_INFINITY) return;
    const start = Math.max(from, o.e.time);
    const isOpen = time >= to;
    incidents.push({ kind: o.kind, venue: o.e.venue, key: o.e.key, start, end: Math.max(start, Math.min(time, end, to)), open: isOpen, detail: o.e.detail });
  };
  for (const e of sorted) {
    if (e.time >= to) break;
    const scope = (k: string) => `${k}|${e.venue}|${e.key ?? ''}`;
    if (e.kind === 'disconnect') {
      if (!open.has(scope('down'))) open.set(scope('down'), { kind: 'down', e });
    } else if (e.kind === 'connect') close(scope('down'), e.time);
    else if (e.kind === 'stale') {
      if (!open.has(scope('stale'))) open.set(scope('stale'), { kind: 'stale', e });
    } else if (e.kind === 'fresh') close(scope('stale'), e.time);
    else if (e.time >= from && POINT_FEED_KINDS.includes(e.kind)) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  }
  for (const scope of [...open.keys()]) close(scope, Number.POSITIVE_INFINITY);
  incidents.sort((a, b) => a.start - b.start);
  return { incidents, counts };
}
