import type { InstrumentConfig, InstrumentsConfig, VenueListing } from '../../shared/config';
import type { ContractKind, InstrumentType, VenueId } from '../../shared/core/model';
import { assetRank, extraAssetProfiles, type ExtraAssetProfile, type SimAsset } from './fair-value';
import { SIM_VENUES, traitsOf, type SimVenue } from './sim-venues';

export { SIM_VENUES, type SimVenue };

/** Bybit's three public categories, each on its own socket with its own books. */
export type SimBybitCategory = 'spot' | 'linear' | 'inverse';

/** One listing on one simulated venue, with the exchange's own precision rules. */
export interface SimInstrument {
  readonly venue: SimVenue;
  /** The engine's book symbol: `BTCUSDT`, `BTC-USDT-SWAP`, `BTCUSD_PERP`, Bybit spot `BTCUSDT-SPOT`. */
  readonly symbol: string;
  /** The venue's own symbol on the wire (differs only for Bybit spot: `BTCUSDT`). */
  readonly wireSymbol: string;
  /** Canonical id, as in config/instruments.yaml. */
  readonly id: string;
  readonly type: Extract<InstrumentType, 'spot' | 'perpetual'>;
  readonly base: SimAsset;
  /** USD for inverse contracts (COIN-M, Bybit inverse), USDT otherwise. */
  readonly quote: 'USDT' | 'USD';
  /** Inverse: sizes in contracts of `contractValue` USD each, whatever the price. */
  readonly contractKind: ContractKind;
  /** Decimals of the tick (0.01 -> 2) and of the price strings sent (Binance spot pads to 8). */
  readonly tickDecimals: number;
  readonly priceDecimals: number;
  /** Decimals of the size step (lot) and of the size strings sent; OKX trims trailing zeros. */
  readonly lotDecimals: number;
  readonly sizeDecimals: number;
  readonly trimZeros: boolean;
  /** Base units per contract (OKX swaps), USD per contract (inverse: COIN-M 100 / 10, Bybit 1); 1 for spot and linear Binance / Bybit. */
  readonly contractValue: number;
  /** Nominal quote notional per side within 10 bps of the mid in calm markets. */
  readonly depth10: number;
  /** OKX index the swap is priced against (`uly`). */
  readonly index?: string;
  /** Bybit: the category (socket and REST `category=`) the listing lives in. */
  readonly category?: SimBybitCategory;
}

type ListingParams = Pick<SimInstrument, 'tickDecimals' | 'priceDecimals' | 'lotDecimals' | 'sizeDecimals' | 'contractValue' | 'depth10'> & {
  readonly index?: string;
  readonly wireSymbol?: string;
  readonly category?: SimBybitCategory;
};

function listing(venue: SimVenue, symbol: string, id: string, base: SimAsset, p: ListingParams): SimInstrument {
  const type = id.endsWith('-PERP') ? 'perpetual' : 'spot';
  const quote = id.split('-')[1] === 'USD' ? 'USD' : 'USDT';
  const contractKind: ContractKind = type === 'spot' ? 'spot' : quote === 'USD' ? 'inverse' : 'linear';
  const { wireSymbol, ...rest } = p;
  return { venue, symbol, wireSymbol: wireSymbol ?? symbol, id, type, base, quote, contractKind, trimZeros: traitsOf(venue).trimZeros, ...rest };
}

/**
 * The simulated listings. Precisions follow the real venues: Binance spot
 * prints 8 decimals, USD-M BTCUSDT ticks 0.10, OKX swaps trade contracts of
 * 0.01 BTC / 0.1 ETH, COIN-M perpetuals contracts of 100 / 10 USD (its
 * exchangeInfo's contractSize), Bybit linear sizes in base units (qtyStep
 * 0.001 BTC) and inverse in 1 USD contracts. One simplification: Bybit's
 * BTCUSD ticks 0.5 and this one 0.1 (ticks here are powers of ten).
 * Depths are set so that BTC-USDT-PERP holds several $M within 10 bps (its
 * depth rule warns under $500K) and every other book is far above the
 * default $50K. The first eight (Binance spot and USD-M, OKX) come first,
 * in their old order, so a run's earlier streams keep their numbers.
 */
