/** The venues the simulator speaks, as capture venue ids (new venues last: earlier runs' streams keep their numbers). */
export const SIM_VENUES = ['binance-spot', 'binance-usdm', 'okx', 'binance-coinm', 'bybit'] as const;
export type SimVenue = (typeof SIM_VENUES)[number];

/** Which wire format family a venue's messages are built by (binance-protocol, binance-coinm-protocol, okx-protocol, bybit-protocol). */
export type SimWire = 'binance' | 'okx' | 'bybit';

/** What the market, the server and the capture client need to know of a venue, in one table instead of `venue ===` chains. */
export interface SimVenueTraits {
  readonly wire: SimWire;
  /** Key in exchanges.yaml and under `venues:` in instruments.yaml. */
  readonly exchange: string;
  /**
   * Which set of price offsets (spot vs fair, perp premium, index) the
   * venue's books are built with: Binance spot and USD-M share one, as they
   * share a spot market; COIN-M and Bybit have their own.
   */
  readonly offsets: string;
  /** Chance that a 100 ms slot changes a book of a major. */
  readonly updateProbability: number;
  /** Least time between two top-of-book messages (bookTicker, tickers) of one book, ms. */
  readonly quoteThrottleMs: number;
  /** One-way network latency from the venue in a capture, ms. */
  readonly latencyMs: number;
  /** The production REST host a recording of the venue would carry. */
  readonly restBase: string;
  /** Size and price strings without trailing zeros (OKX). */
  readonly trimZeros: boolean;
  /** The server pings every socket itself (Binance); otherwise the client pings (OKX, Bybit). */
  readonly serverPings: boolean;
}

export const SIM_VENUE_TRAITS: Readonly<Record<SimVenue, SimVenueTraits>> = {
  'binance-spot': { wire: 'binance', exchange: 'binance', offsets: 'binance', updateProbability: 0.55, quoteThrottleMs: 250, latencyMs: 9, restBase: 'https://api.binance.com', trimZeros: false, serverPings: true },
  'binance-usdm': { wire: 'binance', exchange: 'binance', offsets: 'binance', updateProbability: 0.55, quoteThrottleMs: 250, latencyMs: 7, restBase: 'https://fapi.binance.com', trimZeros: false, serverPings: true },
  okx: { wire: 'okx', exchange: 'okx', offsets: 'okx', updateProbability: 0.45, quoteThrottleMs: 500, latencyMs: 24, restBase: 'https://www.okx.com', trimZeros: true, serverPings: false },
  'binance-coinm': { wire: 'binance', exchange: 'binancecoinm', offsets: 'binance-coinm', updateProbability: 0.5, quoteThrottleMs: 250, latencyMs: 8, restBase: 'https://dapi.binance.com', trimZeros: false, serverPings: true },
  // Bybit derivatives tickers push every 100 ms; a changed top of book goes out at most that often.
  bybit: { wire: 'bybit', exchange: 'bybit', offsets: 'bybit', updateProbability: 0.5, quoteThrottleMs: 100, latencyMs: 18, restBase: 'https://api.bybit.com', trimZeros: false, serverPings: false },
};

/** The traits of a venue. */
export function traitsOf(venue: SimVenue): SimVenueTraits {
  return SIM_VENUE_TRAITS[venue];
}
