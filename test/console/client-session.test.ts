import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { MAX_INTEREST_KEYS, SUMMARY_METRICS, type ConsoleEvent, type RowSummary } from '../../src/shared/contract';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';
import { ApiClient, cleanupDirs, fakeRenderer } from './helpers';

/**
 * Per-client coalescing over the real WebSocket API, engine and simulator
 * (52 instruments): a client that declared what it shows gets full rows for
 * those keys only and summaries for the rest; one that did not gets every row.
 */
let running: RunningConsole;
let focused: ApiClient;
let everything: ApiClient;
/** Two instruments that have reported: the first the focused client shows, then the other. */
let WATCHED: string;
let OTHER: string;

beforeAll(async () => {
  running = await runConsole({ config: loadConfig(SHIPPED_CONFIG), demo: 'calm', extraAssets: 11, port: 0, rendererDir: fakeRenderer().root });
  const url = `ws://127.0.0.1:${running.web.port}/api`;
  [focused, everything] = await Promise.all([ApiClient.connect(url), ApiClient.connect(url)]);
  await waitFor(() => everything.rows.size >= 20, 'rows on the plain client', 45_000);
  // The two instruments updated most often so far: a live one for each role.
  const updates = new Map<string, number>();
  for (const e of everything.events) if (e.type === 'overview') for (const r of e.rows) updates.set(r.key, (updates.get(r.key) ?? 0) + 1);
  [WATCHED, OTHER] = [...updates.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key) as [string, string];
}, 90_000);

afterAll(async () => {
  focused?.close();
  everything?.close();
  await running?.stop();
  cleanupDirs();
});

const eventsOf = <T extends ConsoleEvent['type']>(client: ApiClient, type: T, from = 0) =>
  client.events.slice(from).filter((e): e is Extract<ConsoleEvent, { type: T }> => e.type === type);

describe('client sessions: traffic bounded to what the client shows', () => {
  it('answers a snapshot with full rows of interest and every other instrument in brief', async () => {
    expect(await focused.call('setInterest', { keys: [WATCHED] })).toBeNull();
    const snapshot = await focused.call('snapshot');
    expect(snapshot.overview.map((r) => r.key)).toEqual([WATCHED]);
    const brief = snapshot.summary ?? [];
    expect(brief.length).toBeGreaterThanOrEqual(everything.rows.size - 1 - 4);
    expect(brief.some((s) => s.key === WATCHED)).toBe(false);
    const other = brief.find((s) => s.key === OTHER)!;
    expect(other.instrumentId).toBe(everything.rows.get(OTHER)!.instrumentId);
    expect(other.values.length).toBe(SUMMARY_METRICS.length);
    // Rounded to 4 significant digits: a spread of 1.23456 bp arrives as 1.235.
    for (const value of brief.flatMap((s) => s.values)) if (value !== null) expect(Number(value.toPrecision(4))).toBe(value);
  });

  it('then streams full rows only for its keys, summaries only for the others, feeds without symbol lists', async () => {
    const from = focused.events.length;
    await waitFor(() => eventsOf(focused, 'summary', from).length >= 2 && eventsOf(focused, 'feeds', from).length >= 1, 'two summaries and a feed view', 15_000);
    const full = eventsOf(focused, 'overview', from).flatMap((e) => e.rows);
    expect(full.length).toBeGreaterThan(0);
    expect(new Set(full.map((r) => r.key))).toEqual(new Set([WATCHED]));
    const brief: RowSummary[] = eventsOf(focused, 'summary', from).flatMap((e) => e.rows);
    expect(brief.some((s) => s.key === WATCHED)).toBe(false);
    const connections = eventsOf(focused, 'feeds', from).flatMap((e) => e.feeds.flatMap((f) => f.connections));
    expect(connections.every((c) => c.symbols.length === 0 && typeof c.symbolCount === 'number')).toBe(true);
    expect(connections.reduce((n, c) => n + (c.symbolCount ?? 0), 0)).toBeGreaterThan(0);
    // The plain client still gets other instruments in full, with their symbols.
    const plain = eventsOf(everything, 'overview').flatMap((e) => e.rows);
    expect(new Set(plain.map((r) => r.key)).size).toBeGreaterThan(brief.length > 0 ? 1 : 0);
    expect(plain.some((r) => r.key !== WATCHED && r.rules.length > 0)).toBe(true);
    expect(eventsOf(everything, 'feeds').some((e) => e.feeds.some((f) => f.connections.some((c) => c.symbols.length > 0)))).toBe(true);
  });

  it('sends a key that becomes interesting in full at once, and stops sending the one it left', async () => {
    const from = focused.events.length;
    await focused.call('setInterest', { keys: [OTHER] });
    const first = eventsOf(focused, 'overview', from)[0];
    expect(first?.rows.map((r) => r.key)).toEqual([OTHER]);
    const next = focused.events.length;
    await waitFor(() => eventsOf(focused, 'summary', next).some((e) => e.rows.some((s) => s.key === WATCHED)), 'the left key in a summary', 15_000);
    expect(eventsOf(focused, 'overview', next).flatMap((e) => e.rows).every((r) => r.key === OTHER)).toBe(true);
  });

  it('refuses an interest that is not a list of keys, or too long a one', async () => {
    await expect(focused.call('setInterest', { keys: ['no key'] })).rejects.toThrow(/setInterest: 0\.keys\.0: expected venue:symbol/);
    await expect(focused.call('setInterest', { keys: [], extra: 1 })).rejects.toThrow(/setInterest/);
    const many = Array.from({ length: MAX_INTEREST_KEYS + 1 }, (_, i) => `okx:S${i}-USDT-SWAP`);
    await expect(focused.call('setInterest', { keys: many })).rejects.toThrow(/setInterest: 0\.keys/);
  });

  it('once every client said what it shows, the engine sends rule detail only for those rows (the union)', async () => {
    const rows: { key: string; rules: number }[] = [];
    const unsubscribe = running.service.subscribe((e) => {
      if (e.type === 'overview') for (const r of e.rows) rows.push({ key: r.key, rules: r.rules.length });
    });
    try {
      // The plain client asked for everything; once it is gone only the focused one's key is wanted in full.
      everything.close();
      await waitFor(() => {
        const at = rows.findIndex((r) => r.key === WATCHED && r.rules === 0);
        return at >= 0 && rows.slice(at).some((r) => r.key === OTHER && r.rules > 0);
      }, 'WATCHED without rule detail, OTHER with it', 15_000);
      const last = rows.findLastIndex((r) => r.key === WATCHED && r.rules === 0);
      const later = rows.slice(last).filter((r) => r.key !== OTHER);
      expect(later.every((r) => r.rules === 0)).toBe(true);
    } finally {
      unsubscribe();
    }
  });
});
