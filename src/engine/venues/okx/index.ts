import { guessedInstrument } from '../guessed-instrument';
import type { Venue } from '../venue';
import { okxConfig } from './config';
import { OKX_VENUE_ID } from './instruments';
import { OkxBookSync } from './okx-book-sync';
import { OkxFeed } from './okx-feed';
import { OkxMapper } from './okx-mapper';

export { okxBookChecksum } from './okx-checksum';
export { OkxBookSync } from './okx-book-sync';
export { OkxMapper } from './okx-mapper';
export { OkxFeed, planOkxConnections } from './okx-feed';

/**
 * OKX v5 public market data (spot, perpetual swaps, futures): replay and the live feed.
 * https://www.okx.com/docs-v5/en/
 */
export const okx: Venue = {
  id: OKX_VENUE_ID,
  config: okxConfig,
  // instIds say their type: BTC-USDT spot, BTC-USDT-SWAP perpetual, BTC-USD-250627 a dated future.
  guessInstrument: (symbol) =>
    guessedInstrument(OKX_VENUE_ID, symbol, symbol.split('-').length === 2 ? 'spot' : symbol.endsWith('-SWAP') ? 'perpetual' : 'future'),
  createMapper: (limits) => new OkxMapper(limits),
  createBookSync: (instrument, limits) => new OkxBookSync(instrument, limits?.bookLevelsPerSide),
  createFeed: (options) => new OkxFeed(options),
};
