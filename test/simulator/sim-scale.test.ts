import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { createConfiguredFeeds, LiveSession } from '../../src/engine/live/live-session';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import {
  extraAssetProfiles,
  SIM_INSTRUMENTS,
  simInstruments,
  simInstrumentsConfig,
  simulateFrames,
  simulateToCapture,
  startSimServer,
  type SimulateOptions,
} from '../../src/engine/simulator';
import { FairValueProcess } from '../../src/engine/simulator/fair-value';
import { Prng } from '../../src/engine/simulator/prng';
import { cleanupSimDirs, CONFIG, simDir } from './helpers';

afterAll(cleanupSimDirs);

const RULES = { alerts: CONFIG.alerts, staleTimeoutMs: CONFIG.features.staleTimeoutSeconds * 1000 } as const;

/** sha256 of every frame of a run, in order. */
function framesDigest(options: SimulateOptions): string {
  const hash = createHash('sha256');
  simulateFrames({ ...RULES, ...options }, (frame) => hash.update(`${JSON.stringify(frame)}\n`));
  return hash.digest('hex');
}

describe('extra simulated assets: listings', () => {
  it('adds four listings per asset after the fourteen BTC/ETH ones, with valid venue symbols and distinct canonical ids', () => {
    expect(simInstruments(0)).toBe(SIM_INSTRUMENTS);
    const all = simInstruments(11);
    expect(all).toHaveLength(58);
    expect(all.slice(0, 14)).toEqual(SIM_INSTRUMENTS);
    const extra = all.slice(14);
    expect(new Set(extra.map((i) => i.base)).size).toBe(11);
    for (const i of extra) {
      if (i.venue === 'okx') expect(i.symbol).toMatch(i.type === 'spot' ? /^S\d\d-USDT$/ : /^S\d\d-USDT-SWAP$/);
      else expect(i.symbol).toMatch(/^S\d\dUSDT$/);
      expect(i.id).toBe(`${i.base}-USDT-${i.type === 'spot' ? 'SPOT' : 'PERP'}`);
    }
    // Each canonical id is listed once per exchange: 2 per synthetic asset and type.
    const keys = all.map((i) => `${i.venue}:${i.symbol}`);
    expect(new Set(keys).size).toBe(58);
    expect(new Set(all.map((i) => i.id)).size).toBe(28);
  });

  it('spreads price levels from ~0.05 to ~5,000, so tick sizes and precisions vary', () => {
    const profiles = extraAssetProfiles(11);
    expect(profiles[0]!.start).toBeCloseTo(0.05, 6);
    expect(profiles[10]!.start).toBeCloseTo(5_000, 0);
    const ticks = new Set(simInstruments(11).slice(14).map((i) => i.tickDecimals));
    expect(ticks.size).toBeGreaterThanOrEqual(5);
    expect(() => extraAssetProfiles(-1)).toThrow(RangeError);
    expect(() => extraAssetProfiles(1.5)).toThrow(RangeError);
  });

  it('moves each asset on its own path, correlated with BTC', () => {
    const fair = new FairValueProcess(new Prng(4, 'fair'), null, extraAssetProfiles(3));
    const returns: Record<string, number[]> = { BTC: [], S01: [], S02: [], S03: [] };
    let last = Object.fromEntries(Object.keys(returns).map((a) => [a, fair.price(a)]));
    for (let k = 0; k < 3_000; k += 1) {
      fair.step(1_000);
      for (const a of Object.keys(returns)) returns[a]!.push(Math.log(fair.price(a) / last[a]!));
      last = Object.fromEntries(Object.keys(returns).map((a) => [a, fair.price(a)]));
    }
    const corr = (x: number[], y: number[]): number => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length;
      const my = y.reduce((s, v) => s + v, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i += 1) {
        sxy += (x[i]! - mx) * (y[i]! - my);
        sxx += (x[i]! - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    for (const a of ['S01', 'S02', 'S03']) {
      const c = corr(returns.BTC!, returns[a]!);
      expect(c, a).toBeGreaterThan(0.4);
      expect(c, a).toBeLessThan(0.95);
    }
    expect(corr(returns.S01!, returns.S02!)).toBeLessThan(0.95);
  });

  it('describes the simulated listings as instruments.yaml does (the shipped file for 0 extra assets)', () => {
    expect(simInstrumentsConfig(0)).toEqual(CONFIG.instruments);
    const config = simInstrumentsConfig(11);
    expect(Object.keys(config)).toHaveLength(28);
    expect(config['S01-USDT-PERP']).toMatchObject({
      type: 'perpetual',
      base: 'S01',
      spot: 'S01-USDT-SPOT',
      venues: { binance: { symbol: 'S01USDT' }, okx: { symbol: 'S01-USDT-SWAP', index: 'S01-USDT' } },
    });
    expect(config['S11-USDT-SPOT']).toMatchObject({ type: 'spot', venues: { binance: { symbol: 'S11USDT' }, okx: { symbol: 'S11-USDT' } } });
  });
});

describe('extra simulated assets: captures', () => {
  it('leave a default run untouched: extraAssets 0 is the same run, byte for byte', () => {
    const options = { scenario: 'sequence_gap', seed: 7, durationMs: 30_000, injectAtMs: 15_000 } as const;
    expect(framesDigest({ ...options, extraAssets: 0 })).toBe(framesDigest(options));
    expect(framesDigest({ ...options, extraAssets: 2 })).toBe(framesDigest({ ...options, extraAssets: 2 }));
    expect(framesDigest({ ...options, extraAssets: 2 })).not.toBe(framesDigest(options));
  });

  it('a 10-minute calm run over 52 instruments replays with every book valid, no gap, no rejected frame and no alert', async () => {
    const path = join(simDir(), 'calm-52.jsonl');
    await simulateToCapture({ ...RULES, scenario: 'calm', seed: 2, extraAssets: 11, out: path });
    const frames = await readCaptureFrames(path);
    // Metadata covers every listing: exchangeInfo per Binance service, public/instruments per OKX type.
    const meta = frames.filter((f) => f.kind === 'rest' && /exchangeInfo|public\/instruments|market\/instruments-info/.test(f.url)).map((f) => f.data).join('\n');
    for (const i of simInstruments(11)) expect(meta, i.symbol).toContain(`"${i.wireSymbol}"`);
    const indexFeeds = new Set(frames.filter((f) => f.data.includes('"channel":"index-tickers"') && f.data.includes('"idxPx"')).map((f) => /"instId":"([^"]+)"/.exec(f.data)![1]));
    expect(indexFeeds.size).toBe(13);

    const settings = pipelineSettingsFrom({ ...CONFIG, instruments: simInstrumentsConfig(11) });
    const { report } = await replayCapture(path, { speed: 'max', settings });
    expect(report.instruments).toHaveLength(58);
    expect(report.rejected).toEqual({});
    expect(report.alerts).toEqual([]);
    for (const i of report.instruments) {
      const name = `${i.venue} ${i.symbol}`;
      expect(i.bookValid, name).toBe(true);
      expect(i.metadata, name).toBe('venue');
      expect(i.sequenceGaps + i.resyncs + i.checksumFailures, name).toBe(0);
      expect(Math.min(i.depthBid10bps!, i.depthAsk10bps!), name).toBeGreaterThan(100_000);
    }
  }, 90_000);
});

describe('extra simulated assets: live server', () => {
  it('serves metadata, books and indices of the extra listings to the real feeds', async () => {
    const server = await startSimServer({ ...RULES, scenario: 'calm', tickMs: 20, extraAssets: 2 });
    const config = { ...CONFIG, instruments: simInstrumentsConfig(2), exchanges: server.exchangesConfig(CONFIG.exchanges) };
    const pipeline = new SurveillancePipeline(pipelineSettingsFrom(config));
    const session = new LiveSession({ pipeline, sampleIntervalMs: 1_000, createFeeds: (sink) => createConfiguredFeeds(config, sink) });
    session.start();
    try {
      const deadline = Date.now() + 15_000;
      const valid = () => pipeline.instrumentStates().filter((s) => s.sync?.valid).length;
      while (valid() < 22 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(valid()).toBe(22);
      expect(pipeline.counters.rejected).toEqual({});
      expect(pipeline.directory.guessed.size).toBe(0);
      const okx = await fetch(`${server.urls.okx.http}/api/v5/public/instruments?instType=SWAP`).then((r) => r.json() as Promise<{ data: { instId: string; uly: string }[] }>);
      expect(okx.data.map((d) => [d.instId, d.uly])).toEqual([
        ['BTC-USDT-SWAP', 'BTC-USDT'],
        ['ETH-USDT-SWAP', 'ETH-USDT'],
        ['S01-USDT-SWAP', 'S01-USDT'],
        ['S02-USDT-SWAP', 'S02-USDT'],
      ]);
      // The extra indices are subscribable channels and tick once a second.
      const ws = new WebSocket(`${server.urls.okx.ws}/ws/v5/public`);
      const texts: string[] = [];
      ws.on('message', (data) => texts.push(data.toString()));
      await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
      ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'index-tickers', instId: 'S02-USDT' }] }));
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      ws.close();
      expect(texts.some((t) => t.includes('"event":"error"'))).toBe(false);
      expect(texts.some((t) => t.includes('"idxPx"') && t.includes('S02-USDT'))).toBe(true);
    } finally {
      await session.stop();
      await server.close();
    }
  });
});
