import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/engine/config';
import { loadConfig } from '../../src/engine/config/load-config';
import {
  CONFIG_SCHEMAS,
  EXCHANGE_NAMES,
  exchangeOf,
  guessInstrument,
  knownVenueIds,
  knownVenues,
  ownExchangeBlock,
  simulatorExchanges,
  venueConfigPlugins,
  venueIdOf,
} from '../../src/engine/venues/registry';
import { exchangeBlocks } from '../../src/shared/config';
import { SHIPPED_CONFIG } from '../config/helpers';

/** The shipped YAML documents as written (snake_case), before any schema. */
function shippedDocument(file: string): Record<string, unknown> {
  return parseYamlSource(readFileSync(join(SHIPPED_CONFIG, file), 'utf8')).data as Record<string, unknown>;
}

/** Every string in a value that looks like a URL. */
function urlsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('://') ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(urlsIn);
}

describe('venue plug-ins, from the registry', () => {
  const exchanges = shippedDocument('exchanges.yaml');
  const instruments = shippedDocument('instruments.yaml');

  /** Listings of venues the shipped instruments.yaml does not use yet, as docs/adding-a-venue.md writes them. */
  const UNLISTED_SAMPLES: Readonly<Record<string, unknown>> = { bybit: { symbol: 'BTCUSDT' }, binancecoinm: { symbol: 'ETCUSD_PERP' } };

  it('every venue supplies its config part: exchange key, schemas, venue ids per type, summary, simulator block', () => {
    expect(knownVenues().length).toBeGreaterThanOrEqual(3);
    for (const venue of knownVenues()) {
      const plugin = venue.config;
      expect(plugin.exchange, venue.id).toMatch(/^[a-z][a-z0-9]*$/);
      // Its ids per type include itself, and the registry maps them back.
      expect(Object.values(plugin.venueIds), venue.id).toContain(venue.id);
      for (const type of ['spot', 'perpetual', 'future'] as const) expect(venueIdOf(plugin.exchange, type)).toBe(plugin.venueIds[type]);
      // The exchange of its spot legs: its own unless it names another (COIN-M: Binance).
      expect(exchangeOf(venue.id)).toBe(plugin.spotExchange ?? plugin.exchange);

      // Its exchanges.yaml schema reads the shipped block, and refuses a key it does not know.
      const block = exchanges[plugin.exchange];
      const parsed = plugin.exchangeSchema.safeParse(block);
      expect(parsed.success, `${plugin.exchange} block`).toBe(true);
      expect(parsed.data).toMatchObject({ enabled: true, connection: { rateLimitPerSecond: expect.any(Number) } });
      expect(plugin.exchangeSchema.safeParse({ ...(block as object), surplus: 1 }).success).toBe(false);
      expect(plugin.summary.block(parsed.data!).length).toBeGreaterThan(0);

      // Its listing schema reads every shipped listing under its key, and refuses a key it does not know.
      const listings = Object.values(instruments)
        .map((inst) => (inst as { venues?: Record<string, unknown> }).venues?.[plugin.exchange])
        .filter((l) => l !== undefined);
      // A venue the shipped instruments.yaml does not list yet (Bybit) is checked on a listing as its docs write one.
      const unlisted = UNLISTED_SAMPLES[plugin.exchange];
      expect(listings.length > 0 || unlisted !== undefined, `${plugin.exchange} listings in instruments.yaml`).toBe(true);
      for (const listing of listings.length > 0 ? listings : [unlisted]) {
        expect(plugin.listingSchema.safeParse(listing).success).toBe(true);
        expect(plugin.listingSchema.safeParse({ ...(listing as object), surplus: 1 }).success).toBe(false);
      }
      expect(typeof plugin.simulatorBlock).toBe('function');
    }
  });

  it('the composed schemas have exactly the plug-ins\' keys and venue ids', () => {
    const plugins = venueConfigPlugins();
    expect(EXCHANGE_NAMES).toEqual(plugins.map((p) => p.exchange));
    expect(Object.keys(exchanges).sort()).toEqual([...EXCHANGE_NAMES].sort());
    expect([...CONFIG_SCHEMAS.venueIds].sort()).toEqual(knownVenueIds().sort());
    expect(CONFIG_SCHEMAS.exchanges.safeParse(exchanges).success).toBe(true);
    const extra = CONFIG_SCHEMAS.exchanges.safeParse({ ...exchanges, kraken: exchanges[EXCHANGE_NAMES[0]!] });
    expect(extra.success).toBe(false);
    expect(extra.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['kraken'] });
  });

  it('every venue guesses a replayed symbol it has no metadata for, as before the plug-ins', () => {
    for (const venue of knownVenues()) expect(venue.guessInstrument('ABC-DEF-SWAP').venue).toBe(venue.id);
    expect(guessInstrument('binance-spot', 'BTCUSDT')).toMatchObject({ id: 'BTCUSDT', type: 'spot', contractKind: 'spot', contractValue: 1 });
    expect(guessInstrument('binance-usdm', 'BTCUSDT')).toMatchObject({ id: 'BTCUSDT', type: 'perpetual', contractKind: 'linear' });
    expect(guessInstrument('okx', 'BTC-USDT')).toMatchObject({ id: 'BTC-USDT-SPOT', type: 'spot', base: 'BTC', quote: 'USDT' });
    expect(guessInstrument('okx', 'BTC-USDT-SWAP')).toMatchObject({ id: 'BTC-USDT-PERP', type: 'perpetual' });
    expect(guessInstrument('okx', 'BTC-USD-250627')).toMatchObject({ id: 'BTC-USD-250627', type: 'future' });
    expect(Number.isNaN(guessInstrument('okx', 'BTC-USDT').tickSize)).toBe(true);
  });

  it('each venue points its own block at a simulator: every URL replaced, connection settings kept', () => {
    const base = loadConfig(SHIPPED_CONFIG).exchanges;
    const endpoint = (venue: string) => ({ ws: `ws://127.0.0.1:1/${venue}`, http: `http://127.0.0.1:1/${venue}` });
    const simulated = exchangeBlocks(simulatorExchanges(base, endpoint));
    for (const plugin of venueConfigPlugins()) {
      const block = simulated.get(plugin.exchange)!;
      const ids = new Set(Object.values(plugin.venueIds));
      const urls = urlsIn(block);
      expect(urls.length, plugin.exchange).toBeGreaterThan(0);
      for (const url of urls) expect([...ids].some((id) => url.startsWith(`ws://127.0.0.1:1/${id}`) || url.startsWith(`http://127.0.0.1:1/${id}`)), url).toBe(true);
      expect(block.enabled).toBe(true);
      expect(block.connection).toEqual(exchangeBlocks(base).get(plugin.exchange)!.connection);
    }
    // An exchange the simulator does not serve is disabled, not left dialling the real venue.
    const partial = exchangeBlocks(simulatorExchanges(base, (venue) => (venue === knownVenueIds()[0] ? endpoint(venue) : undefined)));
    const other = venueConfigPlugins().find((p) => !Object.values(p.venueIds).includes(knownVenueIds()[0]!))!;
    expect(partial.get(other.exchange)!.enabled).toBe(false);
  });

  it('a feed is given its own exchange\'s block and no other', () => {
    const config = loadConfig(SHIPPED_CONFIG).exchanges;
    for (const venue of knownVenues()) {
      const own = ownExchangeBlock(venue.id, config);
      expect(Object.keys(own)).toEqual([venue.config.exchange]);
      expect(exchangeBlocks(own as typeof config).get(venue.config.exchange)).toEqual(exchangeBlocks(config).get(venue.config.exchange));
    }
    expect(() => ownExchangeBlock('kraken', config)).toThrow(/unknown venue kraken/);
  });
});