export const SIM_INSTRUMENTS: readonly SimInstrument[] = [
  listing('binance-spot', 'BTCUSDT', 'BTC-USDT-SPOT', 'BTC', { tickDecimals: 2, priceDecimals: 8, lotDecimals: 5, sizeDecimals: 8, contractValue: 1, depth10: 1_800_000 }),
  listing('binance-spot', 'ETHUSDT', 'ETH-USDT-SPOT', 'ETH', { tickDecimals: 2, priceDecimals: 8, lotDecimals: 4, sizeDecimals: 8, contractValue: 1, depth10: 900_000 }),
  listing('binance-usdm', 'BTCUSDT', 'BTC-USDT-PERP', 'BTC', { tickDecimals: 1, priceDecimals: 2, lotDecimals: 3, sizeDecimals: 3, contractValue: 1, depth10: 5_000_000 }),
  listing('binance-usdm', 'ETHUSDT', 'ETH-USDT-PERP', 'ETH', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 3, sizeDecimals: 3, contractValue: 1, depth10: 2_500_000 }),
  listing('okx', 'BTC-USDT-SWAP', 'BTC-USDT-PERP', 'BTC', { tickDecimals: 1, priceDecimals: 1, lotDecimals: 2, sizeDecimals: 2, contractValue: 0.01, depth10: 3_000_000, index: 'BTC-USDT' }),
  listing('okx', 'BTC-USDT', 'BTC-USDT-SPOT', 'BTC', { tickDecimals: 1, priceDecimals: 1, lotDecimals: 8, sizeDecimals: 8, contractValue: 1, depth10: 1_200_000 }),
  listing('okx', 'ETH-USDT-SWAP', 'ETH-USDT-PERP', 'ETH', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 2, sizeDecimals: 2, contractValue: 0.1, depth10: 1_500_000, index: 'ETH-USDT' }),
  listing('okx', 'ETH-USDT', 'ETH-USDT-SPOT', 'ETH', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 6, sizeDecimals: 6, contractValue: 1, depth10: 600_000 }),
  listing('binance-coinm', 'BTCUSD_PERP', 'BTC-USD-PERP', 'BTC', { tickDecimals: 1, priceDecimals: 1, lotDecimals: 0, sizeDecimals: 0, contractValue: 100, depth10: 2_000_000 }),
  listing('binance-coinm', 'ETHUSD_PERP', 'ETH-USD-PERP', 'ETH', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 0, sizeDecimals: 0, contractValue: 10, depth10: 1_000_000 }),
  listing('bybit', 'BTCUSDT', 'BTC-USDT-PERP', 'BTC', { tickDecimals: 1, priceDecimals: 2, lotDecimals: 3, sizeDecimals: 3, contractValue: 1, depth10: 3_500_000, category: 'linear' }),
  listing('bybit', 'ETHUSDT', 'ETH-USDT-PERP', 'ETH', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 2, sizeDecimals: 2, contractValue: 1, depth10: 1_800_000, category: 'linear' }),
  listing('bybit', 'BTCUSDT-SPOT', 'BTC-USDT-SPOT', 'BTC', { tickDecimals: 2, priceDecimals: 2, lotDecimals: 6, sizeDecimals: 6, contractValue: 1, depth10: 1_000_000, wireSymbol: 'BTCUSDT', category: 'spot' }),
  listing('bybit', 'BTCUSD', 'BTC-USD-PERP', 'BTC', { tickDecimals: 1, priceDecimals: 2, lotDecimals: 0, sizeDecimals: 0, contractValue: 1, depth10: 1_500_000, category: 'inverse' }),
];

/** Decimals of a step no coarser than `fraction` of `price` (an epsilon keeps exact powers of ten exact). */
function decimalsFor(price: number, fraction: number): number {
  return Math.max(0, Math.min(8, Math.ceil(-Math.log10(price * fraction) - 1e-9)));
}

/**
 * The four listings of a synthetic asset, as BTC and ETH are listed: spot and
 * USD-M perp on Binance, spot and linear swap on OKX. The tick is at most
 * 0.2 bps of the price (a calm 1-3 tick spread stays far under the 3 bps
 * spread rule), the lot at most ~$1 for spot; USD-M lots are ten times
 * coarser and OKX swaps trade contracts worth ~$3-30, as the venues do.
 * Depths sit well above the default $50K depth rule.
 */
