import { afterEach, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { LiveSession, SNAPSHOT_RETRY_MS } from '../../src/engine/live/live-session';
import { BinanceFeed, binanceUsdm } from '../../src/engine/venues/binance';
import { Broadcaster, LoopbackExchange, RecordedBinanceExchange, loopbackConfig, loopbackPipeline, syncOf, waitFor } from '../support/loopback-exchange';
import { REAL, realRecording } from '../support/shared-data';

const SYMBOLS = ['SUSHIUSDT', 'AKROUSDT'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a snapshot the feed could not get', () => {
  it('is asked again while the book still wants one, even once the stream has gone quiet', async () => {
    const frames = await readCaptureFrames(realRecording(REAL.binanceUsdm));
    const exchange = await LoopbackExchange.start();
    const recorded = new RecordedBinanceExchange(binanceUsdm, frames);
    const broadcaster = new Broadcaster(recorded.wsFrames, () => exchange.open('/public/stream'), {
      intervalMs: 2,
      perTick: 8,
      onPublish: (i) => recorded.publish(i),
    });
    // Depth fails until the whole recording is out: no frame is left to prompt another ask.
    let failing = true;
    exchange.rest = (url) => (failing && url.pathname.endsWith('/depth') ? { status: 503, body: 'busy' } : recorded.reply(url));
    exchange.onConnection = () => broadcaster.start();
    const config = loopbackConfig(exchange);
    const pipeline = loopbackPipeline(config);
    const session = new LiveSession({
      pipeline,
      sampleIntervalMs: 1000,
      createFeeds: (sink) => [
        new BinanceFeed('usdm', { subscriptions: SYMBOLS.map((symbol) => ({ symbol, depthStream: 'diff', index: null })), exchanges: config.exchanges, sink }),
      ],
    });
    cleanups.push(async () => {
      broadcaster.stop();
      await session.stop();
      await exchange.close();
    });
    session.start();
    await broadcaster.done;
    const depthAsks = (): number => exchange.requests.filter((r) => r.path.startsWith('/fapi/v1/depth')).length;
    await waitFor(() => depthAsks() >= SYMBOLS.length, 'the first depth requests');
    expect(SYMBOLS.map((s) => syncOf(pipeline, 'binance-usdm', s)?.valid ?? false)).toEqual([false, false]);
    const failed = depthAsks();
    failing = false;
    // Only the retry can fetch them now: the exchange sends nothing more.
    await waitFor(() => SYMBOLS.every((s) => syncOf(pipeline, 'binance-usdm', s)?.valid === true), 'books synced by a retried snapshot', 10 * SNAPSHOT_RETRY_MS + 3000);
    expect(depthAsks()).toBeGreaterThan(failed);
  });
});
