import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfiguredFeeds, LiveSession } from '../../src/engine/live/live-session';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { simInstrumentsConfig, startSimServer, type SimServer } from '../../src/engine/simulator';
import { sideDepthWithinBps } from '../../src/shared/core/depth';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { CONFIG } from './helpers';

/**
 * The long tail on partial streams, end to end over loopback: the simulator
 * serves Binance `@depth20@100ms` (spot `{lastUpdateId,...}`, USD-M the diff
 * shape) and OKX `books5`; the real feeds subscribe them for every asset but
 * the two most traded, their books become valid without any REST snapshot,
 * and their depth bands past what 20 or 5 levels reach are not covered.
 */
describe('partial-book streams for the long tail', () => {
  let server: SimServer;
  const frames: RawFrame[] = [];
  let session: LiveSession;
  let pipeline: SurveillancePipeline;
  beforeAll(async () => {
    server = await startSimServer({ scenario: 'calm', extraAssets: 4, tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    const config = { ...CONFIG, instruments: simInstrumentsConfig(4, { diffAssets: 2 }), exchanges: server.exchangesConfig(CONFIG.exchanges) };
    pipeline = new SurveillancePipeline(pipelineSettingsFrom(config));
    session = new LiveSession({ pipeline, sampleIntervalMs: 1_000, createFeeds: (sink) => createConfiguredFeeds(config, sink), extraSink: { onFrame: (f) => frames.push(f) } });
    session.start();
    const deadline = Date.now() + 15_000;
    while (pipeline.instrumentStates().filter((s) => s.sync?.valid).length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }, 20_000);
  afterAll(async () => {
    await session.stop();
    await server.close();
  });

  it('every book valid: 14 full (BTC and ETH on every venue), 16 partial', () => {
    const states = pipeline.instrumentStates();
    expect(states).toHaveLength(30);
    expect(states.filter((s) => !s.sync?.valid).map((s) => s.key)).toEqual([]);
    expect(pipeline.counters.rejected).toEqual({});
  });

  it('subscribes depth20 / books5 for the tail and fetches REST snapshots only for the full books', () => {
    const ws = frames.filter((f) => f.kind === 'ws');
    expect(ws.some((f) => f.data.startsWith('{"stream":"s01usdt@depth20@100ms"') && f.url.includes('/public/'))).toBe(true);
    expect(ws.some((f) => f.data.includes('"stream":"s02usdt@depth20@100ms"') && f.data.includes('"lastUpdateId"'))).toBe(true);
    expect(ws.some((f) => f.data.startsWith('{"arg":{"channel":"books5","instId":"S03-USDT-SWAP"}'))).toBe(true);
    const snapshotUrls = frames.filter((f) => f.kind === 'rest' && /\/depth\?|\/market\/books\?/.test(f.url)).map((f) => f.url);
    expect(snapshotUrls.length).toBeGreaterThan(0);
    expect(snapshotUrls.filter((u) => !/BTC|ETH/.test(u))).toEqual([]);
    const status = session.status();
    for (const feed of status) expect(feed.restThrottled ?? 0, feed.venue).toBe(0);
    expect(server.restLimits('binance-spot').refused).toEqual({ throttled: 0, banned: 0 });
  });

  it('a partial book holds at most its stream depth, and bands beyond it are not covered', () => {
    const okx = pipeline.instrumentStates().find((s) => s.key === 'okx:S01-USDT-SWAP')!;
    const binance = pipeline.instrumentStates().find((s) => s.key === 'binance-spot:S01USDT')!;
    expect(okx.sync!.book.levelCount('bid')).toBeLessThanOrEqual(5);
    expect(binance.sync!.book.levelCount('ask')).toBeLessThanOrEqual(20);
    const book = okx.sync!.book;
    const mid = (book.bestBid()!.price + book.bestAsk()!.price) / 2;
    const depth = sideDepthWithinBps(book, 'bid', okx.instrument, [1, 100], mid);
    // Five levels of the simulated book span well under 100 bps: that band is a lower bound, flagged so.
    expect(depth.covered[1]).toBe(false);
  });
});
