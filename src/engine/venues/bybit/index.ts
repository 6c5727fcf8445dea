import type { Instrument } from '../../../shared/core/model';
import type { Venue } from '../venue';
import { BybitBookSync } from './bybit-book-sync';
import { BybitFeed } from './bybit-feed';
import { BybitMapper } from './bybit-mapper';
import { bybitConfig } from './config';
import { bybitMarketOf, BYBIT_VENUE_ID } from './instruments';


/** Quote assets a Bybit symbol may end in, longest first (USDT before USD). */
const QUOTES = ['USDT', 'USDC', 'USDE', 'FDUSD', 'EUR', 'BRL', 'BTC', 'ETH', 'DAI', 'USD'];

/**
 * A replayed Bybit symbol with neither metadata nor config: spot when it
 * ends in `-SPOT`, inverse (USD quoted, contracts of 1 USD) when it reads
 * like BTCUSD or BTCUSDH25, a dated future when it carries a date
 * (BTCUSDT-26DEC25), else a linear perpetual (BTCUSDT, BTCPERP). Flagged
 * as guessed by the caller; tick unknown.
 */
function guessBybitInstrument(symbol: string): Instrument {
  const { category, venueSymbol } = bybitMarketOf(symbol);
  const [pair, date] = venueSymbol.split('-') as [string, string | undefined];
  const quote = pair.endsWith('PERP') ? 'USDC' : (QUOTES.find((q) => pair.replace(/[FGHJKMNQUVXZ][0-9]{2}$/, '').endsWith(q)) ?? '');
  const base = pair.endsWith('PERP') ? pair.slice(0, -4) : quote === '' ? pair : pair.replace(/[FGHJKMNQUVXZ][0-9]{2}$/, '').slice(0, -quote.length);
  const dated = date !== undefined || (category === 'inverse' && /[FGHJKMNQUVXZ][0-9]{2}$/.test(pair));
  const type = category === 'spot' ? 'spot' : dated ? 'future' : 'perpetual';
  const id = quote === '' ? venueSymbol : type === 'spot' ? `${base}-${quote}-SPOT` : type === 'perpetual' ? `${base}-${quote}-PERP` : venueSymbol;
  return {
    venue: BYBIT_VENUE_ID,
    symbol,
    id,
    type,
    base,
    quote,
    tickSize: Number.NaN,
    contractKind: category === 'spot' ? 'spot' : category,
    contractValue: 1,
  };
}

/**
 * Bybit v5 public market data (spot, linear and inverse): replay and the live feed.
 * https://bybit-exchange.github.io/docs/v5/intro
 */
export const bybit: Venue = {
  id: BYBIT_VENUE_ID,
  config: bybitConfig,
  guessInstrument: guessBybitInstrument,
  createMapper: (limits) => new BybitMapper(limits),
  createBookSync: (instrument, limits) => new BybitBookSync(instrument, limits?.bookLevelsPerSide),
  createFeed: (options) => new BybitFeed({ ...options, config: options.exchanges.bybit ?? missingBlock() }),
};

function missingBlock(): never {
  throw new Error('the bybit feed was started without its exchanges.yaml block');
}
