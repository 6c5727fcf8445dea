import { z } from 'zod';
import { connectionSchema, listingFields, type ConnectionSettings, type VenueConfigPlugin } from '../../../shared/config';
import { httpUrl, wsUrl } from '../../../shared/config/schema-parts';
import { BINANCE_VENUE_IDS } from './exchange-info';

/**
 * Binance COIN-M futures endpoints. Unlike USD-M, COIN-M's public streams
 * were not split into `/public` and `/market` base paths: one dstream base
 * carries depth, bookTicker and markPrice
 * (https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams).
 */
export interface BinanceCoinmConfig {
  readonly enabled: boolean;
  /** `wss://dstream.binance.com` (+ `/ws` or `/stream`). */
  readonly websocketUrl: string;
  /** `https://dapi.binance.com`. */
  readonly restUrl: string;
  readonly connection: ConnectionSettings;
}

declare module '../../../shared/config/exchanges-schema' {
  interface ExchangesConfig {
    readonly binancecoinm: BinanceCoinmConfig;
  }
}

const exchangeSchema = z
  .object({ enabled: z.boolean(), websocket_url: wsUrl, rest_url: httpUrl, connection: connectionSchema })
  .strict()
  .transform((b): BinanceCoinmConfig => ({ enabled: b.enabled, websocketUrl: b.websocket_url, restUrl: b.rest_url, connection: b.connection }));

const listingSchema = z
  .object({
    ...listingFields,
    // Perpetuals are BTCUSD_PERP, quarterlies BTCUSD_261225 (delivery day).
    symbol: z.string().regex(/^[A-Z0-9]+_(?:PERP|[0-9]{6})$/, 'expected a Binance COIN-M symbol such as BTCUSD_PERP or BTCUSD_261225'),
    // Same streams as USD-M: `diff` synced to a REST snapshot, `partial20` top 20.
    depth_stream: z.enum(['diff', 'partial20']).optional(),
  })
  .strict();

/**
 * Binance COIN-M's part of the config: `binancecoinm:` in exchanges.yaml
 * and `venues.binancecoinm` in instruments.yaml. Its own key because a
 * config key gives one venue per instrument type and `binance:` already
 * sends perpetuals to USD-M. Its spot legs are Binance spot's
 * (`spotExchange`), so an inverse perpetual's basis is measured there.
 */
export const binanceCoinmConfig: VenueConfigPlugin = {
  exchange: 'binancecoinm',
  spotExchange: 'binance',
  // COIN-M lists no spot: a spot listing under this key is refused by checkListing.
  venueIds: { spot: BINANCE_VENUE_IDS.coinm, perpetual: BINANCE_VENUE_IDS.coinm, future: BINANCE_VENUE_IDS.coinm },
  exchangeSchema,
  listingSchema,
  defaultDepthStream: 'diff',
  checkListing(type, listing, issue) {
    if (type === 'spot') issue(['symbol'], `${listing.symbol}: Binance COIN-M lists no spot market (list it under venues.binance)`);
    else if (type === 'perpetual' && !listing.symbol.endsWith('_PERP')) issue(['symbol'], `${listing.symbol}: a COIN-M perpetual is <PAIR>_PERP`);
    else if (type === 'future' && listing.symbol.endsWith('_PERP')) issue(['symbol'], `${listing.symbol}: a COIN-M dated future is <PAIR>_<yymmdd>`);
  },
  summary: {
    block: (block) => [`coinm ${(block as BinanceCoinmConfig).websocketUrl}`],
    listing: (l) => `${l.symbol} (${l.depthStream}${l.tier ? `, ${l.tier}` : ''})`,
  },
  // The simulator serves COIN-M on one port: dstream (`/stream`, `/ws`) and dapi alike.
  simulatorBlock(base, endpoint) {
    const coinm = endpoint(BINANCE_VENUE_IDS.coinm);
    const block: BinanceCoinmConfig = { ...(base as BinanceCoinmConfig), enabled: true, websocketUrl: coinm.ws, restUrl: coinm.http };
    return block;
  },
};
