import { z } from 'zod';
import { connectionSchema, listingFields, type ConnectionSettings, type VenueConfigPlugin } from '../../../shared/config';
import { httpUrl, wsUrl } from '../../../shared/config/schema-parts';
import { OKX_VENUE_ID } from './instruments';

/** OKX serves spot and swaps from one public socket. */
export interface OkxConfig {
  readonly enabled: boolean;
  readonly websocketPublicUrl: string;
  readonly restUrl: string;
  readonly connection: ConnectionSettings;
}

declare module '../../../shared/config/exchanges-schema' {
  interface ExchangesConfig {
    readonly okx: OkxConfig;
  }
}

const exchangeSchema = z
  .object({
    enabled: z.boolean(),
    websocket_public_url: wsUrl,
    rest_url: httpUrl,
    connection: connectionSchema,
  })
  .strict()
  .transform(
    (o): OkxConfig => ({
      enabled: o.enabled,
      websocketPublicUrl: o.websocket_public_url,
      restUrl: o.rest_url,
      connection: o.connection,
    }),
  );

const listingSchema = z
  .object({
    ...listingFields,
    symbol: z.string().regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)+$/, 'expected an OKX instId such as BTC-USDT-SWAP'),
  })
  .strict();

/**
 * OKX's part of the config: the `okx:` block of exchanges.yaml and
 * `venues.okx` in instruments.yaml. One venue for spot, swaps and futures.
 */
export const okxConfig: VenueConfigPlugin = {
  exchange: 'okx',
  venueIds: { spot: OKX_VENUE_ID, perpetual: OKX_VENUE_ID, future: OKX_VENUE_ID },
  exchangeSchema,
  listingSchema,
  // One incremental channel (`books`); discovery may set partial20 (`books5`) for the long tail.
  defaultDepthStream: null,
  checkListing(type, listing, issue) {
    if (type === 'spot' && listing.symbol.endsWith('-SWAP')) issue(['symbol'], 'a -SWAP instId is a perpetual, not spot');
    if (type !== 'perpetual') return;
    if (!listing.symbol.endsWith('-SWAP')) issue(['symbol'], 'expected an OKX swap instId ending in -SWAP');
    // OKX publishes the index under its own instId, so it cannot be derived from the swap symbol safely.
    if (listing.index === undefined) issue(['index'], 'missing required key (the index instId, e.g. BTC-USDT)');
  },
  summary: {
    block: (block) => [(block as OkxConfig).websocketPublicUrl],
    listing(l) {
      // books5 is what the partial stream is called on OKX.
      const parts = [l.depthStream === 'partial20' ? 'books5' : null, l.tier ?? null].filter(Boolean);
      return `${l.symbol}${l.index ? ` index ${l.index}` : ''}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
    },
  },
  simulatorBlock(base, endpoint) {
    const okx = endpoint(OKX_VENUE_ID);
    const block: OkxConfig = { ...(base as OkxConfig), enabled: true, websocketPublicUrl: `${okx.ws}/ws/v5/public`, restUrl: okx.http };
    return block;
  },
};
