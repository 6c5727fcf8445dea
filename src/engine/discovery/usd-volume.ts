import { instrumentKey } from '../../shared/core/model';
import { USD_QUOTES } from '../pipeline/instrument-directory';
import { exchangeOf } from '../venues/registry';
import type { ListedMarket, VenueListings } from './listed-market';

/**
 * 24 h volume in USD per `venue:symbol`. A USD stablecoin or USD quote counts
 * one for one (the depeg trade-off of docs/runbook.md); any other quote (BTC,
 * EUR, TRY) goes through the same exchange's `<quote>-USDT` spot last price,
 * and stays unknown (null) when that pair was not fetched: a rule with a
 * volume floor then leaves it out rather than guess.
 */
export function usdVolumes(listings: VenueListings): Map<string, number | null> {
  const usdPrice = new Map<string, number>();
  for (const markets of listings.values()) {
    for (const m of markets) {
      const { instrument } = m;
      if (instrument.type !== 'spot' || !USD_QUOTES.includes(instrument.quote) || m.lastPrice === null) continue;
      const key = `${exchangeOf(instrument.venue)}:${instrument.base}`;
      if (!usdPrice.has(key)) usdPrice.set(key, m.lastPrice);
    }
  }
  const out = new Map<string, number | null>();
  for (const markets of listings.values()) for (const m of markets) out.set(keyOf(m), usdOf(m, usdPrice));
  return out;
}

function usdOf(m: ListedMarket, usdPrice: ReadonlyMap<string, number>): number | null {
  if (m.volume24hQuote === null) return null;
  if (USD_QUOTES.includes(m.instrument.quote)) return m.volume24hQuote;
  const rate = usdPrice.get(`${exchangeOf(m.instrument.venue)}:${m.instrument.quote}`);
  return rate === undefined ? null : m.volume24hQuote * rate;
}

/** `venue:symbol` of a listing. */
export function keyOf(m: ListedMarket): string {
  return instrumentKey(m.instrument.venue, m.instrument.symbol);
}
