import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineSession, type EngineSession } from '../../src/main/engine-session';
import type { ConsoleEvent } from '../../src/shared/contract';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';

// The Electron main process's engine (no electron import): the console engine
// `surveil serve` opens too, here on the real simulator, workers and a temp history.
let session: EngineSession | null = null;

afterAll(async () => {
  await session?.stop();
});

describe('the desktop engine session (console-engine.ts behind src/main)', () => {
  it('opens the demo on the simulator with a temp history, runs once started, and removes the temp history on stop', async () => {
    session = await createEngineSession({ configDir: SHIPPED_CONFIG, demo: 'calm' });
    expect(session.simulated).toBe(true);
    expect(session.historyDir).not.toBeNull();
    expect(session.historyDir!).toContain('surveil-demo-');
    // Its enabled exchanges are the simulator's loopback ports, never the venues' real hosts
    // (one the simulator does not serve is disabled in a simulated run).
    const enabled = Object.values(session.config.exchanges).filter((b) => (b as { enabled?: boolean }).enabled === true);
    expect(enabled.length).toBeGreaterThan(0);
    for (const block of enabled) {
      const urls = Object.entries(block as Record<string, unknown>).filter(([k, v]) => /url/i.test(k) && typeof v === 'string');
      for (const [, url] of urls) expect(url).toMatch(/^(ws|http)s?:\/\/127\.0\.0\.1:/);
    }
    const snapshot = await session.service.snapshot();
    expect(snapshot.mode).toEqual({ kind: 'demo', scenario: 'calm' });

    const events: ConsoleEvent[] = [];
    const unsubscribe = session.service.subscribe((e) => events.push(e));
    session.start();
    await waitFor(() => events.some((e) => e.type === 'overview' && e.rows.length > 0), 'overview rows from the simulated feeds', 60_000);
    unsubscribe();

    const historyDir = session.historyDir!;
    expect(existsSync(historyDir)).toBe(true);
    await session.stop();
    session = null;
    expect(existsSync(historyDir)).toBe(false);
  }, 90_000);
});
