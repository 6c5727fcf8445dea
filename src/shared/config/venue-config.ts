import type { z } from 'zod';
import type { InstrumentType, VenueId } from '../core/model';
import type { ConnectionSettings } from './connection-schema';
import type { DepthStream, VenueListing } from './instruments-schema';

/**
 * What every exchange's block of exchanges.yaml holds, whatever else it
 * carries (its URLs): the engine reads these two without knowing the venue.
 */
export interface ExchangeBlock {
  readonly enabled: boolean;
  readonly connection: ConnectionSettings;
}

/** A listing under `venues.<exchange>` in instruments.yaml, as its venue's schema reads it (snake_case). */
export interface RawListing {
  readonly symbol: string;
  readonly index?: string | undefined;
  readonly tick_size?: number | undefined;
  readonly lot_size?: number | undefined;
  readonly contract_value?: number | undefined;
  readonly depth_stream?: DepthStream | undefined;
}

/** Reports a problem at a key path under the listing (`['symbol']`). */
export type ListingIssue = (path: readonly (string | number)[], message: string) => void;

/**
 * Everything an exchange's venue plug-in brings to the configuration. It
 * lives in the venue's folder (src/engine/venues/<venue>/config.ts); the
 * pure layer only composes what it is given (`composeConfigSchemas`), so
 * src/shared names no venue.
 */
export interface VenueConfigPlugin {
  /** Key in exchanges.yaml and under `venues:` in instruments.yaml: `binance`, `okx`. */
  readonly exchange: string;
  /**
   * The `exchange` key whose spot markets are this one's spot legs (basis,
   * USD conversion) when they are listed under another key: Binance COIN-M
   * (`binancecoinm`) prices against Binance spot (`binance`). Default: itself.
   */
  readonly spotExchange?: string;
  /**
   * Capture venue id of each instrument type listed under this key: one
   * exchange may run separate services with separate books (Binance spot
   * and USD-M), each its own venue.
   */
  readonly venueIds: Readonly<Record<InstrumentType, VenueId>>;
  /** Its block of exchanges.yaml: strict, snake_case in, its own config type out. */
  readonly exchangeSchema: z.ZodType<ExchangeBlock>;
  /** Its listing in instruments.yaml: strict. */
  readonly listingSchema: z.ZodType<RawListing>;
  /** Book stream of a listing that names none (null: the venue has one kind of book stream). */
  readonly defaultDepthStream: DepthStream | null;
  /**
   * The engine's book symbol of a listing when it is not the symbol as
   * written (Bybit: spot BTCUSDT is the book `BTCUSDT-SPOT`, apart from the
   * USDT perpetual BTCUSDT). Default: the symbol as written.
   */
  bookSymbol?(type: InstrumentType, symbol: string): string;
  /** The venue's own cross-checks of a listing against its instrument's type. */
  checkListing?(type: InstrumentType, listing: RawListing, issue: ListingIssue): void;
  /** How `surveil config check` shows its block (cells after name and state) and a listing (one cell). */
  readonly summary: {
    block(block: ExchangeBlock): readonly string[];
    listing(listing: VenueListing): string;
  };
  /**
   * The block pointed at a local exchange simulator: `base`'s connection
   * settings with every URL replaced by the simulator's endpoint for the
   * venue id it serves (src/engine/simulator).
   */
  simulatorBlock(base: ExchangeBlock, endpoint: (venue: VenueId) => SimulatorEndpoint): ExchangeBlock;
}

/** Where a simulator serves one venue: WebSocket and HTTP base URLs, no trailing slash. */
export interface SimulatorEndpoint {
  readonly ws: string;
  readonly http: string;
}

/** Venue ids of the plug-ins, spot service first, each once, in plug-in order. */
export function venueIdsOf(plugins: readonly VenueConfigPlugin[]): VenueId[] {
  return [...new Set(plugins.flatMap((p) => [p.venueIds.spot, p.venueIds.perpetual, p.venueIds.future]))];
}

/** The instrument types a venue id lists, in `select:` order (perpetual, spot, future). */
export function typesOfVenue(plugins: readonly VenueConfigPlugin[], venue: VenueId): InstrumentType[] {
  const types: InstrumentType[] = ['perpetual', 'spot', 'future'];
  return types.filter((t) => plugins.some((p) => p.venueIds[t] === venue));
}

/** Listing -> `VenueListing`, the venue's defaults filled in. */
export function toVenueListing(plugin: VenueConfigPlugin, raw: RawListing, type: InstrumentType, tier: string | undefined): VenueListing {
  return {
    symbol: plugin.bookSymbol?.(type, raw.symbol) ?? raw.symbol,
    depthStream: raw.depth_stream ?? plugin.defaultDepthStream,
    index: type !== 'spot' ? (raw.index ?? null) : null,
    tickSize: raw.tick_size ?? null,
    ...(raw.lot_size !== undefined && { lotSize: raw.lot_size }),
    contractValue: raw.contract_value ?? null,
    ...(tier !== undefined && { tier }),
  };
}
