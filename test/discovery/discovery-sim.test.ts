import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { LiveSelection } from '../../src/engine/live/live-selection';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import type { Config, SelectionRule } from '../../src/shared/config';
import { SHIPPED_CONFIG } from '../config/helpers';

// Discovery end to end against the real simulator over loopback HTTP: its
// exchangeInfo, public/instruments and 24 h ticker routes, as the venues serve them.

const BASE = loadConfig(SHIPPED_CONFIG);
const servers: SimServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function sim(extraAssets: number, ports?: Record<string, number>): Promise<SimServer> {
  const server = await startSimServer({ scenario: 'calm', extraAssets, alerts: BASE.alerts, staleTimeoutMs: 5_000, ...(ports ? { ports } : {}) });
  servers.push(server);
  return server;
}

const rule = (r: Partial<SelectionRule> & Pick<SelectionRule, 'venue' | 'type'>): SelectionRule => ({
  quotes: ['USDT'],
  minVolume24hUsd: 0,
  exclude: [],
  maxInstruments: null,
  depth: 'auto',
  ...r,
});

function wholeMarket(server: SimServer, rules: SelectionRule[]): Config {
  return {
    ...BASE,
    exchanges: server.exchangesConfig(BASE.exchanges),
    instruments: {},
    selection: { rules, refreshMinutes: 15 },
  };
}

const ALL: SelectionRule[] = [
  rule({ venue: 'binance-usdm', type: 'perpetual' }),
  rule({ venue: 'binance-spot', type: 'spot' }),
  rule({ venue: 'okx', type: 'perpetual' }),
  rule({ venue: 'okx', type: 'spot' }),
];

