import { z } from 'zod';
import { connectionSchema, listingFields, type ConnectionSettings, type VenueConfigPlugin } from '../../../shared/config';
import { httpUrl, wsUrl } from '../../../shared/config/schema-parts';
import { BINANCE_VENUE_IDS } from './exchange-info';

/** Binance endpoints: spot and USD-M futures are separate hosts. */
export interface BinanceConfig {
  readonly enabled: boolean;
  readonly spot: {
    readonly websocketUrl: string;
    readonly restUrl: string;
  };
  /** USD-M futures. */
  readonly futures: {
    /** High-frequency public data: depth, bookTicker (`/public` base path since 2026-04-23). */
    readonly websocketPublicUrl: string;
    /** Market data: markPrice, ticker, klines (`/market` base path since 2026-04-23). */
    readonly websocketMarketUrl: string;
    readonly restUrl: string;
  };
  readonly connection: ConnectionSettings;
}

declare module '../../../shared/config/exchanges-schema' {
  interface ExchangesConfig {
    readonly binance: BinanceConfig;
  }
}

const exchangeSchema = z
  .object({
    enabled: z.boolean(),
    spot: z.object({ websocket_url: wsUrl, rest_url: httpUrl }).strict(),
    futures: z
      .object({ websocket_public_url: wsUrl, websocket_market_url: wsUrl, rest_url: httpUrl })
      .strict(),
    connection: connectionSchema,
  })
  .strict()
  .transform(
    (b): BinanceConfig => ({
      enabled: b.enabled,
      spot: { websocketUrl: b.spot.websocket_url, restUrl: b.spot.rest_url },
      futures: {
        websocketPublicUrl: b.futures.websocket_public_url,
        websocketMarketUrl: b.futures.websocket_market_url,
        restUrl: b.futures.rest_url,
      },
      connection: b.connection,
    }),
  );

const listingSchema = z
  .object({
    ...listingFields,
    // USD-M quarterlies are BTCUSDT_261225 (delivery day).
    symbol: z.string().regex(/^[A-Z0-9]+(?:_[0-9]{6})?$/, 'expected a Binance symbol such as BTCUSDT or BTCUSDT_261225'),
    // `diff`: <symbol>@depth@100ms synced to a REST snapshot; `partial20`: <symbol>@depth20@100ms, top 20, no resync.
    depth_stream: z.enum(['diff', 'partial20']).optional(),
  })
  .strict();

/**
 * Binance's part of the config: the `binance:` block of exchanges.yaml and
 * `venues.binance` in instruments.yaml. Spot instruments are `binance-spot`,
 * perpetuals and dated futures `binance-usdm`: separate services, separate
 * books and sequence numbers.
 */
export const binanceConfig: VenueConfigPlugin = {
  exchange: 'binance',
  venueIds: { spot: BINANCE_VENUE_IDS.spot, perpetual: BINANCE_VENUE_IDS.usdm, future: BINANCE_VENUE_IDS.usdm },
  exchangeSchema,
  listingSchema,
  defaultDepthStream: 'diff',
  summary: {
    block(block) {
      const b = block as BinanceConfig;
      return [`spot ${b.spot.websocketUrl}`, `usdm ${b.futures.websocketPublicUrl} + ${b.futures.websocketMarketUrl}`];
    },
    listing: (l) => `${l.symbol} (${l.depthStream}${l.tier ? `, ${l.tier}` : ''})`,
  },
  simulatorBlock(base, endpoint) {
    const spot = endpoint(BINANCE_VENUE_IDS.spot);
    const usdm = endpoint(BINANCE_VENUE_IDS.usdm);
    const block: BinanceConfig = {
      ...(base as BinanceConfig),
      enabled: true,
      spot: { websocketUrl: spot.ws, restUrl: spot.http },
      futures: { websocketPublicUrl: `${usdm.ws}/public`, websocketMarketUrl: `${usdm.ws}/market`, restUrl: usdm.http },
    };
    return block;
  },
};
