import { type DepthStream, type InstrumentConfig, type InstrumentsConfig, type SelectionRule, type TierConfig, type VenueListing } from '../../shared/config';
import { instrumentKey, type Instrument, type VenueId } from '../../shared/core/model';
import { assignTier, type TierAssignment } from '../../shared/core/tier-assignment';
import { exchangeOf, venueIdOf } from '../venues/registry';
import type { ListedMarket, ListingStatus, VenueListings } from './listed-market';
import { keyOf, usdVolumes } from './usd-volume';

/**
 * The first expiry after `now` among the selected dated futures: when a
 * refresh should run so a delivered future is unsubscribed at once. Null
 * when none is selected.
 */
export function nextExpiry(result: SelectionResult, now: number): number | null {
  let next: number | null = null;
  for (const l of result.listings) if (l.expiry !== undefined && l.expiry > now && (next === null || l.expiry < next)) next = l.expiry;
  return next;
}

/** One venue listing in the resolved selection. */
export interface SelectedListing {
  /** `venue:symbol`. */
  readonly key: string;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly id: string;
  /** Index of the `select:` rule that chose it; null for a hand-listed instrument. */
  readonly rule: number | null;
  readonly tier: string | null;
  /** What placed it in its tier: 24 h `volume`, observed resting `depth`, `kept` (hysteresis), `pinned` by hand; null without a tier. */
  readonly tierBy?: TierAssignment<TierConfig>['by'] | 'pinned';
  readonly depth: 'full' | 'partial';
  readonly volume24hUsd: number | null;
  readonly status: ListingStatus;
  readonly venueStatus: string;
  /** Dated futures: expiry, epoch ms. */
  readonly expiry?: number;
}

/** A listing a rule would have taken but for its status: reported so nothing is dropped unseen. */
export interface NotTradingListing {
  readonly key: string;
  readonly id: string;
  readonly rule: number;
  readonly status: ListingStatus;
  readonly venueStatus: string;
}

/** What the rules and the hand list came to against one fetch of the listings. */
export interface SelectionResult {
  /** instruments.yaml as the engine runs it: the hand list, then every rule-selected instrument. */
  readonly instruments: InstrumentsConfig;
  /** Rule-selected listings and the hand-listed ones the venues list, in that order. */
  readonly listings: readonly SelectedListing[];
  readonly notTrading: readonly NotTradingListing[];
  /** Per rule, listings left out by its `max_instruments`. */
  readonly capped: readonly number[];
}

export interface SelectionInput {
  readonly instruments: InstrumentsConfig;
  readonly rules: readonly SelectionRule[];
  readonly tiers: readonly TierConfig[];
  /**
   * Observed median resting depth (USD, bid + ask within the band) of a
   * listing (`venue:symbol`), from the local history; null when not
   * observed. Tiers with `min_depth_usd` read it.
   */
  readonly restingDepth?: (key: string, bandBps: number) => number | null;
  /** Tiers the listings had (a refresh): moves between tiers then go through the hysteresis. */
  readonly previousTiers?: ReadonlyMap<string, string>;
}

/** A listing's tier from its volume or observed resting depth (src/shared/core/tier-assignment.ts). */
function tierOf(input: SelectionInput, key: string, volume: number | null): TierAssignment<TierConfig> {
  const depth = input.restingDepth;
  return assignTier(input.tiers, { volume24hUsd: volume, ...(depth && { restingDepthUsd: (band: number) => depth(key, band) }) }, input.previousTiers?.get(key) ?? null);
}

/**
 * Picks every listing the rules ask for, most traded first, and merges them
 * with the hand list into one InstrumentsConfig: canonical ids from the
 * venue metadata (`BTC-USDT-PERP` on both Binance and OKX is one instrument
 * on two venues), each perpetual paired with the `BASE-QUOTE-SPOT` of the
 * selection (dated futures likewise, with their expiry), OKX swaps and
 * futures with their index (`uly`), tick size and contract value as listed. A hand-listed id is never touched by a rule, nor is a
 * symbol listed by hand under another id: the hand list wins.
 *
 * `keep` (a refresh): listings selected before stay selected while they
 * trade, whatever their volume now, so a quiet day does not unsubscribe them;
 * they still count toward `max_instruments`.
 */
