import type { BookLadder, OverviewRow } from '../../../shared/contract';
import { formatBps, formatClock } from '../format/format';

/** Most decimals a price or size is shown with (a step finer than this is shown to this). */
const MAX_DECIMALS = 12;

/** Decimals a step is written with: 0.1 -> 1, 0.00001 -> 5, 0.25 -> 2, 1 -> 0, 10 -> 0; null when unknown. */
export function stepDecimals(step: number | null | undefined): number | null {
  if (step === null || step === undefined || !Number.isFinite(step) || step <= 0) return null;
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return MAX_DECIMALS;
}

/** Decimals of an exchange string once its trailing zeros are dropped: "68203.10000000" -> 1, "17" -> 0. */
export function textDecimals(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  let end = text.length;
  while (end > dot + 1 && text[end - 1] === '0') end--;
  return end - dot - 1;
}

/** A number to fixed decimals with its trailing zeros kept: the decimals of a column line up. */
export function fixed(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(Math.min(MAX_DECIMALS, Math.max(0, decimals))) : '';
}

/** The quote currency of a canonical id: `BTC-USDT-PERP` -> `USDT`; null when the id does not say. */
export function quoteOf(instrumentId: string): string | null {
  const parts = instrumentId.split('-');
  return parts.length >= 2 && parts[1] ? parts[1] : null;
}

/** What the ladder is shown with: the instrument's steps and how a size becomes quote notional. */
export interface LadderInstrument {
  readonly tickSize?: number;
  readonly lotSize?: number;
  /** Base units per contract (linear); 1 for spot. Unknown: the cumulative column stays in sizes. */
  readonly contractValue?: number;
  readonly quote?: string | null;
}

/** The instrument facts of an overview row. */
export function ladderInstrument(row: OverviewRow | undefined): LadderInstrument {
  if (!row) return {};
  const contractValue = row.type === 'spot' ? 1 : row.contractValue;
  return {
    ...(row.tickSize !== undefined ? { tickSize: row.tickSize } : {}),
    ...(row.lotSize !== undefined ? { lotSize: row.lotSize } : {}),
    ...(contractValue !== undefined ? { contractValue } : {}),
    quote: quoteOf(row.instrumentId),
  };
}

export interface LadderRowView {
  readonly price: string;
  readonly size: string;
  readonly cum: string;
  /** Size as a share of the largest size shown on either side, 0..100. */
  readonly bar: number;
}

/** The top of the book as drawn: one precision per column, size bars, spread and mid of this book. */
export interface LadderView {
  /** Asks best-last (drawn above the middle row), bids best-first; both at most `depth`. */
  readonly asks: readonly LadderRowView[];
  readonly bids: readonly LadderRowView[];
  readonly priceDecimals: number;
  /** Where the price decimals come from: the instrument's tick size, or (unknown) the exchange's strings. */
  readonly priceFrom: 'tick' | 'text';
  readonly sizeDecimals: number;
  readonly sizeFrom: 'lot' | 'text';
  /** Header of the cumulative column: `cum k USDT`, or `cum size` when the notional is unknown. */
  readonly cumLabel: string;
  readonly cumNotional: boolean;
  readonly top: BookTop | null;
}

/** Spread and mid of one book at one instant, with the formula the metrics use (core/metrics.ts). */
export interface BookTop {
  readonly time: number;
  readonly spreadAbs: number;
  readonly spreadBps: number;
  readonly mid: number;
}

/** Best bid and ask of a ladder to spread and mid: `spread_abs = ask - bid`, `spread_bps = spread_abs / mid * 1e4`. */
export function bookTop(ladder: BookLadder): BookTop | null {
  const bid = Number(ladder.bids[0]?.[0]);
  const ask = Number(ladder.asks[0]?.[0]);
  if (!(bid > 0) || !(ask > 0)) return null;
  const mid = (bid + ask) / 2;
  const spreadAbs = ask - bid;
  return { time: ladder.time, spreadAbs, spreadBps: (spreadAbs / mid) * 1e4, mid };
}

type Scale = { readonly divisor: number; readonly suffix: string; readonly decimals: number };

