import { displayZ } from '../../../shared/core/rule-status';

/**
 * Number and time formatting for the tables. Every formatter returns a
 * fixed-shape string (same decimals for a column) so tabular digits keep
 * columns still as values change; a missing value is an en dash.
 */
export const MISSING = '–';

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Basis points: two decimals, three below 1 bp (a BTC spot spread is a
 * fraction of a bp, and `0.00` would hide it): `3.25`, `0.015`.
 */
export function formatBps(v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  return Math.abs(v) < 1 && v !== 0 ? v.toFixed(3) : v.toFixed(2);
}

/** Signed basis points: `+1.20`, `-0.35`. */
export function formatSignedBps(v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  return `${v > 0 ? '+' : ''}${v.toFixed(2)}`;
}

/**
 * Quote notional, compact: `950`, `12.3k`, `4.56M`, `1.20B`.
 * @example formatNotional(1_234_567) // '1.23M'
 */
export function formatNotional(v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}

/** Funding rate as a percentage with 4 decimals: 0.0001 -> `0.0100%`. */
export function formatFunding(v: number | null | undefined): string {
  return finite(v) ? `${(v * 100).toFixed(4)}%` : MISSING;
}

/** The cap of every z shown: past 10σ a larger number says nothing more (and a floored std can make it 1e6). */
export const Z_CAP = 10;

/** A z-score, signed, one decimal, capped at ±10 for dense tables: `+2.4`, `≥ 10`. */
export function formatZ(v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  if (v >= Z_CAP) return `≥ ${Z_CAP}`;
  if (v <= -Z_CAP) return `≤ -${Z_CAP}`;
  return `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;
}

/** A z-score with its unit, capped as the core's rule statuses show it (displayZ): `+2.4σ`, `≥ 10σ`. */
export function formatSigma(v: number | null | undefined): string {
  return finite(v) ? displayZ(v) : MISSING;
}

/** A z-score clipped to ±10 for charts, so one absurd z does not flatten the scale for every other. */
export const clipZ = (v: number): number => Math.max(-Z_CAP, Math.min(Z_CAP, v));

/** A metric value by its kind: bps metrics, depth notional, funding, plain. */
export function formatMetric(metric: string, v: number | null | undefined): string {
  if (metric.startsWith('depth_')) return formatNotional(v);
  if (metric === 'funding_rate') return formatFunding(v);
  if (metric === 'funding_bps_8h') return finite(v) ? `${formatSignedBps(v)} bp/8h` : MISSING;
  if (metric === 'cross_venue_bps') return formatSignedBps(v);
  if (metric === 'basis_annualized_pct') return finite(v) ? `${v > 0 ? '+' : ''}${v.toFixed(2)} %/yr` : MISSING;
  if (metric.endsWith('_bps')) return formatBps(v);
  if (metric === 'imbalance') return finite(v) ? v.toFixed(3) : MISSING;
  return finite(v) ? String(Number(v.toPrecision(8))) : MISSING;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** UTC clock time: `14:03:07`. Desks across regions read UTC. */
export function formatClock(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** UTC date and time: `2026-03-01 14:03:07`. */
export function formatDateTime(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${formatClock(ms)}`;
}

/** UTC month-day and time, for a narrow cell whose title holds the year: `03-01 14:03:07`. */
export function formatMonthDayTime(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${formatClock(ms)}`;
}

/**
 * A duration, two units at most: `45s`, `3m 05s`, `2h 10m`, `3d 04h`.
 * @example formatDuration(185_000) // '3m 05s'
 */
export function formatDuration(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}

/** An age or a wait in words with its unit apart: `12 s` under a minute, then as {@link formatDuration}. */
export function formatAge(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : formatDuration(ms);
}

/** A count with its noun, singular or plural: `1 reconnect`, `0 reconnects`, `3 failed attempts`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Milliseconds of lag: `12 ms`, `1.4 s`. */
export function formatLag(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A rate per second with one decimal: `42.0/s`. */
export function formatRate(v: number | null | undefined): string {
  return finite(v) ? `${v.toFixed(1)}/s` : MISSING;
}

/** A byte count: `512 B`, `3.4 MB`. */
export function formatBytes(v: number): string {
  if (v < 1024) return `${v} B`;
  if (v < 1024 ** 2) return `${(v / 1024).toFixed(1)} KB`;
  if (v < 1024 ** 3) return `${(v / 1024 ** 2).toFixed(1)} MB`;
  return `${(v / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * When funding settles and on what interval: `in 2h 13m (1 h)`. The interval
 * is the venue's when known, else marked as assumed; relative to `now` (the
 * row's sample time, so a replay reads as it was).
 */
export function formatNextFunding(funding: { readonly nextTime: number; readonly intervalMs: number | null } | undefined, now: number): string {
  if (!funding) return MISSING;
  const left = Math.max(0, funding.nextTime - now);
  const h = Math.floor(left / 3_600_000);
  const m = Math.floor((left % 3_600_000) / 60_000);
  const interval = funding.intervalMs === null ? '8 h assumed' : `${Math.round(funding.intervalMs / 360_000) / 10} h`;
  return `in ${h}h ${String(m).padStart(2, '0')}m (${interval})`;
}
