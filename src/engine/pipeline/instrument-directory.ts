import type { Instrument, VenueId } from '../../shared/core/model';
import { instrumentKey } from '../../shared/core/model';
import type { InstrumentsConfig } from '../../shared/config';
import { exchangeOf, guessInstrument, venueIdOf } from '../venues/registry';

/**
 * Every instrument the engine knows, by `venue:symbol`: from venue metadata
 * (exchangeInfo, public/instruments), with canonical ids and links from
 * instruments.yaml where it lists the symbol. Replayed captures bring
 * instruments nobody configured; they keep the ids their metadata implies.
 */
/**
 * Quote assets taken as worth one US dollar, in the order a conversion pair is
 * looked for. Trade-off: a stablecoin's depeg is not modelled (docs/runbook.md).
 */
export const USD_QUOTES: readonly string[] = ['USDT', 'USDC', 'USD', 'FDUSD', 'BUSD', 'TUSD', 'USDP', 'DAI'];

export class InstrumentDirectory {
  private readonly byKey = new Map<string, Instrument>();
  /** venue:symbol -> canonical id from instruments.yaml */
  private readonly configuredIds = new Map<string, string>();
  /** venue:symbol -> liquidity tier from instruments.yaml (pinned, or resolved from volume at start) */
  private readonly configuredTiers = new Map<string, string>();
  /** canonical id -> keys listed under it */
  private readonly keysById = new Map<string, Set<string>>();
  /** Instruments built without venue metadata (contract values guessed). */
  readonly guessed = new Set<string>();
  /**
   * Links as last looked up, by `venue:symbol` (spot leg, other venues, given by
   * the caller that has it) and by venue and asset (USD pairs): the analytics read them for every sample of
   * every boundary, and building the ids to look them up cost more than the
   * lookups. Cleared whenever a listing is put.
   */
  private readonly links = {
    spot: new Map<string, string | undefined>(),
    usd: new Map<VenueId, Map<string, readonly string[]>>(),
    peers: new Map<string, readonly string[]>(),
  };

  constructor(private readonly config: InstrumentsConfig = {}) {
    for (const instrument of Object.values(config)) {
      for (const [exchange, listing] of Object.entries(instrument.venues)) {
        if (!listing) continue;
        const venue = venueIdOf(exchange, instrument.type);
        this.configuredIds.set(instrumentKey(venue, listing.symbol), instrument.id);
        if (listing.tier) this.configuredTiers.set(instrumentKey(venue, listing.symbol), listing.tier);
      }
    }
  }

  /**
   * Adds venue metadata; the canonical id from config wins over the one the
   * venue implies, and the instrument carries its configured tier (metadata
   * knows nothing of tiers).
   */
  addMetadata(instruments: readonly Instrument[]): void {
    for (const instrument of instruments) {
      const key = instrumentKey(instrument.venue, instrument.symbol);
      const id = this.configuredIds.get(key) ?? instrument.id;
      const tier = this.configuredTiers.get(key);
      const same = id === instrument.id && tier === instrument.tier;
      this.put(key, same ? instrument : { ...instrument, id, ...(tier === undefined ? {} : { tier }) });
      this.guessed.delete(key);
    }
  }

  get(key: string): Instrument | undefined {
    return this.byKey.get(key);
  }

  /**
   * New liquidity tiers (a discovery refresh moved listings between tiers):
   * `venue:symbol` -> tier, null for none. Known instruments whose tier
   * changed are replaced by a copy carrying the new one; keys not in `tiers`
   * keep theirs. Returns the keys whose instrument changed.
   */
  setTiers(tiers: ReadonlyMap<string, string | null>): string[] {
    const changed: string[] = [];
    for (const [key, tier] of tiers) {
      if (tier === null) this.configuredTiers.delete(key);
      else this.configuredTiers.set(key, tier);
      const known = this.byKey.get(key);
      if (known === undefined || (known.tier ?? null) === tier) continue;
      const { tier: _old, ...rest } = known;
      this.put(key, tier === null ? rest : { ...rest, tier });
      changed.push(key);
    }
    return changed;
  }

