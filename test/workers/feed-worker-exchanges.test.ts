import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { EngineHost, type WorkerRestart } from '../../src/engine/workers/engine-host';
import type { FeedWorkerData } from '../../src/engine/workers/messages';
import { spawnWorker } from '../../src/engine/threads/spawn-worker';
import type { Config } from '../../src/shared/config';
import type { ShownEvaluation } from '../../src/engine/workers/ui-evaluation';
import { loopbackConfig, waitFor } from '../support/loopback-exchange';
import { startOkxLoop } from '../support/okx-loop-exchange';
import { REAL, realRecording } from '../support/shared-data';

// The feed worker refuses workerData that carries another exchange's block of
// exchanges.yaml, so a host that handed a feed the whole file would see that
// worker die at start and restart, over and over.

const FEED_ENTRY = new URL('../../src/engine/workers/feed-worker.ts', import.meta.url);

let okxFrames: RawFrame[];
beforeAll(async () => {
  okxFrames = await readCaptureFrames(realRecording(REAL.okx));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real UNI-USD-SWAP recording on loopback; Binance left enabled in the config but given nothing to follow. */
function uniConfig(base: Config): Config {
  return {
    ...base,
    instruments: {
      'UNI-USD-PERP': {
        id: 'UNI-USD-PERP',
        type: 'perpetual',
        base: 'UNI',
        quote: 'USD',
        enabled: true,
        spot: null,
        venues: { okx: { symbol: 'UNI-USD-SWAP', depthStream: null, index: 'UNI-USD', tickSize: null, contractValue: null } },
      },
    },
    alerts: { ...base.alerts, thresholds: { default: base.alerts.thresholds.default! } },
  };
}

describe('a feed worker is given its own exchange\'s block of exchanges.yaml only', () => {
  it('EngineHost starts the OKX feed worker with the okx block alone: it runs, dials the block\'s URL, never restarts', async () => {
    const loop = await startOkxLoop(okxFrames);
    cleanups.push(() => loop.close());
    const config = uniConfig(loopbackConfig(loop.exchange));
    // Both blocks are in the host's config: the binance one must stay on the main thread.
    expect(Object.keys(config.exchanges).sort()).toEqual(expect.arrayContaining(['binance', 'okx']));
    const evaluations: ShownEvaluation[] = [];
    const restarts: WorkerRestart[] = [];
    const host = new EngineHost({
      config,
      dbPath: null,
      listener: { onEvaluations: (items) => evaluations.push(...items), onWorkerRestart: (r) => restarts.push(r) },
    });
    cleanups.push(() => host.stop());
    host.start();
    expect(host.venues).toEqual(['okx']);
    const valid = () => evaluations.filter((e) => e.sample.key === 'okx:UNI-USD-SWAP' && e.sample.health.bookValid);
    await waitFor(() => valid().length >= 2, 'evaluations of a valid UNI book', 20_000);
    expect(loop.exchange.connections.length).toBeGreaterThanOrEqual(1);
    expect(restarts).toEqual([]);
  }, 60_000);

  it('the feed worker itself refuses a config carrying another exchange\'s block, naming it', async () => {
    const loop = await startOkxLoop(okxFrames);
    cleanups.push(() => loop.close());
    const config = loopbackConfig(loop.exchange);
    const channel = new MessageChannel();
    cleanups.push(async () => channel.port2.close());
    const data: FeedWorkerData = { venue: 'okx', subscriptions: [], config, analytics: channel.port1 };
    const worker = spawnWorker(FEED_ENTRY, data, { transferList: [channel.port1] });
    const error = await new Promise<Error>((resolve, reject) => {
      worker.once('error', resolve);
      worker.once('exit', (code) => reject(new Error(`feed worker exited with ${code} and no error`)));
    });
    expect(error.message).toMatch(/feed worker okx: given other venues' exchanges\.yaml blocks \(binance, bybit, binancecoinm\); expected only okx/);
    await worker.terminate();
  }, 30_000);
});
