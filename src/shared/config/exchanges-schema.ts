import { z } from 'zod';
import type { ExchangeBlock, VenueConfigPlugin } from './venue-config';

export { connectionSchema, DEFAULT_REST_WEIGHT_SHARE, type ConnectionSettings } from './connection-schema';

/**
 * exchanges.yaml after validation: one block per venue plug-in, keyed by
 * its exchange. Empty here on purpose: each venue's config module adds its
 * key by declaration merging (`declare module ... { interface
 * ExchangesConfig { readonly okx: OkxConfig } }`), so the pure layer names
 * no venue and code that knows a venue still reads its block typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging from each venue's folder
export interface ExchangesConfig {}

/** The blocks of a validated exchanges.yaml as the venue-blind fields every block has, by exchange key. */
export function exchangeBlocks(exchanges: ExchangesConfig): ReadonlyMap<string, ExchangeBlock> {
  // Every key is a plug-in's block (exchangesSchemaOf made them); the interface is only known as merged.
  return new Map(Object.entries(exchanges as unknown as Readonly<Record<string, ExchangeBlock>>));
}

/** Schema of exchanges.yaml (snake_case in, camelCase out): each plug-in's block under its key, nothing else. */
export function exchangesSchemaOf(plugins: readonly VenueConfigPlugin[]) {
  return z
    .object(Object.fromEntries(plugins.map((p) => [p.exchange, p.exchangeSchema])))
    .strict()
    // The object holds exactly the plug-ins' blocks, each of its own type: what the merged interface says.
    .transform((e) => e as unknown as ExchangesConfig);
}
