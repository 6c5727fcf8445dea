import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import type { BookSample } from '../../src/engine/pipeline/venue-books';
import type { AnalyticsEvent } from '../../src/engine/workers/messages';
import { SamplePacker } from '../../src/engine/workers/packed-samples';
import { spawnWorker } from '../../src/engine/threads/spawn-worker';
import type { Instrument } from '../../src/shared/core/model';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';

// A burst of boundaries reaches the real analytics worker at once, as after a
// stall of the machine: every boundary is either evaluated (and its sample
// stored) or shed and counted; the worker keeps reporting meanwhile.

const ENTRY = new URL('../../src/engine/workers/analytics-worker.ts', import.meta.url);
const PERP: Instrument = { venue: 'okx', symbol: 'X-USDT-SWAP', id: 'X-USDT-PERP', type: 'perpetual', base: 'X', quote: 'USDT', tickSize: 0.1, contractKind: 'linear', contractValue: 0.01 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sample(time: number, i: number): BookSample {
  return {
    key: 'okx:X-USDT-SWAP',
    instrument: PERP,
    time,
    values: { mid: 100 + (i % 7) * 0.1, spread_bps: 1 + (i % 3), spread_abs: 0.01, imbalance: 0, depth_10bps: 50_000 },
    covered: { depth_10bps: true },
    bookValid: true,
    venueStale: false,
    gapSinceSample: false,
    referenceStale: false,
  };
}

describe('the analytics worker under a burst of boundaries', () => {
  it('evaluates or sheds every one, counts what it shed, and stores exactly what it evaluated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analytics-backlog-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'history.sqlite');
    const config = loadConfig(SHIPPED_CONFIG);
    const worker: Worker = spawnWorker(ENTRY, { config, venues: ['okx'], dbPath });
    cleanups.push(async () => void (await worker.terminate()));
    let last: Extract<AnalyticsEvent, { type: 'engine_status' }> | null = null;
    const stopped = new Promise<void>((resolve) =>
      worker.on('message', (event: AnalyticsEvent) => {
        if (event.type === 'engine_status') last = event;
        if (event.type === 'stopped') resolve();
      }),
    );
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ type: 'attach', venue: 'okx', port: port2 }, [port2]);
    // 300 seconds of boundaries, an hour old, in one burst.
    const packer = new SamplePacker();
    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const N = 300;
    for (let i = 0; i < N; i++) {
      const time = base + i * 1000;
      port1.postMessage({ type: 'book_samples', venue: 'okx', time, packed: packer.pack(time, [sample(time, i)]) });
    }
    // One venue: each boundary is complete as it arrives.
    await waitFor(() => last !== null && last.boundaries.waiting === 0 && last.boundaries.evaluated + last.boundaries.shed === N, 'every boundary evaluated or shed', 30_000);
    const { evaluated, shed } = last!.boundaries;
    // The newest boundary is never the one shed; it was about 55 minutes old when evaluated, and the status says so.
    expect(last!.lastBoundary?.time).toBe(base + (N - 1) * 1000);
    expect(last!.lastBoundary!.lagMs).toBeGreaterThan(3_300_000 - 1_000);
    expect(last!.history).toMatchObject({ running: true, restarts: 0, lastRestart: null });
    worker.postMessage({ type: 'stop' });
    await stopped;
    port1.close();
    const db = new Database(dbPath, { readonly: true });
    const rows = (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
    db.close();
    // Exactly the evaluated boundaries are in the history: one instrument, one row each.
    expect(rows).toBe(evaluated);
    expect(evaluated).toBeGreaterThanOrEqual(10);
    expect(evaluated + shed).toBe(N);
  }, 60_000);
});