describe('discovery on the simulator', () => {
  it('selects every listing of every venue, one id per instrument across venues, paired and tiered', async () => {
    const server = await sim(30);
    const lines: string[] = [];
    const selection = await LiveSelection.start(wholeMarket(server, ALL), { log: (l) => lines.push(l) });
    const { listings } = selection.selection!;
    // 32 assets x 4 listings (Binance spot and USD-M, OKX spot and swap).
    expect(listings).toHaveLength(128);
    expect(selection.failedVenues).toEqual([]);
    const { instruments } = selection.config;
    expect(Object.keys(instruments)).toHaveLength(64);
    for (const inst of Object.values(instruments)) {
      expect(Object.keys(inst.venues).sort()).toEqual(['binance', 'okx']);
      if (inst.type === 'perpetual') {
        expect(inst.spot).toBe(`${inst.base}-USDT-SPOT`);
        expect(inst.venues.okx!.index).toBe(`${inst.base}-USDT`);
      }
    }
    expect(instruments['ETH-USDT-PERP']!.venues.okx!.contractValue).toBe(0.1);
    // Tiers from the simulator's 24 h volumes: BTC's perp tops the market, the tail is long.
    expect(instruments['BTC-USDT-PERP']!.venues.binance!.tier).toBe('major');
    const tiers = new Set(listings.map((l) => l.tier));
    expect(tiers).toEqual(new Set(['major', 'liquid', 'long_tail']));
    // depth: auto gives the long tail the partial book on Binance.
    const tail = listings.find((l) => l.tier === 'long_tail' && l.venue === 'binance-usdm')!;
    expect(instruments[tail.id]!.venues.binance!.depthStream).toBe('partial20');
    expect(lines.some((l) => l.startsWith('discovery: 128 listings by rule'))).toBe(true);
  });

  it('a volume floor and max_instruments cut the tail', async () => {
    const server = await sim(30);
    const selection = await LiveSelection.start(wholeMarket(server, [rule({ venue: 'binance-usdm', type: 'perpetual', minVolume24hUsd: 20e6, maxInstruments: 5 })]));
    const chosen = selection.selection!.listings;
    expect(chosen.map((l) => l.symbol).slice(0, 2)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(chosen.length).toBeLessThanOrEqual(5);
    expect(chosen.every((l) => (l.volume24hUsd ?? 0) >= 20e6)).toBe(true);
  });

  it('a listing on refresh becomes a listed change, and its going away a delisting; an unreachable venue is said, not hidden', async () => {
    const first = await sim(4);
    const ports = Object.fromEntries(Object.entries(first.urls).map(([venue, u]) => [venue, u.port]));
    const config = wholeMarket(first, [rule({ venue: 'binance-usdm', type: 'perpetual' })]);
    const lines: string[] = [];
    const selection = await LiveSelection.start(config, { log: (l) => lines.push(l), attempts: 1, retryDelayMs: 50 });
    expect(selection.selection!.listings).toHaveLength(6);

    // The exchange lists one more asset: same addresses, a seventh perpetual.
    await servers.shift()!.close();
    const second = await sim(5, ports);
    const added = await selection.refresh(null);
    const newPerp = second.market.instrumentsOf('binance-usdm').at(-1)!;
    expect(added).toEqual([
      { kind: 'listed', key: `binance-usdm:${newPerp.symbol}`, venue: 'binance-usdm', symbol: newPerp.symbol, id: newPerp.id, venueStatus: 'TRADING', handListed: false },
    ]);
    expect(selection.config.instruments[newPerp.id]).toBeDefined();
    expect(lines.at(-1)).toMatch(new RegExp(`binance-usdm discovery: listed ${newPerp.symbol} \\(${newPerp.id}\\)$`));

    // And takes it away again.
    await servers.shift()!.close();
    await sim(4, ports);
    const removed = await selection.refresh(null);
    expect(removed.map((c) => [c.kind, c.symbol, c.venueStatus])).toEqual([['delisted', newPerp.symbol, null]]);
    expect(selection.config.instruments[newPerp.id]).toBeUndefined();

    // The REST API goes away: loud, and nothing is delisted for it.
    await servers.shift()!.close();
    const none = await selection.refresh(null);
    expect(none).toEqual([]);
    expect(selection.failedVenues).toEqual(['binance-usdm']);
    expect(lines.at(-1)).toMatch(/binance-usdm discovery: NO LISTINGS, its select: rules chose nothing: .*exchangeInfo/);
    expect(Object.keys(selection.config.instruments)).toHaveLength(6);
  });
});

describe('tiers by resting depth through LiveSelection', () => {
  it('start places a listing by its observed depth; a refresh keeps it within the hysteresis and demotes it past it', async () => {
    const server = await sim(3);
    // Volume bars no simulated listing reaches: depth alone decides.
    const tiers = [
      { name: 'major', minVolume24hUsd: 1e15, depth: 'full' as const, minDepthUsd: 1e6, depthBandBps: 10 },
      { name: 'liquid', minVolume24hUsd: 1e14, depth: 'full' as const, minDepthUsd: 1e5, depthBandBps: 10 },
      { name: 'long_tail', minVolume24hUsd: 0, depth: 'partial' as const, minDepthUsd: null, depthBandBps: 10 },
    ];
    const config = { ...wholeMarket(server, [rule({ venue: 'binance-usdm', type: 'perpetual' })]), alerts: { ...BASE.alerts, tiers } };
    const depths = new Map<string, number>();
    const selection = await LiveSelection.start(config, { restingDepth: (key, band) => (band === 10 ? (depths.get(key) ?? null) : null) });
    const tierOf = (key: string) => selection.selection!.listings.find((l) => l.key === key)!;
    const key = selection.selection!.listings[0]!.key;
    expect(tierOf(key)).toMatchObject({ tier: 'long_tail', tierBy: 'volume' });

    const again = await LiveSelection.start(config, { restingDepth: () => 2e6 });
    expect(again.selection!.listings.every((l) => l.tier === 'major' && l.tierBy === 'depth')).toBe(true);

    depths.set(key, 2e6);
    await selection.refresh(null);
    expect(tierOf(key)).toMatchObject({ tier: 'major', tierBy: 'depth' });
    depths.set(key, 0.9e6);
    await selection.refresh(null);
    expect(tierOf(key)).toMatchObject({ tier: 'major', tierBy: 'kept' });
    depths.set(key, 0.5e6);
    await selection.refresh(null);
    expect(tierOf(key)).toMatchObject({ tier: 'liquid', tierBy: 'depth' });
  });
});