export function resolveSelection(input: SelectionInput, listings: VenueListings, keep: ReadonlySet<string> = new Set()): SelectionResult {
  const usd = usdVolumes(listings);
  const handIds = new Set(Object.keys(input.instruments));
  const handKeys = new Set<string>();
  for (const inst of Object.values(input.instruments)) {
    for (const [exchange, listing] of Object.entries(inst.venues)) {
      if (listing) handKeys.add(instrumentKey(venueIdOf(exchange as 'binance' | 'okx', inst.type), listing.symbol));
    }
  }

  const taken = new Set<string>();
  const chosen: { market: ListedMarket; rule: number; tier: TierConfig | null; tierBy: SelectedListing['tierBy']; depth: 'full' | 'partial'; volume: number | null }[] = [];
  const notTrading: NotTradingListing[] = [];
  const capped: number[] = [];
  input.rules.forEach((rule, index) => {
    const candidates: ListedMarket[] = [];
    for (const market of listings.get(rule.venue) ?? []) {
      const key = keyOf(market);
      if (taken.has(key) || handKeys.has(key) || handIds.has(market.instrument.id) || !matches(rule, market)) continue;
      if (market.status !== 'trading') {
        notTrading.push({ key, id: market.instrument.id, rule: index, status: market.status, venueStatus: market.venueStatus });
        continue;
      }
      const volume = usd.get(key) ?? null;
      const kept = keep.has(key);
      // Unknown volume passes only a rule without a floor: a floor is a promise about liquidity.
      if (!kept && rule.minVolume24hUsd > 0 && (volume === null || volume < rule.minVolume24hUsd)) continue;
      candidates.push(market);
    }
    // Kept listings first (a refresh never drops them for a newcomer), then by volume, unknown last.
    const volumeOf = (m: ListedMarket) => usd.get(keyOf(m)) ?? -1;
    candidates.sort((a, b) => Number(keep.has(keyOf(b))) - Number(keep.has(keyOf(a))) || volumeOf(b) - volumeOf(a));
    const limit = rule.maxInstruments ?? Infinity;
    capped.push(Math.max(0, candidates.length - limit));
    for (const market of candidates.slice(0, limit)) {
      const key = keyOf(market);
      taken.add(key);
      const volume = usd.get(key) ?? null;
      const { tier, by } = tierOf(input, key, volume);
      const depth = rule.depth === 'auto' ? (tier?.depth ?? 'full') : rule.depth;
      chosen.push({ market, rule: index, tier, tierBy: by, depth, volume });
    }
  });

  const spotIds = new Set([
    ...chosen.filter((c) => c.market.instrument.type === 'spot').map((c) => c.market.instrument.id),
    ...Object.values(input.instruments).filter((i) => i.type === 'spot').map((i) => i.id),
  ]);
  const built = new Map<string, { instrument: Instrument; venues: { binance?: VenueListing; okx?: VenueListing } }>();
  for (const c of chosen) {
    const { instrument } = c.market;
    let entry = built.get(instrument.id);
    if (!entry) built.set(instrument.id, (entry = { instrument, venues: {} }));
    const exchange = exchangeOf(instrument.venue) as 'binance' | 'okx';
    entry.venues[exchange] ??= listingOf(instrument, c.depth, c.tier?.name ?? null);
  }

  const out: Record<string, InstrumentConfig> = {};
  const selected: SelectedListing[] = [];
  for (const [id, inst] of Object.entries(input.instruments)) out[id] = withVolumeTiers(inst, listings, usd, input, selected);
  for (const [id, { instrument, venues }] of built) {
    const spotId = `${instrument.base}-${instrument.quote}-SPOT`;
    out[id] = {
      id,
      type: instrument.type,
      base: instrument.base,
      quote: instrument.quote,
      enabled: true,
      // Perpetuals and dated futures alike: basis against the same exchange's spot pair of the selection.
      spot: instrument.type !== 'spot' && spotIds.has(spotId) ? spotId : null,
      ...(instrument.expiry !== undefined && { expiry: instrument.expiry }),
      venues,
    };
  }
  const ruleListings = chosen.map((c): SelectedListing => ({
    key: keyOf(c.market),
    venue: c.market.instrument.venue,
    symbol: c.market.instrument.symbol,
    id: c.market.instrument.id,
    rule: c.rule,
    tier: c.tier?.name ?? null,
    tierBy: c.tierBy,
    depth: c.depth,
    volume24hUsd: c.volume,
    status: c.market.status,
    venueStatus: c.market.venueStatus,
    ...(c.market.instrument.expiry !== undefined && { expiry: c.market.instrument.expiry }),
  }));
  return { instruments: out, listings: [...ruleListings, ...selected], notTrading, capped };
}

