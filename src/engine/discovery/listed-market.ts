import type { Instrument, VenueId } from '../../shared/core/model';

/**
 * Where a listing stands, from the venue's own status field:
 * - `trading`: open for trading; the only status a rule subscribes to.
 * - `halted`: listed but not trading for now (Binance spot `BREAK`, `HALT`;
 *   OKX `suspend`): it should come back, so it is watched, not forgotten.
 * - `pending`: announced, not open yet (USD-M `PENDING_TRADING`, OKX `preopen`).
 * - `closed`: on its way out or gone (USD-M `SETTLING`, `CLOSE`, `DELIVERED`).
 */
export type ListingStatus = 'trading' | 'halted' | 'pending' | 'closed';

/** One listing of a venue as its public metadata and 24 h ticker describe it. */
export interface ListedMarket {
  /** Canonical id, type, base/quote, tick size and contract value, as the mappers derive them. */
  readonly instrument: Instrument;
  readonly status: ListingStatus;
  /** The status as the venue sent it (`TRADING`, `BREAK`, `live`, `suspend`), for the operator. */
  readonly venueStatus: string;
  /** Last price from the 24 h ticker; null when the ticker did not list the symbol. */
  readonly lastPrice: number | null;
  /** 24 h traded notional in the quote currency; null when unknown. */
  readonly volume24hQuote: number | null;
}

/** Listings by venue, as fetched at one instant. */
export type VenueListings = ReadonlyMap<VenueId, readonly ListedMarket[]>;

/** A decimal string (or number) as a finite number, else null. */
export function finiteOrNull(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
