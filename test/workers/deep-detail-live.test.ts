import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryFeedEvents, type FeedEventRecord } from '../../src/engine/storage/history-queries';
import { EngineHost } from '../../src/engine/workers/engine-host';
import type { Config } from '../../src/shared/config';
import { waitFor } from '../support/loopback-exchange';
import { CONFIG } from '../simulator/helpers';

/**
 * The live path of a sync event's detail: the feed worker's VenueBooks finds
 * a deep mismatch (OKX 2026 silent book corruption on the simulator, over
 * real sockets), posts `sync_event` with its detail to the analytics worker,
 * whose HistoryWriter stores it in feed_events.detail.
 */
const dir = mkdtempSync(join(tmpdir(), 'surveil-deep-live-'));
let server: SimServer | undefined;
let host: EngineHost | undefined;
afterAll(async () => {
  await host?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a deep mismatch found in a feed worker', () => {
  it('is stored with its level in the history by the analytics worker', async () => {
    // The corruption lasts long enough that the book rebuilt after the drift is still fed bad diffs when it is verified.
    server = await startSimServer({
      schedule: [{ scenario: 'silent_book_corruption', venue: 'okx', instruments: ['BTC-USDT-PERP'], injectAtMs: 2_000, injectForMs: 40_000, durationMs: 120_000 }],
      seed: 7,
      okxProtocol: '2026',
      tickMs: 50,
      alerts: CONFIG.alerts,
    });
    const exchanges = server.exchangesConfig(CONFIG.exchanges);
    const config: Config = {
      ...CONFIG,
      // Verified half a second after each rebuild rather than 3 s: more verifications while the corruption runs.
      features: { ...CONFIG.features, deepVerify: { ...CONFIG.features.deepVerify, delayMs: 500, tries: 50 } },
      exchanges: { ...exchanges, binance: { ...exchanges.binance, enabled: false } },
    };
    const dbPath = join(dir, 'history.sqlite');
    host = new EngineHost({ config, dbPath, listener: {} });
    host.start();
    // Read as the console's main thread reads it: read-only, beside the writing worker (WAL).
    const deep = (): FeedEventRecord[] => {
      let db: ReturnType<typeof openHistoryDb> | undefined;
      try {
        db = openHistoryDb(dbPath, { readonly: true });
        return queryFeedEvents(db, { kinds: ['book_drift'] }).filter((e) => e.detail !== null);
      } catch {
        return []; // not created yet
      } finally {
        db?.close();
      }
    };
    let found: FeedEventRecord[] = [];
    await waitFor(() => (found = deep()).length > 0, 'a book_drift feed event with a detail in the history', 40_000);
    expect(found[0]).toMatchObject({ venue: 'okx', key: 'okx:BTC-USDT-SWAP', kind: 'book_drift' });
    expect(found[0]!.detail).toMatch(/^deep mismatch with the REST snapshot at seqId \d+: (bid|ask) [\d.]+ \(level \d+\): book /);
  }, 60_000);
});
