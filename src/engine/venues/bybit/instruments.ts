import type { Instrument } from '../../../shared/core/model';
import { yymmdd } from '../dated-contract-id';
import { nonEmptyText, optionalPositiveDecimal, positiveDecimal } from '../metadata-fields';
import type { BybitWireInstrument } from './wire-types';

/** The venue id used in captures and events (../shared/capture-format.md). */
export const BYBIT_VENUE_ID = 'bybit';

/**
 * Bybit v5 serves its products as categories, each on its own public socket
 * (`/v5/public/spot`, `/linear`, `/inverse`) with its own books: spot
 * BTCUSDT and the USDT perpetual BTCUSDT are two books under one name.
 * https://bybit-exchange.github.io/docs/v5/ws/connect
 */
export type BybitCategory = 'spot' | 'linear' | 'inverse';

export const BYBIT_CATEGORIES: readonly BybitCategory[] = ['spot', 'linear', 'inverse'];

/**
 * The engine's name for a Bybit book: the venue's symbol, with `-SPOT` on
 * spot pairs, so that spot BTCUSDT (`bybit:BTCUSDT-SPOT`) and the USDT
 * perpetual BTCUSDT (`bybit:BTCUSDT`) stay two instruments. Linear and
 * inverse symbols never collide (inverse ones are quoted in USD: BTCUSD,
 * BTCUSDH25), and no Bybit symbol ends in `-SPOT`.
 */
export function bybitBookSymbol(category: BybitCategory, venueSymbol: string): string {
  return category === 'spot' ? `${venueSymbol}${SPOT_SUFFIX}` : venueSymbol;
}

const SPOT_SUFFIX = '-SPOT';

/** Inverse contracts are quoted in USD: perpetuals `BTCUSD`, futures `BTCUSD` + month code + year (`BTCUSDH25`). */
const INVERSE_SYMBOL = /USD([FGHJKMNQUVXZ][0-9]{2})?$/;

/** The category and the venue's own symbol of an engine symbol (see {@link bybitBookSymbol}). */
export function bybitMarketOf(symbol: string): { readonly category: BybitCategory; readonly venueSymbol: string } {
  if (symbol.endsWith(SPOT_SUFFIX)) return { category: 'spot', venueSymbol: symbol.slice(0, -SPOT_SUFFIX.length) };
  return { category: INVERSE_SYMBOL.test(symbol) ? 'inverse' : 'linear', venueSymbol: symbol };
}

/** The category a socket or REST URL serves: its path's last part (`/v5/public/linear`) or its `category=` query. */
export function bybitCategoryOfUrl(url: string): BybitCategory | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const last = path.slice(path.lastIndexOf('/') + 1);
  if ((BYBIT_CATEGORIES as readonly string[]).includes(last)) return last as BybitCategory;
  if (query === -1) return undefined;
  const category = new URLSearchParams(url.slice(query + 1)).get('category');
  return category !== null && (BYBIT_CATEGORIES as readonly string[]).includes(category) ? (category as BybitCategory) : undefined;
}

/** What became of an `instruments-info` page: the instruments kept, the entries skipped (options, malformed), and the next page's cursor. */
export interface BybitInstrumentsResult {
  readonly instruments: Instrument[];
  readonly skipped: number;
}


/**
 * One `market/instruments-info` entry -> Instrument, or undefined for what
 * is not surveilled (options) or malformed.
 * https://bybit-exchange.github.io/docs/v5/market/instrument
 *
 * - spot: `BTCUSDT` -> symbol `BTCUSDT-SPOT`, id `BTC-USDT-SPOT`; sizes in base units.
 * - linear (`LinearPerpetual`, `LinearFutures`): quantities are in the base
 *   coin, so a contract is one base unit (contractValue 1): `BTCUSDT` ->
 *   `BTC-USDT-PERP`, the USDC perpetual `BTCPERP` -> `BTC-USDC-PERP`.
 * - inverse (`InversePerpetual`, `InverseFutures`): quantities are in USD,
 *   one USD a contract: `BTCUSD` -> `BTC-USD-PERP`.
 * - futures: `BASE-QUOTE-yymmdd` of `deliveryTime` (as Binance's), with the expiry.
 * All statuses are kept (`Trading`, `PreLaunch`, `Settling`, `Closed`): a
 * replay needs the instruments its capture saw.
 * `lotSize`: `lotSizeFilter.basePrecision` on spot, `lotSizeFilter.qtyStep`
 * on linear and inverse, in the unit of the book's sizes; absent leaves it
 * unknown, an unreadable one skips the entry like a bad tickSize.
 */
export function mapBybitInstrument(category: BybitCategory, raw: BybitWireInstrument): Instrument | undefined {
  const symbol = nonEmptyText(raw.symbol);
  const base = nonEmptyText(raw.baseCoin);
  const quote = nonEmptyText(raw.quoteCoin);
  const tickSize = positiveDecimal(raw.priceFilter?.tickSize);
  const lotSize = optionalPositiveDecimal(category === 'spot' ? raw.lotSizeFilter?.basePrecision : raw.lotSizeFilter?.qtyStep);
  if (symbol === undefined || base === undefined || quote === undefined || tickSize === undefined || Number.isNaN(lotSize)) return undefined;
  const lot = lotSize === undefined ? {} : { lotSize };
  if (category === 'spot') {
    return { venue: BYBIT_VENUE_ID, symbol: bybitBookSymbol('spot', symbol), id: `${base}-${quote}-SPOT`, type: 'spot', base, quote, tickSize, ...lot, contractKind: 'spot', contractValue: 1 };
  }
  const contractType = nonEmptyText(raw.contractType);
  const perpetual = contractType === 'LinearPerpetual' || contractType === 'InversePerpetual';
  const future = contractType === 'LinearFutures' || contractType === 'InverseFutures';
  if (!perpetual && !future) return undefined;
  const kind = contractType!.startsWith('Inverse') ? 'inverse' : 'linear';
  // An inverse contract lives on the inverse socket and a linear one on the linear socket: an entry on the wrong list is not one we can follow.
  if (kind !== category) return undefined;
  const common = { venue: BYBIT_VENUE_ID, symbol, base, quote, tickSize, ...lot, contractKind: kind, contractValue: 1 } as const;
  if (perpetual) return { ...common, id: `${base}-${quote}-PERP`, type: 'perpetual' };
  const delivery = positiveDecimal(raw.deliveryTime);
  if (delivery === undefined) return undefined;
  return { ...common, id: `${base}-${quote}-${yymmdd(delivery)}`, type: 'future', expiry: delivery };
}

/** Maps a page's `result.list`, skipping options and malformed entries. */
export function mapBybitInstruments(category: BybitCategory, list: readonly unknown[]): BybitInstrumentsResult {
  const instruments: Instrument[] = [];
  let skipped = 0;
  for (const entry of list) {
    const instrument = typeof entry === 'object' && entry !== null ? mapBybitInstrument(category, entry as BybitWireInstrument) : undefined;
    if (instrument === undefined) skipped += 1;
    else instruments.push(instrument);
  }
  return { instruments, skipped };
}
