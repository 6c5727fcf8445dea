import type { MetricName } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { COVERAGE_BITS, SAMPLE_METRIC_COLUMNS, SAMPLE_ZSCORE_COLUMNS, ZSCORE_SCALE } from './sample-columns';

/** Bits of `samples.flags`: the data health behind a sample. */
export const SAMPLE_FLAGS = {
  stale: 1,
  bookInvalid: 2,
  /** The z-score windows were dropped on this sample (gap, stale, invalid book). */
  zscoreReset: 4,
} as const;

/** What `samples.extra` holds (JSON) for metrics without a column: values, coverage, z-scores. */
export interface SampleExtra {
  v?: Record<string, number>;
  c?: Record<string, boolean>;
  z?: Record<string, number>;
}

const METRIC_COLUMN = new Set<string>(SAMPLE_METRIC_COLUMNS);
const ZSCORE_COLUMN = new Set<string>(SAMPLE_ZSCORE_COLUMNS);

/** Columns of a samples INSERT after `instrument_id`, in parameter order. */
export const SAMPLE_INSERT_COLUMNS: readonly string[] = [
  'time',
  'flags',
  'covered',
  ...SAMPLE_METRIC_COLUMNS,
  ...SAMPLE_ZSCORE_COLUMNS.map((m) => `z_${m}`),
  'extra',
];

/** `INSERT INTO samples`: the first sample for an (instrument, time) wins, so history is append-only. */
export const INSERT_SAMPLE_SQL = `INSERT INTO samples (instrument_id, ${SAMPLE_INSERT_COLUMNS.join(', ')})
  VALUES (${['?', ...SAMPLE_INSERT_COLUMNS.map(() => '?')].join(', ')})
  ON CONFLICT (instrument_id, time) DO NOTHING`;

/**
 * Turns an evaluation into the parameters of {@link INSERT_SAMPLE_SQL}
 * (without the instrument id, resolved at flush). Non-finite values are
 * stored as NULL: SQLite has no NaN and a missing value means the same.
 */
export function sampleParams(evaluation: SampleEvaluation): unknown[] {
  const { sample, zscores, reset } = evaluation;
  let flags = 0;
  if (sample.health.stale) flags |= SAMPLE_FLAGS.stale;
  if (!sample.health.bookValid) flags |= SAMPLE_FLAGS.bookInvalid;
  if (reset) flags |= SAMPLE_FLAGS.zscoreReset;
  let covered = 0;
  for (let i = 0; i < COVERAGE_BITS.length; i++) if (sample.covered[COVERAGE_BITS[i]!] === true) covered |= 1 << i;

  const params: unknown[] = [sample.time, flags, covered];
  for (const metric of SAMPLE_METRIC_COLUMNS) params.push(finite(sample.values[metric]));
  for (const metric of SAMPLE_ZSCORE_COLUMNS) {
    const z = zscores[metric];
    params.push(z?.ready && Number.isFinite(z.z) ? Math.round(z.z * ZSCORE_SCALE) : null);
  }

  let extra: SampleExtra | null = null;
  for (const [metric, value] of Object.entries(sample.values)) {
    if (METRIC_COLUMN.has(metric) || value === undefined || !Number.isFinite(value)) continue;
    extra ??= {};
    (extra.v ??= {})[metric] = value;
    const c = sample.covered[metric as MetricName];
    if (c !== undefined) (extra.c ??= {})[metric] = c;
  }
  for (const [metric, z] of Object.entries(zscores)) {
    if (ZSCORE_COLUMN.has(metric) || !z?.ready || !Number.isFinite(z.z)) continue;
    extra ??= {};
    (extra.z ??= {})[metric] = z.z;
  }
  params.push(extra === null ? null : JSON.stringify(extra));
  return params;
}

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/**
 * The SQL expression reading one series from `samples`: a column for known
 * metrics, scaled back `z_<metric>` z-scores, `json_extract` on `extra` for others.
 * Names are checked against a strict pattern because they end up in SQL text.
 * Null when the name cannot be a stored series. `table` qualifies the columns.
 */
export function seriesExpression(name: string, table?: string): string | null {
  const prefix = table === undefined ? '' : `${table}.`;
  if (METRIC_COLUMN.has(name)) return prefix + name;
  if (name.startsWith('z_') && ZSCORE_COLUMN.has(name.slice(2))) return `(${prefix}${name} / ${ZSCORE_SCALE}.0)`;
  const z = name.startsWith('z_');
  const metric = z ? name.slice(2) : name;
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(metric)) return null;
  return `json_extract(${prefix}extra, '$.${z ? 'z' : 'v'}.${metric}')`;
}
