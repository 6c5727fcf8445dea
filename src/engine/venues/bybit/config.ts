import { z } from 'zod';
import { connectionSchema, listingFields, type VenueConfigPlugin } from '../../../shared/config';
import { httpUrl, wsUrl } from '../../../shared/config/schema-parts';
import type { BybitConfig } from './bybit-feed';
import { bybitBookSymbol, BYBIT_VENUE_ID } from './instruments';

declare module '../../../shared/config/exchanges-schema' {
  interface ExchangesConfig {
    readonly bybit: BybitConfig;
  }
}

const exchangeSchema = z
  .object({
    enabled: z.boolean(),
    // One public socket per category: https://bybit-exchange.github.io/docs/v5/ws/connect
    websocket_spot_url: wsUrl,
    websocket_linear_url: wsUrl,
    websocket_inverse_url: wsUrl,
    rest_url: httpUrl,
    connection: connectionSchema,
  })
  .strict()
  .transform(
    (b): BybitConfig => ({
      enabled: b.enabled,
      websocketUrls: { spot: b.websocket_spot_url, linear: b.websocket_linear_url, inverse: b.websocket_inverse_url },
      restUrl: b.rest_url,
      connection: b.connection,
    }),
  );

const listingSchema = z
  .object({
    ...listingFields,
    // BTCUSDT (spot or USDT perpetual), BTCPERP (USDC perpetual), BTCUSD (inverse), BTCUSDT-26DEC25 / BTC-26DEC25 (futures).
    symbol: z.string().regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)?$/, 'expected a Bybit symbol such as BTCUSDT'),
  })
  .strict();

/**
 * Bybit's part of the config: the `bybit:` block of exchanges.yaml and
 * `venues.bybit` in instruments.yaml. One venue id for its three categories
 * (the capture format's `bybit`); a spot pair's book is `<symbol>-SPOT`
 * (instruments.ts `bybitBookSymbol`).
 */
export const bybitConfig: VenueConfigPlugin = {
  exchange: 'bybit',
  venueIds: { spot: BYBIT_VENUE_ID, perpetual: BYBIT_VENUE_ID, future: BYBIT_VENUE_ID },
  exchangeSchema,
  listingSchema,
  defaultDepthStream: 'diff',
  // Without it a spot listing would subscribe the linear perpetual of the same name.
  bookSymbol: (type, symbol) => (type === 'spot' ? bybitBookSymbol('spot', symbol) : symbol),
  checkListing(type, listing, issue) {
    if (listing.symbol.endsWith('-SPOT')) issue(['symbol'], 'write the Bybit symbol itself (BTCUSDT); the console names the spot book BTCUSDT-SPOT');
    if (type === 'spot' && listing.index !== undefined) issue(['index'], 'a spot pair has no index');
  },
  summary: {
    block: (block) => [`ws ${(block as BybitConfig).websocketUrls.linear.replace(/\/linear$/, '/{spot,linear,inverse}')}`, `rest ${(block as BybitConfig).restUrl}`],
    listing: (listing) => `${listing.symbol}${listing.depthStream === 'partial20' ? ' (50 levels)' : ''}`,
  },
  simulatorBlock(base, endpoint) {
    const sim = endpoint(BYBIT_VENUE_ID);
    const block: BybitConfig = {
      ...(base as BybitConfig),
      enabled: true,
      websocketUrls: { spot: `${sim.ws}/v5/public/spot`, linear: `${sim.ws}/v5/public/linear`, inverse: `${sim.ws}/v5/public/inverse` },
      restUrl: sim.http,
    };
    return block;
  },
};
