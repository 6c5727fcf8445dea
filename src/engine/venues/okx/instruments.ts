import type { Instrument } from '../../../shared/core/model';
import { nonEmptyText, optionalPositiveDecimal, positiveDecimal } from '../metadata-fields';
import type { OkxWireInstrument } from './wire-types';

/** The venue id used in captures and events. */
export const OKX_VENUE_ID = 'okx';

/** What became of a `public/instruments` body: the instruments kept and how many entries were skipped. */
export interface OkxInstrumentsResult {
  readonly instruments: Instrument[];
  /** OPTION entries and malformed ones (no instId, bad tickSz / ctVal, unknown ctType). */
  readonly skipped: number;
}


/**
 * One `public/instruments` entry -> Instrument, or undefined for OPTION
 * (not surveilled) and for anything malformed.
 * https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
 *
 * - SPOT: `BTC-USDT` -> id `BTC-USDT-SPOT`, contract value 1.
 * - SWAP: `BTC-USDT-SWAP` -> `BTC-USDT-PERP`, `UNI-USD-SWAP` -> `UNI-USD-PERP`.
 * - FUTURES: id is the instId as is (`BTC-USD-220624`).
 * Derivatives: base/quote from the instId (SWAP and FUTURES leave `baseCcy`
 * / `quoteCcy` empty); for inverse contracts the quote is `ctValCcy` (the
 * USD a contract is worth). contractValue = ctVal x ctMult (ctMult empty -> 1).
 * `indexSymbol` is `uly` (`UNI-USD`), or `instFamily` where `uly` is empty.
 * `lotSize` is `lotSz`: base currency for SPOT, contracts for SWAP and
 * FUTURES (the book's sizes are contracts too); absent or "" leaves it
 * unknown, an unreadable one skips the entry like a bad tickSz
 * (https://www.okx.com/help/okx-to-adjust-the-minimum-order-quantities-for-several-futures-241016:
 * "step size ... in the number of contracts").
 */
export function mapOkxInstrument(raw: OkxWireInstrument): Instrument | undefined {
  const instType = raw.instType;
  const symbol = nonEmptyText(raw.instId);
  const tickSize = positiveDecimal(raw.tickSz);
  const lotSize = optionalPositiveDecimal(raw.lotSz);
  if (symbol === undefined || tickSize === undefined || Number.isNaN(lotSize)) return undefined;
  const lot = lotSize === undefined ? {} : { lotSize };
  const parts = symbol.split('-');

  if (instType === 'SPOT') {
    const base = nonEmptyText(raw.baseCcy) ?? parts[0];
    const quote = nonEmptyText(raw.quoteCcy) ?? parts[1];
    if (base === undefined || quote === undefined) return undefined;
    return {
      venue: OKX_VENUE_ID,
      symbol,
      id: `${base}-${quote}-SPOT`,
      type: 'spot',
      base,
      quote,
      tickSize,
      ...lot,
      contractKind: 'spot',
      contractValue: 1,
    };
  }

  if (instType !== 'SWAP' && instType !== 'FUTURES') return undefined; // OPTION, MARGIN, unknown
  const kind = raw.ctType;
  if (kind !== 'linear' && kind !== 'inverse') return undefined;
  const ctVal = positiveDecimal(raw.ctVal);
  const ctMult = nonEmptyText(raw.ctMult) === undefined ? 1 : positiveDecimal(raw.ctMult);
  if (ctVal === undefined || ctMult === undefined) return undefined;
  const base = parts[0];
  const quote = kind === 'inverse' ? (nonEmptyText(raw.ctValCcy) ?? parts[1]) : parts[1];
  if (parts.length < 3 || base === undefined || base === '' || quote === undefined || quote === '') return undefined;
  const indexSymbol = nonEmptyText(raw.uly) ?? nonEmptyText(raw.instFamily);
  const perpetual = instType === 'SWAP';
  return {
    venue: OKX_VENUE_ID,
    symbol,
    id: perpetual ? `${parts[0]}-${parts[1]}-PERP` : symbol,
    type: perpetual ? 'perpetual' : 'future',
    base,
    quote,
    tickSize,
    ...lot,
    contractKind: kind,
    // toPrecision trims float noise such as 0.1 x 3 = 0.30000000000000004.
    contractValue: Number((ctVal * ctMult).toPrecision(12)),
    ...(indexSymbol === undefined ? {} : { indexSymbol }),
  };
}

/** Maps the `data` array of a `public/instruments` body, skipping OPTION and malformed entries. */
export function mapOkxInstruments(data: readonly unknown[]): OkxInstrumentsResult {
  const instruments: Instrument[] = [];
  let skipped = 0;
  for (const entry of data) {
    const instrument =
      typeof entry === 'object' && entry !== null ? mapOkxInstrument(entry as OkxWireInstrument) : undefined;
    if (instrument === undefined) skipped += 1;
    else instruments.push(instrument);
  }
  return { instruments, skipped };
}
