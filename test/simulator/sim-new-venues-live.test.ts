import { afterEach, describe, expect, it } from 'vitest';
import type { Config, InstrumentsConfig } from '../../src/shared/config';
import { createConfiguredFeeds, LiveSession } from '../../src/engine/live/live-session';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { startSimServer, type ScenarioRequest, type SimServer, type SimVenue } from '../../src/engine/simulator';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { waitFor } from '../support/loopback-exchange';
import { CONFIG, socketTexts } from './helpers';

/**
 * Binance COIN-M and Bybit as the simulator serves them, through the real
 * engine path: the shipped instruments of the venue, the feeds the registry
 * makes for them (createConfiguredFeeds), the live session and pipeline,
 * over loopback sockets and REST. Each book must end equal to the
 * simulator's own book (the venue's truth, never seen by the client), a
 * dropped diff must show as a gap and resync, and mark, index and funding
 * must arrive. Every wait is on observed state.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The shipped instruments that list `exchange`, listed there only. */
function instrumentsOn(exchange: string): InstrumentsConfig {
  const out: Record<string, InstrumentsConfig[string]> = {};
  for (const [id, instrument] of Object.entries(CONFIG.instruments)) {
    const listing = instrument.venues[exchange];
    if (listing !== undefined) out[id] = { ...instrument, venues: { [exchange]: listing } };
  }
  return out;
}

interface Run {
  readonly server: SimServer;
  readonly pipeline: SurveillancePipeline;
  readonly frames: RawFrame[];
  readonly keys: string[];
}

async function run(venue: SimVenue, exchange: string, schedule: readonly ScenarioRequest[], options: { bybitPageSize?: number } = {}): Promise<Run> {
  const server = await startSimServer({ schedule, tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000, ...options });
  const instruments = instrumentsOn(exchange);
  const config: Config = { ...CONFIG, instruments, exchanges: server.exchangesConfig(CONFIG.exchanges) };
  const pipeline = new SurveillancePipeline(pipelineSettingsFrom(config));
  const frames: RawFrame[] = [];
  const session = new LiveSession({
    pipeline,
    sampleIntervalMs: 1_000,
    createFeeds: (sink) => createConfiguredFeeds(config, sink),
    extraSink: { onFrame: (frame) => frames.push(frame) },
  });
  cleanups.push(async () => {
    await session.stop();
    await server.close();
  });
  session.start();
  const keys = server.market.instrumentsOf(venue).map((i) => `${venue}:${i.symbol}`);
  expect(keys.length).toBe(Object.keys(instruments).length);
  return { server, pipeline, frames, keys };
}

const stateOf = (r: Run, key: string) => r.pipeline.instrumentStates().find((s) => s.key === key);

/**
 * Holds the market still, waits for every book to reach the venue's last
 * update id, and returns each book as the engine has it and as the
 * simulator does: both as the exchange's level strings, best first.
 */
async function booksAtRest(r: Run, venue: SimVenue): Promise<{ engine: Record<string, string[][]>; venue: Record<string, string[][]> }> {
  r.server.pause();
  const listings = r.keys.map((key) => r.server.market.listing(venue, key.slice(venue.length + 1))!);
  await waitFor(() => listings.every((l, i) => stateOf(r, r.keys[i]!)?.sync?.lastUpdateId === l.lastId), 'every book at the venue\'s last update id', 10_000);
  const engine: Record<string, string[][]> = {};
  const truth: Record<string, string[][]> = {};
  listings.forEach((listing, i) => {
    const sync = stateOf(r, r.keys[i]!)!.sync!;
    const side = (s: 'bid' | 'ask') => sync.book.top(s, Number.MAX_SAFE_INTEGER).map((l) => [l.priceText, l.sizeText]);
    engine[r.keys[i]!] = [...side('bid'), ['|'], ...side('ask')];
    truth[r.keys[i]!] = [...listing.book.textLevels('bid'), ['|'], ...listing.book.textLevels('ask')];
  });
  return { engine, venue: truth };
}