  /**
   * The instrument behind a market event. Without metadata, it falls back to
   * the config listing, then to a guess (contract value 1) that is flagged.
   */
  resolve(venue: VenueId, symbol: string): Instrument {
    const key = instrumentKey(venue, symbol);
    const known = this.byKey.get(key);
    if (known) return known;
    const instrument = this.fromConfig(venue, symbol) ?? guessInstrument(venue, symbol);
    this.guessed.add(key);
    this.put(key, instrument);
    return instrument;
  }

  /** The spot instrument a perpetual or future is measured against, on the same exchange. */
  spotKeyFor(instrument: Instrument, key = instrumentKey(instrument.venue, instrument.symbol)): string | undefined {
    if (instrument.type === 'spot') return undefined;
    if (this.links.spot.has(key)) return this.links.spot.get(key);
    const found = this.findSpotKey(instrument);
    this.links.spot.set(key, found);
    return found;
  }

  private findSpotKey(instrument: Instrument): string | undefined {
    const configured = this.config[instrument.id]?.spot;
    const spotId = configured ?? `${instrument.base}-${instrument.quote}-SPOT`;
    const exchange = exchangeOf(instrument.venue);
    for (const key of this.keysById.get(spotId) ?? []) {
      const candidate = this.byKey.get(key);
      if (candidate && exchangeOf(candidate.venue) === exchange) return key;
    }
    return undefined;
  }

  /**
   * Keys of the spot markets on the same exchange that price `asset` in a
   * USD stablecoin or USD (`ETH-USDT-SPOT` for ETH), best first: what turns
   * a quote-currency notional into USD.
   */
  usdPairKeysFor(asset: string, venue: VenueId): readonly string[] {
    let byAsset = this.links.usd.get(venue);
    if (byAsset === undefined) this.links.usd.set(venue, (byAsset = new Map()));
    let found = byAsset.get(asset);
    if (found === undefined) byAsset.set(asset, (found = this.findUsdPairKeys(asset, venue)));
    return found;
  }

  private findUsdPairKeys(asset: string, venue: VenueId): string[] {
    const exchange = exchangeOf(venue);
    const out: string[] = [];
    for (const quote of USD_QUOTES) {
      for (const key of this.keysById.get(`${asset}-${quote}-SPOT`) ?? []) {
        const candidate = this.byKey.get(key);
        if (candidate && exchangeOf(candidate.venue) === exchange) out.push(key);
      }
    }
    return out;
  }

  /** The same canonical instrument on other exchanges. */
  otherVenueKeysFor(instrument: Instrument, key = instrumentKey(instrument.venue, instrument.symbol)): readonly string[] {
    let found = this.links.peers.get(key);
    if (found === undefined) this.links.peers.set(key, (found = this.findOtherVenueKeys(instrument)));
    return found;
  }

  private findOtherVenueKeys(instrument: Instrument): string[] {
    const exchange = exchangeOf(instrument.venue);
    const out: string[] = [];
    for (const key of this.keysById.get(instrument.id) ?? []) {
      const other = this.byKey.get(key);
      if (other && exchangeOf(other.venue) !== exchange) out.push(key);
    }
    return out;
  }

  private put(key: string, instrument: Instrument): void {
    // Any listing changed: every link is looked up again (listings change rarely; links are read per sample).
    this.links.spot.clear();
    this.links.usd.clear();
    this.links.peers.clear();
    const previous = this.byKey.get(key);
    if (previous) this.keysById.get(previous.id)?.delete(key);
    this.byKey.set(key, instrument);
    let keys = this.keysById.get(instrument.id);
    if (!keys) this.keysById.set(instrument.id, (keys = new Set()));
    keys.add(key);
  }

  private fromConfig(venue: VenueId, symbol: string): Instrument | undefined {
    const id = this.configuredIds.get(instrumentKey(venue, symbol));
    const config = id === undefined ? undefined : this.config[id];
    if (!config) return undefined;
    const listing = config.venues[exchangeOf(venue)];
    return {
      venue,
      symbol,
      id: config.id,
      type: config.type,
      base: config.base,
      quote: config.quote,
      tickSize: listing?.tickSize ?? Number.NaN,
      ...(listing?.lotSize ? { lotSize: listing.lotSize } : {}),
      contractKind: config.type === 'spot' ? 'spot' : 'linear',
      contractValue: listing?.contractValue ?? 1,
      ...(listing?.index ? { indexSymbol: listing.index } : {}),
      ...(listing?.tier ? { tier: listing.tier } : {}),
    };
  }
}
