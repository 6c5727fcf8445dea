import type { InstrumentType, VenueId } from '../core/model';
import { EXCHANGE_NAMES, type ExchangeName } from './exchanges-schema';
import type { InstrumentConfig, VenueListing } from './instruments-schema';
import type { Config } from './validate-config';

/** One canonical instrument on one venue: what an adapter subscribes to. */
export interface VenueInstrumentConfig {
  readonly exchange: ExchangeName;
  /** Capture venue id: `binance-spot`, `binance-usdm`, `okx`. */
  readonly venue: VenueId;
  readonly instrument: InstrumentConfig;
  readonly listing: VenueListing;
}

/**
 * Venue id used in captures and instrument keys. Binance runs spot and
 * USD-M futures as separate services with separate books and sequence
 * numbers, so they are separate venues; OKX serves both from one.
 */
export function venueIdOf(exchange: ExchangeName, type: InstrumentType): VenueId {
  if (exchange === 'binance') return type === 'spot' ? 'binance-spot' : 'binance-usdm';
  return exchange;
}

/** Every enabled instrument on every enabled exchange, in instruments.yaml order. */
export function enabledVenueInstruments(config: Config): VenueInstrumentConfig[] {
  const out: VenueInstrumentConfig[] = [];
  for (const instrument of Object.values(config.instruments)) {
    if (!instrument.enabled) continue;
    for (const exchange of EXCHANGE_NAMES) {
      const listing = instrument.venues[exchange];
      if (listing === undefined || !config.exchanges[exchange].enabled) continue;
      out.push({ exchange, venue: venueIdOf(exchange, instrument.type), instrument, listing });
    }
  }
  return out;
}
