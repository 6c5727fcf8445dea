import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/engine/config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { createWsClient, type SocketFactory } from '../../src/renderer/src/api/ws-client';
import type { ConsoleClient } from '../../src/renderer/src/api/connection';
import { createEventPump } from '../../src/renderer/src/live/event-pump';
import { startInterestSync, type InterestSync } from '../../src/renderer/src/live/interest-sync';
import { createConsoleStore, type ConsoleStore } from '../../src/renderer/src/store/console-store';
import { memoryPrefs } from '../../src/renderer/src/store/prefs';
import { SHIPPED_CONFIG } from '../config/helpers';
import { cleanupDirs, fakeRenderer } from '../console/helpers';
import { waitFor } from '../support/loopback-exchange';

/**
 * The renderer's own client, store, event pump and interest sync against the
 * real engine on the simulator over a real WebSocket: the rows the console
 * shows arrive in full, the others in brief, and scrolling (the shown keys)
 * moves which ones are full.
 */
const nodeSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.on('open', () => handlers.open());
  ws.on('message', (data) => handlers.message(data.toString()));
  ws.on('close', (code) => handlers.close(`code ${code}`));
  ws.on('error', () => undefined);
  return { send: (data) => ws.send(data), close: () => ws.close() };
};

let running: RunningConsole;
let client: ConsoleClient;
let store: ConsoleStore;
let interest: InterestSync;

beforeAll(async () => {
  running = await runConsole({ config: loadConfig(SHIPPED_CONFIG), demo: 'calm', extraAssets: 11, port: 0, rendererDir: fakeRenderer().root });
  client = createWsClient({ url: `ws://127.0.0.1:${running.web.port}/api`, connect: nodeSocket });
  store = createConsoleStore(memoryPrefs());
  const pump = createEventPump({ store, schedule: (flush) => setTimeout(flush, 0), onMode: () => undefined, onNotify: () => undefined });
  client.subscribe(pump.push);
  interest = startInterestSync(store, client);
}, 60_000);

afterAll(async () => {
  interest?.stop();
  client?.close();
  await running?.stop();
  cleanupDirs();
});

const briefKeys = () => Object.values(store.getState().rows).filter((r) => r.brief).map((r) => r.key);
const fullKeys = () => Object.values(store.getState().rows).filter((r) => !r.brief).map((r) => r.key);

describe('the overview stream as the console receives it', () => {
  it('loads the snapshot with full rows only for what is shown', async () => {
    // The first screen: nothing shown yet but the default selection.
    const load = async () => {
      await interest.send();
      store.getState().loadSnapshot(await client.snapshot(), Date.now());
    };
    await load();
    await waitFor(() => store.getState().keys.length >= 20, 'rows in the store', 45_000);
    await load();
    const keys = store.getState().keys;
    const selected = store.getState().selectedKey;
    expect(fullKeys().every((k) => k === selected)).toBe(true);
    expect(briefKeys().length).toBeGreaterThanOrEqual(keys.length - 1);
  }, 60_000);

  it('turns the selected instrument full as it is selected, and keeps the rest brief', async () => {
    const shown = store.getState().keys.slice(0, 5);
    store.getState().setShownKeys(shown);
    const chosen = shown[2]!;
    const first = store.getState().selectedKey;
    store.getState().selectInstrument(chosen);
    await waitFor(() => store.getState().rows[chosen]?.brief === undefined, 'the selected row in full', 10_000);
    expect(store.getState().rows[chosen]!.rules.length).toBeGreaterThan(0);
    // The first selection keeps its last full row until a newer summary replaces it.
    const others = new Set(store.getState().keys.filter((k) => k !== chosen && k !== first));
    // Brief rows keep coming for the rest (their z windows count up): still brief after a few summaries.
    const before = store.getState().rows;
    await waitFor(() => [...others].some((k) => store.getState().rows[k] !== before[k]), 'a summary update', 10_000);
    expect([...others].every((k) => store.getState().rows[k]?.brief)).toBe(true);
  }, 30_000);
});