/** One scale for the whole cumulative column, from its largest value. */
function cumScale(max: number, notional: boolean, sizeDecimals: number): Scale {
  if (!notional) return { divisor: 1, suffix: '', decimals: sizeDecimals };
  if (max >= 1e7) return { divisor: 1e6, suffix: 'M ', decimals: 2 };
  if (max >= 1e4) return { divisor: 1e3, suffix: 'k ', decimals: 1 };
  return { divisor: 1, suffix: '', decimals: 2 };
}

export function ladderView(ladder: BookLadder | null, instrument: LadderInstrument, depth: number): LadderView {
  const asks = ladder?.asks.slice(0, depth) ?? [];
  const bids = ladder?.bids.slice(0, depth) ?? [];
  const all = [...asks, ...bids];
  const tick = stepDecimals(instrument.tickSize);
  const lot = stepDecimals(instrument.lotSize);
  const priceDecimals = tick ?? Math.max(0, ...all.map(([p]) => textDecimals(p)));
  const sizeDecimals = lot ?? Math.max(0, ...all.map(([, s]) => textDecimals(s)));
  const cv = instrument.contractValue;
  const notional = cv !== undefined && Number.isFinite(cv) && cv > 0;
  const amount = (price: number, size: number) => (notional ? price * size * cv : size);
  const cumulate = (levels: readonly (readonly [string, string])[]) => {
    let cum = 0;
    return levels.map(([p, s]) => (cum += amount(Number(p), Number(s))));
  };
  const askCum = cumulate(asks);
  const bidCum = cumulate(bids);
  const scale = cumScale(Math.max(0, ...askCum, ...bidCum), notional, sizeDecimals);
  const maxSize = Math.max(0, ...all.map(([, s]) => Number(s)).filter(Number.isFinite));
  const row = ([p, s]: readonly [string, string], cum: number): LadderRowView => {
    const size = Number(s);
    return {
      price: fixed(Number(p), priceDecimals),
      size: fixed(size, sizeDecimals),
      cum: fixed(cum / scale.divisor, scale.decimals),
      bar: maxSize > 0 && Number.isFinite(size) ? Math.round((size / maxSize) * 1000) / 10 : 0,
    };
  };
  const unit = instrument.quote ?? 'quote';
  return {
    asks: asks.map((l, i) => row(l, askCum[i]!)).reverse(),
    bids: bids.map((l, i) => row(l, bidCum[i]!)),
    priceDecimals,
    priceFrom: tick === null ? 'text' : 'tick',
    sizeDecimals,
    sizeFrom: lot === null ? 'text' : 'lot',
    cumLabel: notional ? `cum ${scale.suffix}${unit}` : 'cum size',
    cumNotional: notional,
    top: ladder ? bookTop(ladder) : null,
  };
}

/** Mid to one decimal finer than the tick: half a tick shows. */
export function formatMid(mid: number, priceDecimals: number): string {
  return fixed(mid, priceDecimals + 1);
}

/** The ladder's middle row: this book's spread and mid, and the instant they are of. */
export function bookTopText(top: BookTop | null, priceDecimals: number): string {
  if (!top) return '';
  return `book ${clockMs(top.time)}Z · spread ${fixed(top.spreadAbs, priceDecimals)} = ${formatBps(top.spreadBps)} bp · mid ${formatMid(top.mid, priceDecimals)}`;
}

/**
 * The latest sample's spread and mid as the summary line shows them (same
 * values, same formatting), with the sample's time: the ladder is sent four
 * times a second and the sample once per sampling interval, so the two are
 * of different instants and each says which.
 */
export function sampleTopText(row: OverviewRow | undefined, priceDecimals: number): string {
  if (!row) return '';
  const mid = row.values.mid;
  return `sample ${formatClock(row.time)}Z · spread ${formatBps(row.values.spread_bps)} bp${mid !== undefined ? ` · mid ${formatMid(mid, priceDecimals)}` : ''}`;
}

/** UTC clock with milliseconds: `14:03:07.250`. */
export function clockMs(ms: number): string {
  return `${formatClock(ms)}.${String(Math.floor(((ms % 1000) + 1000) % 1000)).padStart(3, '0')}`;
}
