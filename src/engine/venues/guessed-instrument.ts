import type { Instrument, InstrumentType, VenueId } from '../../shared/core/model';

/**
 * An instrument known only by its venue, symbol and the type the venue's
 * guess gave it (a replayed capture with neither metadata nor config): a
 * dashed symbol (`BTC-USDT-SWAP`) gives base, quote and a canonical id;
 * any other keeps the symbol as its id. Contract value 1, tick unknown.
 */
export function guessedInstrument(venue: VenueId, symbol: string, type: InstrumentType): Instrument {
  const parts = symbol.split('-');
  const base = parts.length > 1 ? parts[0]! : symbol;
  const quote = parts.length > 1 ? parts[1]! : '';
  const suffix = type === 'spot' ? 'SPOT' : type === 'perpetual' ? 'PERP' : parts.slice(2).join('-');
  return {
    venue,
    symbol,
    id: parts.length > 1 ? `${base}-${quote}-${suffix}` : symbol,
    type,
    base,
    quote,
    tickSize: Number.NaN,
    contractKind: type === 'spot' ? 'spot' : 'linear',
    contractValue: 1,
  };
}
