import { MISSING } from '../format/format';

/** What a chart's values are in, and how its axis, readout and threshold labels write them. */
export interface ChartUnit {
  /** Shown after every axis label and in the panel title: `bps`, `USD`, `σ`, `%`. */
  readonly unit: string;
  /** Decimals of the axis labels (compact notional: of the mantissa). */
  readonly decimals: number;
  /** The smallest step the axis ticks move by (lightweight-charts `minMove`). */
  readonly minMove: number;
  /** An axis or readout label with its unit: `3.25 bps`, `5.38M USD`, `+2.0σ`. */
  format(value: number): string;
}

/** What an instrument tells a chart about its decimals. */
export interface UnitContext {
  readonly tickSize?: number;
  /** The instrument's mid price (to turn one tick into bps). */
  readonly mid?: number;
  /** Canonical id `BTC-USDT-PERP`: the quote currency of prices. */
  readonly instrumentId?: string;
  /** The bps decimals when already known (bpsDecimals of the tick and mid). */
  readonly bpsDecimals?: number;
}

/** The most decimals a bps axis uses: finer than a thousandth of a bp is noise. */
export const MAX_BPS_DECIMALS = 3;
/** Decimals of a bps axis when the tick size or price is unknown. */
export const DEFAULT_BPS_DECIMALS = 2;

/**
 * Decimals a bps axis needs to resolve one tick of the instrument: a tick of
 * 0.1 at 68,000 is 0.015 bps (2 decimals), a tick of 0.0001 at 0.5 is 2 bps
 * (0 decimals). Within [0, 3]; 2 when the tick or the price is unknown.
 * @example bpsDecimals(0.1, 68_000) // 2
 */
export function bpsDecimals(tickSize: number | undefined, mid: number | undefined): number {
  if (!tickSize || !mid || !Number.isFinite(tickSize) || !Number.isFinite(mid) || tickSize <= 0 || mid <= 0) return DEFAULT_BPS_DECIMALS;
  const tickBps = (tickSize / mid) * 1e4;
  return Math.max(0, Math.min(MAX_BPS_DECIMALS, Math.ceil(-Math.log10(tickBps) - 1e-9)));
}

/** Decimals of a price quoted to `tickSize`: 0.01 -> 2, 0.5 -> 1, 1 -> 0. */
export function tickDecimals(tickSize: number | undefined): number {
  if (!tickSize || !Number.isFinite(tickSize) || tickSize <= 0) return 2;
  return Math.max(0, Math.min(8, Math.ceil(-Math.log10(tickSize) - 1e-9)));
}

const finite = (v: number): boolean => Number.isFinite(v);
/** `-0.00` reads as a sign where there is none. */
const fixed = (v: number, decimals: number): string => {
  const s = v.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
};

/** Compact notional with a fixed number of decimals per magnitude: `950`, `12.3k`, `5.38M`. */
export function compactNotional(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${fixed(v / 1e9, 2)}B`;
  if (a >= 1e6) return `${fixed(v / 1e6, 2)}M`;
  if (a >= 1e3) return `${fixed(v / 1e3, 1)}k`;
  return fixed(v, 0);
}

/** The quote currency of a canonical id: `BTC-USDT-PERP` -> `USDT`. */
export const quoteOf = (instrumentId: string | undefined): string | undefined => instrumentId?.split('-')[1] || undefined;

/**
 * The unit of a chart series (a metric or `z_<metric>`) and its formatter:
 * bps metrics in `bps` to the decimals one tick needs, depth in `USD` (the
 * metric is converted to USD), z in `σ` with one decimal, funding rate in `%`.
 */
export function seriesUnit(series: string, ctx: UnitContext = {}): ChartUnit {
  if (series.startsWith('z_')) return make('σ', 1, (v) => `${v > 0 ? '+' : ''}${fixed(v, 1)}σ`);
  if (series.startsWith('depth_')) return { unit: 'USD', decimals: 2, minMove: 1, format: (v) => (finite(v) ? `${compactNotional(v)} USD` : MISSING) };
  if (series === 'funding_rate') return make('%', 4, (v) => `${fixed(v * 100, 4)}%`);
  if (series === 'imbalance') return make('', 2, (v) => fixed(v, 2));
  if (series === 'mid' || series === 'spread_abs') {
    const d = tickDecimals(ctx.tickSize);
    const quote = quoteOf(ctx.instrumentId) ?? '';
    return make(quote, d, (v) => `${fixed(v, d)}${quote ? ` ${quote}` : ''}`);
  }
  if (series === 'funding_bps_8h') return make('bps/8h', 2, (v) => `${fixed(v, 2)} bps/8h`);
  if (series === 'basis_annualized_pct') return make('%/yr', 2, (v) => `${v > 0 ? '+' : ''}${fixed(v, 2)} %/yr`);
  const d = ctx.bpsDecimals ?? bpsDecimals(ctx.tickSize, ctx.mid);
  // Basis and divergence are signed: a + says which side is rich.
  const signed = series.startsWith('basis_') || series === 'cross_venue_bps';
  return make('bps', d, (v) => `${signed && v > 0 ? '+' : ''}${fixed(v, d)} bps`);
}

function make(unit: string, decimals: number, format: (v: number) => string): ChartUnit {
  return { unit, decimals, minMove: 10 ** -decimals, format: (v) => (finite(v) ? format(v) : MISSING) };
}