function extraListings(profile: ExtraAssetProfile): SimInstrument[] {
  const { asset, start } = profile;
  const tick = decimalsFor(start, 2e-5);
  const lot = Math.max(0, Math.min(8, Math.ceil(Math.log10(start) - 1e-9)));
  const usdmLot = Math.max(0, lot - 1);
  const contractValue = Number(`1e${Math.round(Math.log10(10 / start))}`);
  const spotId = `${asset}-USDT-SPOT`;
  const perpId = `${asset}-USDT-PERP`;
  return [
    listing('binance-spot', `${asset}USDT`, spotId, asset, { tickDecimals: tick, priceDecimals: 8, lotDecimals: lot, sizeDecimals: 8, contractValue: 1, depth10: 600_000 }),
    listing('binance-usdm', `${asset}USDT`, perpId, asset, { tickDecimals: tick, priceDecimals: tick, lotDecimals: usdmLot, sizeDecimals: usdmLot, contractValue: 1, depth10: 900_000 }),
    listing('okx', `${asset}-USDT-SWAP`, perpId, asset, { tickDecimals: tick, priceDecimals: tick, lotDecimals: 1, sizeDecimals: 1, contractValue, depth10: 600_000, index: `${asset}-USDT` }),
    listing('okx', `${asset}-USDT`, spotId, asset, { tickDecimals: tick, priceDecimals: tick, lotDecimals: lot + 1, sizeDecimals: lot + 1, contractValue: 1, depth10: 500_000 }),
  ];
}

/** Built lists per `extraAssets`, shared: every market, client and server of a run looks at the same objects. */
const byExtraCount = new Map<number, readonly SimInstrument[]>([[0, SIM_INSTRUMENTS]]);

/**
 * Every listing of a run with `extraAssets` synthetic assets: the
 * {@link SIM_INSTRUMENTS} first (so their order, and a default run's bytes,
 * never change), then four listings per synthetic asset.
 */
export function simInstruments(extraAssets = 0): readonly SimInstrument[] {
  let list = byExtraCount.get(extraAssets);
  if (list === undefined) {
    list = [...SIM_INSTRUMENTS, ...extraAssetProfiles(extraAssets).flatMap(extraListings)];
    byExtraCount.set(extraAssets, list);
  }
  return list;
}

/** The listings of one venue, in the order above (of the given run's list; the default ones if none). */
export function instrumentsOf(venue: VenueId, instruments: readonly SimInstrument[] = SIM_INSTRUMENTS): SimInstrument[] {
  return instruments.filter((i) => i.venue === venue);
}

/** Which simulated books are followed whole: the rest take partial streams. */
export interface SimBookChoice {
  /**
   * How many assets, the most traded first (BTC, ETH, then by 24 h volume), have their books synced
   * against REST snapshots; the others follow partial streams, as a
   * whole-market selection does for the long tail. Default: every asset.
   */
  readonly diffAssets?: number;
}

/**
 * instruments.yaml for a simulated run, so an engine subscribes to every
 * simulated listing (config/instruments.yaml names only BTC and ETH). Same
 * content as the shipped file: per asset its perpetuals (with their spot
 * leg, OKX index and contract values), then its spot, each listed on every
 * exchange key that simulates it. Tick sizes are left to the venue
 * metadata, which the simulator always serves.
 */
export function simInstrumentsConfig(extraAssets = 0, books: SimBookChoice = {}): InstrumentsConfig {
  const instruments = simInstruments(extraAssets);
  const assetsByVolume = [...new Set(instruments.map((i) => i.base))].sort((a, b) => assetRank(a) - assetRank(b));
  const fullBooks = new Set(assetsByVolume.slice(0, books.diffAssets ?? assetsByVolume.length));
  const out: Record<string, InstrumentConfig> = {};
  const typeOrder = (i: SimInstrument) => (i.type === 'perpetual' ? 0 : 1);
  for (const asset of [...new Set(instruments.map((i) => i.base))]) {
    const ofAsset = instruments.filter((i) => i.base === asset).sort((a, b) => typeOrder(a) - typeOrder(b));
    for (const id of [...new Set(ofAsset.map((i) => i.id))]) {
      const of = ofAsset.filter((i) => i.id === id);
      const first = of[0]!;
      // The most traded assets get full books; the tail partial streams (Binance depth20, OKX books5, Bybit 50 levels).
      const full = fullBooks.has(asset);
      const venues: Record<string, VenueListing> = {};
      for (const i of of) venues[traitsOf(i.venue).exchange] ??= listingConfig(i, full);
      out[id] = {
        id,
        type: first.type,
        base: asset,
        quote: first.quote,
        enabled: true,
        spot: first.type === 'perpetual' ? `${asset}-USDT-SPOT` : null,
        venues,
      };
    }
  }
  return out;
}

