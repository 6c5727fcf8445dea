import { composeConfigSchemas, exchangeBlocks, type ExchangesConfig, type SimulatorEndpoint, type VenueConfigPlugin } from '../../shared/config';
import type { Instrument, InstrumentType, VenueId } from '../../shared/core/model';
import { binanceCoinm, binanceSpot, binanceUsdm } from './binance';
import { bybit } from './bybit';
import { guessedInstrument } from './guessed-instrument';
import { okx } from './okx';
import type { Venue } from './venue';

/**
 * Every venue the engine speaks. Adding a venue: its folder, and one line
 * here. Everything else the engine knows about venues is composed from
 * these objects below.
 */
const VENUES: readonly Venue[] = [binanceSpot, binanceUsdm, okx, bybit, binanceCoinm];

const byId = new Map<VenueId, Venue>(VENUES.map((v) => [v.id, v]));

/** Each exchange's config part once, in registry order (venues of one exchange share it). */
const PLUGINS: readonly VenueConfigPlugin[] = [...new Set(VENUES.map((v) => v.config))];

const pluginByExchange = new Map(PLUGINS.map((p) => [p.exchange, p]));

/**
 * The config schemas with every venue's parts composed in: the one
 * composition point that the engine's loader (and through it the CLI) uses.
 */
export const CONFIG_SCHEMAS = composeConfigSchemas(PLUGINS);

/** The venue with this capture id, or undefined for an unknown one. */
export function venueById(id: VenueId): Venue | undefined {
  return byId.get(id);
}

/** Capture ids of every known venue. */
export function knownVenueIds(): VenueId[] {
  return [...byId.keys()];
}

/** Every registered venue, in registry order. */
export function knownVenues(): readonly Venue[] {
  return VENUES;
}

/** Every exchange's config part (its exchanges.yaml block and instruments.yaml listing), in registry order. */
export function venueConfigPlugins(): readonly VenueConfigPlugin[] {
  return PLUGINS;
}

/** Keys of exchanges.yaml and of `venues:` in instruments.yaml, in registry order. */
export const EXCHANGE_NAMES: readonly string[] = PLUGINS.map((p) => p.exchange);

/**
 * Capture venue id of an instrument of this type listed under `exchange`
 * (Binance runs spot and USD-M as separate venues; OKX is one). Throws for
 * an exchange no venue registers: config validation admits no other key.
 */
export function venueIdOf(exchange: string, type: InstrumentType): VenueId {
  const plugin = pluginByExchange.get(exchange);
  if (!plugin) throw new Error(`no venue registers exchange "${exchange}" (known: ${EXCHANGE_NAMES.join(', ')})`);
  return plugin.venueIds[type];
}

/**
 * The exchange a venue belongs to: separate services of one exchange are
 * separate venues, but a perpetual's basis is measured against the spot
 * market of the same exchange. A config part listed under its own key names
 * the exchange of its spot legs (`spotExchange`: COIN-M's is Binance's).
 * An unknown venue is its own exchange.
 */
export function exchangeOf(venue: VenueId): string {
  const config = byId.get(venue)?.config;
  return config?.spotExchange ?? config?.exchange ?? venue;
}

/**
 * A replayed symbol with neither metadata nor config: the venue's guess,
 * or for a venue no module knows, the symbol as a linear perpetual.
 */
export function guessInstrument(venue: VenueId, symbol: string): Instrument {
  return byId.get(venue)?.guessInstrument(symbol) ?? guessedInstrument(venue, symbol, 'perpetual');
}

/**
 * What a feed of `venue` is given of exchanges.yaml: its own exchange's
 * block and nothing else (no other venue's URLs reach its worker).
 */
export function ownExchangeBlock(venue: VenueId, exchanges: ExchangesConfig): Partial<ExchangesConfig> {
  const exchange = byId.get(venue)?.config.exchange;
  if (exchange === undefined) throw new Error(`unknown venue ${venue}`);
  const block = (exchanges as unknown as Readonly<Record<string, unknown>>)[exchange];
  return { [exchange]: block } as Partial<ExchangesConfig>;
}

/**
 * exchanges.yaml pointed at a local simulator: every exchange's block from
 * `base` (connection settings kept, enabled) with its URLs replaced by the
 * simulator's endpoint for each of its venue ids. An exchange the simulator
 * does not serve every venue of is disabled: no feed dials the real venue
 * from a simulated run.
 */
export function simulatorExchanges(base: ExchangesConfig, endpoint: (venue: VenueId) => SimulatorEndpoint | undefined): ExchangesConfig {
  const blocks = exchangeBlocks(base);
  const out: Record<string, unknown> = {};
  for (const plugin of PLUGINS) {
    const block = blocks.get(plugin.exchange);
    if (block === undefined) throw new Error(`exchanges config has no ${plugin.exchange} block`);
    const served = Object.values(plugin.venueIds).every((venue) => endpoint(venue) !== undefined);
    out[plugin.exchange] = served ? plugin.simulatorBlock(block, (venue) => endpoint(venue)!) : { ...block, enabled: false };
  }
  // One block per plug-in, each its own type: what the merged interface says.
  return out as unknown as ExchangesConfig;
}
