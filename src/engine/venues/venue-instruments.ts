import { exchangeBlocks, type Config, type InstrumentConfig, type VenueListing } from '../../shared/config';
import type { VenueId } from '../../shared/core/model';
import { venueConfigPlugins } from './registry';

/** One canonical instrument on one venue: what an adapter subscribes to. */
export interface VenueInstrumentConfig {
  /** Key in exchanges.yaml and instruments.yaml `venues:` (`binance`). */
  readonly exchange: string;
  /** Capture venue id: `binance-spot`, `binance-usdm`, `okx`. */
  readonly venue: VenueId;
  readonly instrument: InstrumentConfig;
  readonly listing: VenueListing;
}

/** Every enabled instrument on every enabled exchange, in instruments.yaml order, exchanges in registry order. */
export function enabledVenueInstruments(config: Config): VenueInstrumentConfig[] {
  const blocks = exchangeBlocks(config.exchanges);
  const out: VenueInstrumentConfig[] = [];
  for (const instrument of Object.values(config.instruments)) {
    if (!instrument.enabled) continue;
    for (const plugin of venueConfigPlugins()) {
      const listing = instrument.venues[plugin.exchange];
      if (listing === undefined || blocks.get(plugin.exchange)?.enabled !== true) continue;
      out.push({ exchange: plugin.exchange, venue: plugin.venueIds[instrument.type], instrument, listing });
    }
  }
  return out;
}
