import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import type { ShownEvaluation } from '../../src/engine/workers/ui-evaluation';
import { LiveSelection } from '../../src/engine/live/live-selection';
import { startSimServer } from '../../src/engine/simulator';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryFeedEvents } from '../../src/engine/storage/history-queries';
import { EngineHost } from '../../src/engine/workers/engine-host';
import { resolveRules, type Config } from '../../src/shared/config';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';

// The real engine (feed and analytics workers) on the real simulator: a
// listing moved to another tier by a refresh, with its subscription
// unchanged, is judged by the new tier's rules without a worker restart.

const BASE = loadConfig(SHIPPED_CONFIG);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The selection's config with one listing's tier set to `tier`. */
function withTier(config: Config, key: string, tier: string): Config {
  const instruments = Object.fromEntries(
    Object.entries(config.instruments).map(([id, instrument]) => {
      const venues = Object.fromEntries(Object.entries(instrument.venues).map(([exchange, listing]) => [exchange, listing && `binance-usdm:${listing.symbol}` === key ? { ...listing, tier } : listing]));
      return [id, { ...instrument, venues }];
    }),
  );
  return { ...config, instruments } as Config;
}

const threshold = (e: ShownEvaluation | undefined, rule: string): number | undefined => e?.rules.find((r) => r.rule === rule)?.threshold;

describe('the live engine when a listing moves tier', () => {
  it('judges it by the new tier from its next boundaries, without restarting its feed', { timeout: 90_000 }, async () => {
    const server = await startSimServer({ scenario: 'calm', extraAssets: 2, alerts: BASE.alerts, staleTimeoutMs: 5_000 });
    cleanups.push(() => server.close());
    const config: Config = {
      ...BASE,
      exchanges: server.exchangesConfig(BASE.exchanges),
      instruments: {},
      selection: { rules: [{ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], minVolume24hUsd: 0, exclude: [], maxInstruments: null, depth: 'auto' }], refreshMinutes: 15 },
    };
    const selection = await LiveSelection.start(config, { log: () => {}, retryDelayMs: 50 });
    // major and liquid both take full books: moving between them changes rules, not the subscription.
    // The thresholds each tier gives the instrument, as the config resolves them (its own profile merged over the tier's).
    const spreadOf = (id: string, tier: string) => resolveRules(config.alerts, id, 'perpetual', tier).find((r) => r.name === 'spread_warning')!.threshold;
    const listing = selection.selection!.listings.find((l) => (l.tier === 'major' || l.tier === 'liquid') && spreadOf(l.id, 'major') !== spreadOf(l.id, 'liquid'))!;
    expect(listing).toBeDefined();
    const to = listing.tier === 'major' ? 'liquid' : 'major';
    const dir = mkdtempSync(join(tmpdir(), 'surveil-tier-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'history.sqlite');
    const evaluations = new Map<string, ShownEvaluation>();
    const host = new EngineHost({ config: selection.config, dbPath, listener: { onEvaluations: (items) => items.forEach((e) => evaluations.set(e.sample.key, e)) } });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await host.stop();
    });
    host.start();
    await waitFor(() => threshold(evaluations.get(listing.key), 'spread_warning') === spreadOf(listing.id, listing.tier!), `${listing.key} judged as ${listing.tier}`, 30_000);

    const restarted = await host.resubscribe(withTier(selection.config, listing.key, to), new Map());
    expect(restarted).toEqual([]);
    await waitFor(() => threshold(evaluations.get(listing.key), 'spread_warning') === spreadOf(listing.id, to), `${listing.key} judged as ${to}`, 15_000);
    expect(evaluations.get(listing.key)!.sample.health.bookValid).toBe(true);

    await host.stop();
    stopped = true;
    const db = openHistoryDb(dbPath);
    try {
      expect(queryFeedEvents(db, {}).filter((e) => e.kind === 'worker_restart')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
