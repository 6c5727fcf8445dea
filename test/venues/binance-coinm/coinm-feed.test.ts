import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../../src/engine/capture/capture-reader';
import { LiveSession } from '../../../src/engine/live/live-session';
import { BinanceFeed, binanceCoinm } from '../../../src/engine/venues/binance';
import type { FeedSubscription } from '../../../src/engine/feed/feed';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import {
  Broadcaster,
  LoopbackExchange,
  RecordedBinanceExchange,
  loopbackConfig,
  loopbackPipeline,
  summarize,
  syncOf,
  waitFor,
} from '../../support/loopback-exchange';
import { realRecording } from '../../support/shared-data';

/**
 * The live COIN-M feed (`binance-coinm`) against a loopback exchange that
 * publishes the real COIN-M recording: one dstream combined-stream socket
 * (diff depth, bookTicker, markPrice), dapi exchangeInfo and REST
 * snapshots, books checked against the exchange's own at every update id.
 */

const SYMBOLS = ['ETCUSD_PERP', 'XRPUSD_PERP', 'TRXUSD_PERP'];
const diff = (symbol: string): FeedSubscription => ({ symbol, depthStream: 'diff', index: null });

let frames: RawFrame[];
beforeAll(async () => {
  // Only the three books the reference table covers: the others in the file have no REST snapshot.
  const all = await readCaptureFrames(realRecording('binance-coinm-2021-07-22.jsonl'));
  frames = all.filter((f) => f.kind === 'rest' || SYMBOLS.some((s) => f.data.startsWith(`{"stream":"${s.toLowerCase()}@`)));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('Binance COIN-M live feed on loopback', () => {
  it('one dstream socket with depth, bookTicker and markPrice; dapi exchangeInfo and snapshots; the books the exchange has', async () => {
    const exchange = await LoopbackExchange.start();
    const recorded = new RecordedBinanceExchange(binanceCoinm, frames);
    exchange.rest = (url) => recorded.reply(url);
    const broadcaster = new Broadcaster(recorded.wsFrames, () => exchange.open('/stream'), { intervalMs: 2, perTick: 4, onPublish: (i) => recorded.publish(i) });
    exchange.onConnection = () => broadcaster.start();
    const config = loopbackConfig(exchange);
    const pipeline = loopbackPipeline(config);
    const seen: RawFrame[] = [];
    const wrong: string[] = [];
    let compared = 0;
    const session = new LiveSession({
      pipeline,
      sampleIntervalMs: 1000,
      createFeeds: (sink) => [new BinanceFeed('coinm', { subscriptions: SYMBOLS.map(diff), exchanges: { binancecoinm: config.exchanges.binancecoinm }, sink })],
      extraSink: {
        onFrame: (frame) => {
          seen.push(frame);
          if (frame.kind !== 'ws') return;
          const data = (JSON.parse(frame.data) as { data?: { e?: string; s?: string; u?: number } }).data;
          if (data?.e !== 'depthUpdate' || data.s === undefined) return;
          const sync = syncOf(pipeline, 'binance-coinm', data.s);
          const truth = recorded.truth.get(`${data.s}|${data.u}`);
          if (!sync?.valid || !truth) return;
          compared += 1;
          if (JSON.stringify(summarize(sync.book)) !== JSON.stringify(truth)) wrong.push(`${data.s}|${data.u}`);
        },
      },
    });
    cleanups.push(async () => {
      broadcaster.stop();
      await session.stop();
      await exchange.close();
    });
    session.start();
    await broadcaster.done;
    await waitFor(() => SYMBOLS.every((s) => syncOf(pipeline, 'binance-coinm', s)?.valid === true), 'books in sync');
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(exchange.connections.map((c) => c.path)).toEqual([
      '/stream?streams=' +
        SYMBOLS.map((s) => s.toLowerCase())
          .map((s) => `${s}@depth@100ms/${s}@bookTicker/${s}@markPrice@1s`)
          .join('/'),
    ]);
    const paths = exchange.requests.map((r) => r.path);
    expect(paths[0]).toBe('/dapi/v1/exchangeInfo');
    // The full book (1000, weight 20): three snapshots fit the 2400-a-minute budget many times over.
    for (const s of SYMBOLS) expect(paths).toContain(`/dapi/v1/depth?limit=1000&symbol=${s}`);
    expect(paths.every((p) => p.startsWith('/dapi/v1/'))).toBe(true);
    // capture-format.md's rows, on the live path.
    expect(summarize(syncOf(pipeline, 'binance-coinm', 'ETCUSD_PERP')!.book)).toEqual({ bestBid: '42.280', bestAsk: '42.281', bids: 440, asks: 383 });
    expect(summarize(syncOf(pipeline, 'binance-coinm', 'XRPUSD_PERP')!.book)).toEqual({ bestBid: '0.5661', bestAsk: '0.5662', bids: 652, asks: 995 });
    expect(summarize(syncOf(pipeline, 'binance-coinm', 'TRXUSD_PERP')!.book)).toEqual({ bestBid: '0.05345', bestAsk: '0.05346', bids: 375, asks: 518 });
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    expect(pipeline.directory.get('binance-coinm:ETCUSD_PERP')).toMatchObject({ id: 'ETC-USD-PERP', contractKind: 'inverse', contractValue: 10, tickSize: 0.001 });
    expect(seen.filter((f) => f.kind === 'ws').every((f) => f.venue === 'binance-coinm' && f.conn === 'binance-coinm-coinm-0.1')).toBe(true);

    // A markPrice push as the COIN-M docs give it (the recording has none): mark, index and funding reach the mapper's event.
    const push = JSON.stringify({
      stream: 'etcusd_perp@markPrice@1s',
      data: { e: 'markPriceUpdate', E: 1626916440000, s: 'ETCUSD_PERP', p: '42.28050000', P: '42.29', i: '42.27000000', r: '0.00010000', T: 1626940800000 },
    });
    for (const connection of exchange.open('/stream')) connection.send(push);
    await waitFor(() => seen.some((f) => f.data === push), 'markPrice frame');
    const mapped = binanceCoinm.createMapper().map(seen.find((f) => f.data === push)!);
    expect(mapped).toMatchObject({
      kind: 'events',
      events: [{ type: 'reference', venue: 'binance-coinm', symbol: 'ETCUSD_PERP', markPrice: 42.2805, indexPrice: 42.27, fundingRate: 0.0001, nextFundingTime: 1626940800000 }],
    });
  });

  it('refuses to start without its own exchanges.yaml block', () => {
    expect(() => new BinanceFeed('coinm', { subscriptions: [], exchanges: {}, sink: { onFrame: () => {} } })).toThrow(/binance-coinm feed: exchanges config has no binancecoinm block/);
  });
});
