import type { Instrument, VenueId } from '../../../shared/core/model';
import { yymmdd } from '../dated-contract-id';
import { optionalPositiveDecimal } from '../metadata-fields';
import type { WireSymbolInfo } from './wire-types';

export { yymmdd };

/**
 * Which Binance service: spot (`api.binance.com`), USD-M futures
 * (`fapi.binance.com`) or COIN-M futures (`dapi.binance.com`, inverse).
 */
export type BinanceMarket = 'spot' | 'usdm' | 'coinm';

/** Venue id of each Binance service, as used in captures. */
export const BINANCE_VENUE_IDS: Readonly<Record<BinanceMarket, VenueId>> = {
  spot: 'binance-spot',
  usdm: 'binance-usdm',
  coinm: 'binance-coinm',
};

/**
 * Instruments from an `exchangeInfo` body's `symbols` array. Entries without a
 * symbol, assets or a positive PRICE_FILTER tickSize are skipped rather than
 * failing the whole list: one odd listing must not hide the other thousand.
 * All statuses are kept (`TRADING`, `BREAK`, ...): a replay needs the
 * instruments the capture saw, whatever they are trading as today.
 * The lot size is the LOT_SIZE filter's `stepSize` (base units on spot and
 * USD-M, contracts on COIN-M); a listing without that filter has none, and
 * one whose stepSize is not a positive number is skipped like a bad tick.
 * Not MARKET_LOT_SIZE: spot sends it with stepSize "0.00000000".
 * https://github.com/binance/binance-spot-api-docs/blob/master/rest-api.md (Filters, LOT_SIZE)
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/common-definition (Filters)
 */
export function instrumentsFromExchangeInfo(market: BinanceMarket, symbols: readonly unknown[]): Instrument[] {
  const venue = BINANCE_VENUE_IDS[market];
  const out: Instrument[] = [];
  for (const entry of symbols) {
    if (typeof entry !== 'object' || entry === null) continue;
    const info = entry as WireSymbolInfo;
    const instrument = market === 'spot' ? spotInstrument(venue, info) : market === 'usdm' ? futuresInstrument(venue, info, LINEAR) : coinmInstrument(venue, info);
    if (instrument !== undefined) out.push(instrument);
  }
  return out;
}

interface CommonFields {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: number;
  readonly lotSize?: number;
}

function commonFields(info: WireSymbolInfo): CommonFields | undefined {
  const { symbol, baseAsset, quoteAsset } = info;
  if (typeof symbol !== 'string' || symbol === '') return undefined;
  if (typeof baseAsset !== 'string' || baseAsset === '') return undefined;
  if (typeof quoteAsset !== 'string' || quoteAsset === '') return undefined;
  const tickSize = priceTick(info.filters);
  if (!(tickSize > 0)) return undefined;
  const lotSize = lotStep(info.filters);
  if (lotSize !== undefined && !(lotSize > 0)) return undefined;
  return { symbol, base: baseAsset, quote: quoteAsset, tickSize, ...(lotSize === undefined ? {} : { lotSize }) };
}

/** `stepSize` of the LOT_SIZE entry: undefined without one, NaN when unreadable. */
function lotStep(filters: unknown): number | undefined {
  if (!Array.isArray(filters)) return undefined;
  for (const filter of filters) {
    if (typeof filter !== 'object' || filter === null) continue;
    const { filterType, stepSize } = filter as { filterType?: unknown; stepSize?: unknown };
    if (filterType === 'LOT_SIZE') return optionalPositiveDecimal(stepSize) ?? Number.NaN;
  }
  return undefined;
}

/** `tickSize` of the PRICE_FILTER entry; NaN when absent or unreadable. */
function priceTick(filters: unknown): number {
  if (!Array.isArray(filters)) return NaN;
  for (const filter of filters) {
    if (typeof filter !== 'object' || filter === null) continue;
    const { filterType, tickSize } = filter as { filterType?: unknown; tickSize?: unknown };
    if (filterType === 'PRICE_FILTER' && typeof tickSize === 'string' && tickSize !== '') return Number(tickSize);
  }
  return NaN;
}

function spotInstrument(venue: VenueId, info: WireSymbolInfo): Instrument | undefined {
  const common = commonFields(info);
  if (common === undefined) return undefined;
  return {
    venue,
    ...common,
    id: `${common.base}-${common.quote}-SPOT`,
    type: 'spot',
    contractKind: 'spot',
    contractValue: 1,
  };
}

type ContractTerms = Pick<Instrument, 'contractKind' | 'contractValue'>;

// USD-M quantities are in base units, so a "contract" is one base unit.
const LINEAR: ContractTerms = { contractKind: 'linear', contractValue: 1 };

/**
 * COIN-M quantities are contracts of `contractSize` USD each (inverse):
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Exchange-Information
 * No positive contractSize, no notional: skipped like a listing without a tick.
 */
function coinmInstrument(venue: VenueId, info: WireSymbolInfo): Instrument | undefined {
  const size = info.contractSize;
  if (typeof size !== 'number' || !(size > 0) || !Number.isFinite(size)) return undefined;
  return futuresInstrument(venue, info, { contractKind: 'inverse', contractValue: size });
}

/** A USD-M or COIN-M contract: `BTCUSDT` / `BTCUSD_PERP` -> `...-PERP`, a quarterly -> `...-<yymmdd>` of its delivery. */
function futuresInstrument(venue: VenueId, info: WireSymbolInfo, terms: ContractTerms): Instrument | undefined {
  const common = commonFields(info);
  if (common === undefined) return undefined;
  const contractType = typeof info.contractType === 'string' ? info.contractType : '';
  // PERPETUAL, PERPETUAL_DELIVERING (being delisted), TRADIFI_PERPETUAL are all perpetuals.
  // A pending listing has contractType "" and the year-2100 delivery date of a perpetual.
  const deliveryDate = typeof info.deliveryDate === 'number' ? info.deliveryDate : NaN;
  const isPerpetual = contractType.includes('PERPETUAL') || (contractType === '' && !(deliveryDate < PERPETUAL_DELIVERY));
  if (isPerpetual) return { venue, ...common, ...terms, id: `${common.base}-${common.quote}-PERP`, type: 'perpetual' };
  if (!Number.isFinite(deliveryDate)) return undefined;
  return { venue, ...common, ...terms, id: `${common.base}-${common.quote}-${yymmdd(deliveryDate)}`, type: 'future' };
}

/** Binance gives perpetuals a delivery date of 2100-01-01 (4133404800000). */
const PERPETUAL_DELIVERY = 4133404800000;
