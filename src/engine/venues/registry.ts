import type { VenueId } from '../../shared/core/model';
import { binanceSpot, binanceUsdm } from './binance';
import { okx } from './okx';
import type { Venue } from './venue';

/** Every venue the engine speaks. Adding a venue: its folder, and one line here. */
const VENUES: readonly Venue[] = [binanceSpot, binanceUsdm, okx];

const byId = new Map<VenueId, Venue>(VENUES.map((v) => [v.id, v]));

/** The venue with this capture id, or undefined for an unknown one. */
export function venueById(id: VenueId): Venue | undefined {
  return byId.get(id);
}

/** Capture ids of every known venue. */
export function knownVenueIds(): VenueId[] {
  return [...byId.keys()];
}

/**
 * The exchange a venue belongs to: Binance runs spot and USD-M as separate
 * services (separate venues), but a perpetual's basis is measured against the
 * spot market of the same exchange.
 */
export function exchangeOf(venue: VenueId): string {
  return venue.startsWith('binance') ? 'binance' : venue;
}