function matches(rule: SelectionRule, market: ListedMarket): boolean {
  const { instrument } = market;
  if (instrument.type !== rule.type) return false;
  if (rule.quotes !== null && !rule.quotes.includes(instrument.quote)) return false;
  return !rule.exclude.some((x) => x === instrument.symbol || x === instrument.base || x === instrument.id);
}

/**
 * The book stream a listing is subscribed with: Binance `diff`
 * (`@depth@100ms` + REST snapshot) or `partial20` (`@depth20@100ms`); OKX
 * full is `books` (null), partial is `partial20`, which the OKX feed follows
 * on `books5` (5 levels, whole in every push, no REST).
 */
function depthStreamOf(venue: VenueId, depth: 'full' | 'partial'): DepthStream | null {
  if (depth === 'partial') return 'partial20';
  return exchangeOf(venue) === 'binance' ? 'diff' : null;
}

function listingOf(instrument: Instrument, depth: 'full' | 'partial', tier: string | null): VenueListing {
  const okx = exchangeOf(instrument.venue) === 'okx';
  return {
    symbol: instrument.symbol,
    depthStream: depthStreamOf(instrument.venue, depth),
    // OKX publishes a swap's index under its underlying (`uly`); Binance's markPrice stream carries it.
    index: okx && instrument.type !== 'spot' ? (instrument.indexSymbol ?? `${instrument.base}-${instrument.quote}`) : null,
    tickSize: instrument.tickSize,
    ...(instrument.lotSize !== undefined && { lotSize: instrument.lotSize }),
    contractValue: instrument.contractValue,
    tier,
  };
}

/**
 * A hand-listed instrument as written, with the tier of each listing the
 * venues' volumes (or its observed resting depth) imply where none is
 * pinned; listed in the selection report when the venue lists it. A
 * hand-listed listing the venues do not list (or whose volume is unknown)
 * still gets a tier from its observed depth.
 */
function withVolumeTiers(
  inst: InstrumentConfig,
  listings: VenueListings,
  usd: ReadonlyMap<string, number | null>,
  input: SelectionInput,
  selected: SelectedListing[],
): InstrumentConfig {
  const venues: { binance?: VenueListing; okx?: VenueListing } = {};
  for (const exchange of ['binance', 'okx'] as const) {
    const listing = inst.venues[exchange];
    if (!listing) continue;
    const venue = venueIdOf(exchange, inst.type);
    const key = instrumentKey(venue, listing.symbol);
    const market = listings.get(venue)?.find((m) => m.instrument.symbol === listing.symbol);
    const volume = market ? (usd.get(key) ?? null) : null;
    const assigned = listing.tier ? null : tierOf(input, key, volume);
    const tier = listing.tier ?? assigned?.tier?.name ?? null;
    venues[exchange] = tier === (listing.tier ?? null) ? listing : { ...listing, tier };
    if (market && inst.enabled) {
      selected.push({
        key,
        venue,
        symbol: listing.symbol,
        id: inst.id,
        rule: null,
        tier,
        tierBy: listing.tier ? 'pinned' : (assigned?.by ?? null),
        depth: listing.depthStream === 'partial20' ? 'partial' : 'full',
        volume24hUsd: volume,
        status: market.status,
        venueStatus: market.venueStatus,
      });
    }
  }
  return { ...inst, venues };
}