describe('Binance COIN-M on the simulator, through the real feed', () => {
  it('every book valid and equal to the venue\'s, a dropped diff found as a gap and resynced, marks, indices and funding', { timeout: 60_000 }, async () => {
    const r = await run('binance-coinm', 'binancecoinm', [{ scenario: 'sequence_gap', venue: 'binance-coinm', instruments: ['BTC-USD-PERP'], injectAtMs: 4_000 }]);
    await waitFor(() => r.keys.every((k) => stateOf(r, k)?.sync?.valid === true), 'both COIN-M books valid', 15_000);
    // Metadata from dapi exchangeInfo: inverse contracts of contractSize USD, no guess.
    expect(r.keys.map((k) => { const i = stateOf(r, k)!.instrument; return [i.id, i.contractKind, i.contractValue, i.tickSize]; })).toEqual([
      ['BTC-USD-PERP', 'inverse', 100, 0.1],
      ['ETH-USD-PERP', 'inverse', 10, 0.01],
    ]);
    const btc = 'binance-coinm:BTCUSD_PERP';
    await waitFor(() => (stateOf(r, btc)?.sync?.stats.sequenceGaps ?? 0) >= 1, 'the dropped diff seen as a gap', 20_000);
    await waitFor(() => (stateOf(r, btc)?.sync?.stats.resyncs ?? 0) >= 1 && stateOf(r, btc)?.sync?.valid === true, 'the book resynced from a new dapi snapshot', 20_000);
    expect(r.frames.filter((f) => f.kind === 'rest' && f.url.includes('/dapi/v1/depth?') && f.url.includes('symbol=BTCUSD_PERP')).length).toBeGreaterThanOrEqual(2);
    expect(stateOf(r, 'binance-coinm:ETHUSD_PERP')!.sync!.stats.sequenceGaps).toBe(0);
    await waitFor(() => r.keys.every((k) => stateOf(r, k)?.fundingRate !== undefined), 'markPrice on every perpetual', 10_000);
    for (const key of r.keys) {
      const s = stateOf(r, key)!;
      const listing = r.server.market.listing('binance-coinm', s.instrument.symbol)!;
      const fair = ((listing.book.bestBid() + listing.book.bestAsk()) / 2) * s.instrument.tickSize;
      // Mark and index sit within a few bps of the book, as the venue's do.
      expect(Math.abs(s.markPrice! / fair - 1)).toBeLessThan(0.002);
      expect(Math.abs(s.indexPrice! / fair - 1)).toBeLessThan(0.002);
      expect(s.nextFundingTime! % (8 * 3_600_000)).toBe(0);
    }
    const { engine, venue } = await booksAtRest(r, 'binance-coinm');
    expect(engine).toEqual(venue);
    expect(r.server.restLimits('binance-coinm').refused).toEqual({ throttled: 0, banned: 0 });
    expect(r.pipeline.counters.rejected).toEqual({});
    expect(r.pipeline.directory.guessed.size).toBe(0);
  });

  it('enforces the COIN-M request weight: 429 with Retry-After past 2400 a minute, then 418 for going on', async () => {
    const server = await startSimServer({ scenario: 'calm', tickMs: 50, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    cleanups.push(() => server.close());
    const url = `${server.urls['binance-coinm'].http}/dapi/v1/depth?limit=1000&symbol=BTCUSD_PERP`;
    // Weight 20 each: 120 fill the minute, unless the minute turns meanwhile (then the count starts over, as the venue's does).
    const statuses: number[] = [];
    let used = 0;
    while (statuses.length < 200 && !statuses.includes(418)) {
      const response = await fetch(url);
      statuses.push(response.status);
      if (response.status === 200) used = Number(response.headers.get('x-mbx-used-weight-1m'));
      else expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      await response.arrayBuffer();
    }
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(0);
    expect(used).toBe(2400);
    expect(statuses[first429 + 1]).toBe(418);
    expect(server.restLimits('binance-coinm').refused).toEqual({ throttled: 1, banned: 1 });
  });
});

/** Opens a socket, sends `messages`, collects the text frames until `done` says so. */
function exchange(url: string, messages: readonly string[], done: (texts: readonly string[]) => boolean): Promise<string[]> {
  return socketTexts(url, messages, (texts) => waitFor(() => done(texts), `replies to ${messages.join(' ')}`, 5_000));
}

describe('Bybit v5 on the simulator, through the real feed', () => {
  it('spot, linear and inverse books valid and equal to the venue\'s, a gap resynced by resubscribing, snapshots re-sent at any time, tickers', { timeout: 60_000 }, async () => {
    // Pages of one instrument: the feed must follow nextPageCursor to know all of a category's.
    const r = await run('bybit', 'bybit', [{ scenario: 'sequence_gap', venue: 'bybit', instruments: ['BTC-USDT-PERP'], injectAtMs: 4_000 }], { bybitPageSize: 1 });
    await waitFor(() => r.keys.every((k) => stateOf(r, k)?.sync?.valid === true), 'every Bybit book valid', 15_000);
    expect(r.keys).toEqual(['bybit:BTCUSDT', 'bybit:ETHUSDT', 'bybit:BTCUSDT-SPOT', 'bybit:BTCUSD']);
    expect(r.keys.map((k) => { const i = stateOf(r, k)!.instrument; return [i.id, i.contractKind, i.tickSize]; })).toEqual([
      ['BTC-USDT-PERP', 'linear', 0.1],
      ['ETH-USDT-PERP', 'linear', 0.01],
      ['BTC-USDT-SPOT', 'spot', 0.01],
      ['BTC-USD-PERP', 'inverse', 0.1],
    ]);
    const pages = r.frames.filter((f) => f.kind === 'rest' && f.url.includes('/v5/market/instruments-info') && f.url.includes('category=linear'));
    expect(pages.map((f) => f.url.includes('cursor='))).toEqual([false, true]);
    const perp = 'bybit:BTCUSDT';
    await waitFor(() => (stateOf(r, perp)?.sync?.stats.sequenceGaps ?? 0) >= 1, 'the dropped delta seen as a gap in u', 20_000);
    await waitFor(() => (stateOf(r, perp)?.sync?.stats.resyncs ?? 0) >= 1 && stateOf(r, perp)?.sync?.valid === true, 'the book rebuilt from the resubscribe\'s snapshot', 20_000);
    const replies = r.frames.filter((f) => f.kind === 'ws' && f.url.endsWith('/linear') && f.data.startsWith('{"success"'));
    expect(replies.some((f) => f.data.includes('"op":"unsubscribe"'))).toBe(true);
    expect(replies.every((f) => f.data.startsWith('{"success":true'))).toBe(true);
    for (const key of ['bybit:ETHUSDT', 'bybit:BTCUSDT-SPOT', 'bybit:BTCUSD']) expect(stateOf(r, key)!.sync!.stats.sequenceGaps, key).toBe(0);

    // A snapshot sent unasked replaces the book: no gap, no resync, still valid.
    const inverse = stateOf(r, 'bybit:BTCUSD')!.sync!;
    const before = { updates: inverse.stats.bookUpdates, resyncs: inverse.stats.resyncs };
    expect(r.server.resendBybitSnapshot('BTCUSD')).toBe(1);
    await waitFor(() => inverse.stats.bookUpdates > before.updates, 'the re-sent snapshot applied');
    expect([inverse.valid, inverse.stats.sequenceGaps, inverse.stats.resyncs]).toEqual([true, 0, before.resyncs]);

    // Derivatives tickers: a snapshot, then deltas of the changed fields only; mark, index, funding, next funding.
    const tickers = r.frames.filter((f) => f.kind === 'ws' && f.data.startsWith('{"topic":"tickers.BTCUSDT"') && f.url.endsWith('/linear'));
    expect(tickers[0]!.data).toContain('"type":"snapshot"');
    expect(tickers.slice(1).some((f) => f.data.includes('"type":"delta"') && !f.data.includes('"lastPrice"') && f.data.includes('"markPrice"'))).toBe(true);
    await waitFor(() => ['bybit:BTCUSDT', 'bybit:ETHUSDT', 'bybit:BTCUSD'].every((k) => stateOf(r, k)?.fundingRate !== undefined && stateOf(r, k)?.markPrice !== undefined), 'mark and funding on every perpetual');
    for (const key of ['bybit:BTCUSDT', 'bybit:ETHUSDT', 'bybit:BTCUSD']) {
      const s = stateOf(r, key)!;
      expect(s.indexPrice, key).toBeGreaterThan(0);
      expect(s.nextFundingTime! % (8 * 3_600_000), key).toBe(0);
    }
    const { engine, venue } = await booksAtRest(r, 'bybit');
    expect(engine).toEqual(venue);
    expect(r.pipeline.counters.rejected).toEqual({});
    expect(r.pipeline.directory.guessed.size).toBe(0);
  });

  it('answers pings per category, acknowledges subscriptions and refuses a topic it does not have', async () => {
    const server = await startSimServer({ scenario: 'calm', tickMs: 50, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    cleanups.push(() => server.close());
    const base = server.urls.bybit.ws;
    const spot = await exchange(`${base}/v5/public/spot`, ['{"op":"ping","req_id":"7"}'], (t) => t.length >= 1);
    expect(JSON.parse(spot[0]!)).toMatchObject({ success: true, ret_msg: 'pong', req_id: '7', op: 'ping' });
    const linear = await exchange(`${base}/v5/public/linear`, ['{"op":"ping"}'], (t) => t.length >= 1);
    expect(JSON.parse(linear[0]!)).toMatchObject({ op: 'pong' });
    // BTCUSD is inverse: on the linear socket it is no topic; depth 51 is none anywhere.
    const subscribe = JSON.stringify({ op: 'subscribe', args: ['orderbook.1000.ETHUSDT', 'orderbook.1000.BTCUSD', 'orderbook.51.ETHUSDT'] });
    const texts = await exchange(`${base}/v5/public/linear`, [subscribe], (t) => t.length >= 2);
    const reply = JSON.parse(texts[0]!) as { success: boolean; ret_msg: string; op: string };
    expect(reply).toMatchObject({ success: false, op: 'subscribe' });
    expect(reply.ret_msg).toContain('topic:orderbook.1000.BTCUSD');
    expect(reply.ret_msg).toContain('topic:orderbook.51.ETHUSDT');
    expect(JSON.parse(texts[1]!)).toMatchObject({ topic: 'orderbook.1000.ETHUSDT', type: 'snapshot', data: { s: 'ETHUSDT' } });
    const rest = await (await fetch(`${server.urls.bybit.http}/v5/market/orderbook?category=inverse&symbol=BTCUSD&limit=5`)).json() as { retCode: number; result: { b: unknown[]; a: unknown[]; u: number } };
    expect([rest.retCode, rest.result.b.length, rest.result.a.length]).toEqual([0, 5, 5]);
    const bad = await (await fetch(`${server.urls.bybit.http}/v5/market/tickers?category=linear&symbol=BTCUSD`)).json() as { retCode: number };
    expect(bad.retCode).toBe(10001);
  });
});