/** One listing as instruments.yaml resolves it: OKX's full book is its default (null), the others name `diff`. */
function listingConfig(i: SimInstrument, full: boolean): VenueListing {
  const okx = traitsOf(i.venue).wire === 'okx';
  return {
    symbol: i.symbol,
    depthStream: full ? (okx ? null : 'diff') : 'partial20',
    index: i.index ?? null,
    tickSize: null,
    // Listed where a contract is not one base unit (OKX swaps) or is a fixed USD amount above 1 (COIN-M).
    contractValue: i.type === 'perpetual' && i.contractValue !== 1 ? i.contractValue : null,
  };
}

/** Tick size as a number (for level arithmetic only: strings are built from integers). */
export function tickOf(instrument: SimInstrument): number {
  return 10 ** -instrument.tickDecimals;
}

/** Lot (size step) as a number. */
export function lotOf(instrument: SimInstrument): number {
  return 10 ** -instrument.lotDecimals;
}

/** Quote (USD) value of one lot at `price`: an inverse contract is worth its fixed USD amount whatever the price. */
export function lotValue(instrument: SimInstrument, price: number): number {
  const perLot = lotOf(instrument) * instrument.contractValue;
  return instrument.contractKind === 'inverse' ? perLot : perLot * price;
}

/**
 * An integer count of `10^-decimals` units as a decimal string with `pad`
 * decimals, built from the digits so no float rounding can creep in
 * (OKX checksums hash these exact strings).
 */
export function scaledText(units: number, decimals: number, pad: number, trim: boolean): string {
  const negative = units < 0;
  let digits = String(Math.abs(Math.round(units)));
  if (decimals === 0) return (negative ? '-' : '') + (pad > 0 && !trim ? `${digits}.${'0'.repeat(pad)}` : digits);
  digits = digits.padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  let frac = digits.slice(digits.length - decimals).padEnd(pad, '0');
  if (trim) frac = frac.replace(/0+$/, '');
  return (negative ? '-' : '') + (frac === '' ? whole : `${whole}.${frac}`);
}

/**
 * Level strings already made, per listing: a book's prices sit in a narrow
 * band and sizes repeat, so at a whole market (partial pushes re-send 20
 * levels ten times a second) most strings are made once. Bounded: a
 * listing's cache starts over past this many entries.
 */
const TEXT_CACHE_LIMIT = 4_096;
const priceTexts = new WeakMap<SimInstrument, Map<number, string>>();
const sizeTexts = new WeakMap<SimInstrument, Map<number, string>>();

function cached(store: WeakMap<SimInstrument, Map<number, string>>, instrument: SimInstrument, units: number, make: () => string): string {
  let map = store.get(instrument);
  if (map === undefined) store.set(instrument, (map = new Map()));
  let text = map.get(units);
  if (text === undefined) {
    if (map.size >= TEXT_CACHE_LIMIT) map.clear();
    map.set(units, (text = make()));
  }
  return text;
}

/** Price string of a level `ticks` ticks above zero, as the venue prints it. */
export function priceText(instrument: SimInstrument, ticks: number): string {
  return cached(priceTexts, instrument, ticks, () => scaledText(ticks, instrument.tickDecimals, instrument.priceDecimals, instrument.trimZeros));
}

/** Size string of `lots` lots, as the venue prints it. */
export function sizeText(instrument: SimInstrument, lots: number): string {
  return cached(sizeTexts, instrument, lots, () => scaledText(lots, instrument.lotDecimals, instrument.sizeDecimals, instrument.trimZeros));
}

/** A price rounded to the tick, as a string: marks, indices, tickers. */
export function roundedPriceText(instrument: SimInstrument, price: number, extraDecimals = 0): string {
  const decimals = instrument.tickDecimals + extraDecimals;
  return scaledText(Math.round(price * 10 ** decimals), decimals, Math.max(decimals, instrument.priceDecimals), instrument.trimZeros);
}
