import { guessedInstrument } from '../guessed-instrument';
import type { Venue } from '../venue';
import { okxConfig } from './config';
import { OKX_VENUE_ID } from './instruments';
import { OkxBookSync } from './okx-book-sync';
import { OkxFeed } from './okx-feed';
import { OkxMapper } from './okx-mapper';

export { okxConfig, type OkxConfig } from './config';
export { crc32, okxBookChecksum, okxChecksumText, OKX_CHECKSUM_DEPTH } from './okx-checksum';
export { mapOkxInstrument, mapOkxInstruments, OKX_VENUE_ID, type OkxInstrumentsResult } from './instruments';
export { createOkxBookSync, OkxBookSync, OKX_MAX_BUFFERED_UPDATES } from './okx-book-sync';
export { createOkxMapper, OkxMapper } from './okx-mapper';
export { OkxFeed, okxInstType, planOkxConnections, type OkxArg, type OkxConnectionPlan, type OkxFeedOptions } from './okx-feed';

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
