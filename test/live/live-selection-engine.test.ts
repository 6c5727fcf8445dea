import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { LiveSelection } from '../../src/engine/live/live-selection';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryFeedEvents } from '../../src/engine/storage/history-queries';
import { EngineHost } from '../../src/engine/workers/engine-host';
import type { Config } from '../../src/shared/config';
import type { ShownEvaluation } from '../../src/engine/workers/ui-evaluation';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';

// The real engine (feed and analytics workers, SQLite history) on the real
// simulator, running what a select: rule resolved to, then a listing that
// appears on refresh: subscribed by a planned restart of that venue's worker,
// stored as a feed event, its book valid like the others.

const BASE = loadConfig(SHIPPED_CONFIG);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sim(extraAssets: number, ports?: Record<string, number>): Promise<SimServer> {
  const server = await startSimServer({ scenario: 'calm', extraAssets, alerts: BASE.alerts, staleTimeoutMs: 5_000, ...(ports ? { ports } : {}) });
  let closed = false;
  const closeOnce = server.close.bind(server);
  const close = async () => {
    if (!closed) await closeOnce();
    closed = true;
  };
  cleanups.push(close);
  return Object.assign(server, { close });
}

describe('the live engine on a rule-selected set', () => {
  // Two simulators and two engine starts on a loaded two-core machine: a generous limit, not a speed claim.
  it('runs every selected book by its tier, and subscribes a new listing found on refresh', { timeout: 120_000 }, async () => {
    const first = await sim(2);
    const ports = Object.fromEntries(Object.entries(first.urls).map(([venue, u]) => [venue, u.port]));
    const config: Config = {
      ...BASE,
      exchanges: first.exchangesConfig(BASE.exchanges),
      instruments: {},
      selection: { rules: [{ venue: 'binance-usdm', type: 'perpetual', quotes: ['USDT'], minVolume24hUsd: 0, exclude: [], maxInstruments: null, depth: 'auto' }], refreshMinutes: 15 },
    };
    const lines: string[] = [];
    const selection = await LiveSelection.start(config, { log: (l) => lines.push(l), retryDelayMs: 50 });
    const keys = selection.selection!.listings.map((l) => l.key);
    expect(keys).toHaveLength(4);

    const dir = mkdtempSync(join(tmpdir(), 'surveil-selection-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'history.sqlite');
    const evaluations = new Map<string, ShownEvaluation>();
    const host = new EngineHost({ config: selection.config, dbPath, listener: { onEvaluations: (items) => items.forEach((e) => evaluations.set(e.sample.key, e)) } });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await host.stop();
    });
    host.start();
    expect(host.venues).toEqual(['binance-usdm']);
    const valid = (key: string) => evaluations.get(key)?.sample.health.bookValid === true;
    await waitFor(() => keys.every(valid), 'every selected book valid', 30_000);

    // Judged by tier in the analytics worker: the long tail's per-side 50 bps depth rules, the majors' 10 bps one.
    const tail = selection.selection!.listings.find((l) => l.tier === 'long_tail')!;
    expect(evaluations.get(tail.key)!.rules.map((r) => r.rule)).toContain('depth_ask_warning');
    expect(evaluations.get('binance-usdm:BTCUSDT')!.rules.map((r) => r.rule)).not.toContain('depth_ask_warning');

    // The venue lists one more perpetual at the same addresses.
    await first.close();
    const second = await sim(3, ports);
    const listed = second.market.instrumentsOf('binance-usdm').at(-1)!;
    const changes = await selection.refresh(host);
    expect(changes.map((c) => [c.kind, c.symbol])).toEqual([['listed', listed.symbol]]);
    await waitFor(() => valid(`binance-usdm:${listed.symbol}`), `the new listing ${listed.symbol} valid`, 30_000);
    await waitFor(() => keys.every(valid), 'the others valid again after the worker restart', 30_000);

    await host.stop();
    stopped = true;
    const db = openHistoryDb(dbPath);
    try {
      const events = queryFeedEvents(db, {}).filter((e) => e.kind === 'worker_restart');
      expect(events.map((e) => e.detail)).toContain(`instrument selection: listed ${listed.symbol} (${listed.id})`);
    } finally {
      db.close();
    }
    expect(lines.some((l) => l.endsWith(`binance-usdm discovery: listed ${listed.symbol} (${listed.id})`))).toBe(true);
  });
});
