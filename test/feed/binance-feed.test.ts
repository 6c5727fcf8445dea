import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { FeedTuning } from '../../src/engine/feed/feed-tuning';
import { LiveSession } from '../../src/engine/live/live-session';
import type { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { BinanceFeed, binanceSpot, binanceUsdm, type BinanceMarket } from '../../src/engine/venues/binance';
import type { FeedSubscription } from '../../src/engine/feed/feed';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { ConnectionSettings } from '../../src/shared/config';
import {
  Broadcaster,
  LoopbackExchange,
  RecordedBinanceExchange,
  loopbackConfig,
  loopbackPipeline,
  summarize,
  syncOf,
  waitFor,
} from '../support/loopback-exchange';
import { REAL, realRecording } from '../support/shared-data';

let spotFrames: RawFrame[];
let usdmFrames: RawFrame[];
beforeAll(async () => {
  spotFrames = await readCaptureFrames(realRecording(REAL.binanceSpot));
  usdmFrames = await readCaptureFrames(realRecording(REAL.binanceUsdm));
});

const SPOT_SYMBOLS = ['NKNUSDT', 'BLZETH', 'LRCBTC', 'RUNEEUR'];
const USDM_SYMBOLS = ['SUSHIUSDT', 'AKROUSDT'];
const diff = (symbol: string): FeedSubscription => ({ symbol, depthStream: 'diff', index: null });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Run {
  readonly exchange: LoopbackExchange;
  readonly recorded: RecordedBinanceExchange;
  readonly broadcaster: Broadcaster;
  readonly pipeline: SurveillancePipeline;
  readonly session: LiveSession;
  readonly disconnects: string[][];
  /** Connection states as the feed reported them. */
  readonly states: string[];
  /** Frames where a valid book differed from the exchange's book at the same update id. */
  readonly wrongBooks: string[];
  /** How many times a valid book was compared with the exchange's. */
  readonly compared: { count: number };
  readonly frames: RawFrame[];
}

/**
 * A live session on one Binance market against the loopback exchange
 * publishing a real recording. After every frame, each valid book is
 * compared with the exchange's own book at the same update id.
 */
async function runBinance(
  market: BinanceMarket,
  options: { connection?: Partial<ConnectionSettings>; tuning?: Partial<FeedTuning>; perTick?: number; intervalMs?: number } = {},
): Promise<Run> {
  const exchange = await LoopbackExchange.start();
  const venue = market === 'spot' ? binanceSpot : binanceUsdm;
  const recorded = new RecordedBinanceExchange(venue, market === 'spot' ? spotFrames : usdmFrames);
  exchange.rest = (url) => recorded.reply(url);
  const prefix = market === 'spot' ? '/stream' : '/public/stream';
  const broadcaster = new Broadcaster(recorded.wsFrames, () => exchange.open(prefix), {
    intervalMs: options.intervalMs ?? 2,
    perTick: options.perTick ?? 4,
    onPublish: (i) => recorded.publish(i),
  });
  exchange.onConnection = () => broadcaster.start();
  const config = loopbackConfig(exchange, options.connection);
  const pipeline = loopbackPipeline(config);
  const disconnects: string[][] = [];
  const states: string[] = [];
  const wrongBooks: string[] = [];
  const compared = { count: 0 };
  const newest = new Map<string, number>();
  const frames: RawFrame[] = [];
  const symbols = market === 'spot' ? SPOT_SYMBOLS : USDM_SYMBOLS;
  const session = new LiveSession({
    pipeline,
    sampleIntervalMs: 1000,
    createFeeds: (sink) => [
      new BinanceFeed(market, { subscriptions: symbols.map(diff), exchanges: config.exchanges, sink, tuning: options.tuning }),
    ],
    extraSink: {
      onFrame: (frame) => {
        frames.push(frame);
        // The book stands at the newest update id seen for its symbol: a diff's `u`, or a
        // snapshot's lastUpdateId (diffs older than a snapshot are dropped by the sync).
        let symbol: string | undefined;
        let id: number | undefined;
        if (frame.kind === 'rest') {
          symbol = new URL(frame.url).searchParams.get('symbol') ?? undefined;
          id = symbol === undefined ? undefined : (JSON.parse(frame.data) as { lastUpdateId?: number }).lastUpdateId;
        } else {
          const data = (JSON.parse(frame.data) as { data?: { e?: string; s?: string; u?: number } }).data;
          if (data?.e === 'depthUpdate') [symbol, id] = [data.s, data.u];
        }
        if (symbol === undefined || id === undefined) return;
        const at = Math.max(id, newest.get(symbol) ?? 0);
        newest.set(symbol, at);
        const sync = syncOf(pipeline, venue.id, symbol);
        const truth = recorded.truth.get(`${symbol}|${at}`);
        if (!sync?.valid || !truth) return;
        compared.count += 1;
        if (JSON.stringify(summarize(sync.book)) !== JSON.stringify(truth)) wrongBooks.push(`${symbol}|${at}`);
      },
      onDisconnect: (_venue, list) => disconnects.push([...list]),
      onStatus: (status) => states.push(...status.connections.map((c) => c.state)),
    },
  });
  cleanups.push(async () => {
    broadcaster.stop();
    await session.stop();
    await exchange.close();
  });
  session.start();
  return { exchange, recorded, broadcaster, pipeline, session, disconnects, states, wrongBooks, compared, frames };
}

/** Waits for the end of the recording and every book in sync. */
async function settle(run: Run, venue: string, symbols: readonly string[]): Promise<void> {
  await run.broadcaster.done;
  await waitFor(() => symbols.every((s) => syncOf(run.pipeline, venue, s)?.valid === true), 'books in sync');
  // Frames still on the wire after the last publish.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('Binance live feed on loopback', () => {
  it('subscribes by URL, fetches exchangeInfo and snapshots, and builds the books a replay builds', async () => {
    const run = await runBinance('spot');
    await settle(run, 'binance-spot', SPOT_SYMBOLS);
    const [connection] = run.exchange.connections;
    expect(connection!.path).toBe(
      '/stream?streams=nknusdt@depth@100ms/nknusdt@bookTicker/blzeth@depth@100ms/blzeth@bookTicker/lrcbtc@depth@100ms/lrcbtc@bookTicker/runeeur@depth@100ms/runeeur@bookTicker',
    );
    const paths = run.exchange.requests.map((r) => r.path);
    expect(paths[0]).toBe(`/api/v3/exchangeInfo?symbols=${encodeURIComponent('["NKNUSDT","BLZETH","LRCBTC","RUNEEUR"]')}`);
    expect(paths).toContain('/api/v3/depth?limit=5000&symbol=NKNUSDT');
    // The table in capture-format.md.
    expect(summarize(syncOf(run.pipeline, 'binance-spot', 'NKNUSDT')!.book)).toEqual({ bestBid: '0.35270000', bestAsk: '0.35310000', bids: 614, asks: 994 });
    for (const symbol of SPOT_SYMBOLS) expect(summarize(syncOf(run.pipeline, 'binance-spot', symbol)!.book)).toEqual(run.recorded.finalSummary(symbol));
    expect(run.wrongBooks).toEqual([]);
    expect(run.compared.count).toBeGreaterThan(100);
    expect(run.pipeline.directory.get('binance-spot:NKNUSDT')?.tickSize).toBe(0.0001);
    // Every frame names its socket; REST frames carry the full request URL.
    expect(run.frames.filter((f) => f.kind === 'ws').every((f) => f.conn === 'binance-spot-spot-0.1')).toBe(true);
    expect(run.frames.find((f) => f.kind === 'rest' && f.url.includes('/depth') && f.url.includes('NKNUSDT'))?.url).toBe(`${run.exchange.httpBase}/api/v3/depth?limit=5000&symbol=NKNUSDT`);
    const [status] = run.session.status();
    expect(status!.connections[0]).toMatchObject({ state: 'connected', reconnects: 0, failedAttempts: 0 });
    expect(status!.connections[0]!.messages).toBe(run.recorded.wsFrames.length);
    expect(status!.connections[0]!.lagMs).toBeGreaterThan(0);
  });

  it('answers the server ping with a pong', async () => {
    const run = await runBinance('spot');
    await waitFor(() => run.exchange.connections.length > 0, 'a connection');
    run.exchange.connections[0]!.ping();
    await waitFor(() => run.exchange.connections[0]!.pongs === 1, 'a pong');
  });

  it('reconnects after the socket is killed mid-stream, refetches a snapshot and never shows a wrong book', async () => {
    const run = await runBinance('usdm', { perTick: 3 });
    await waitFor(() => run.broadcaster.cursor >= 300, 'half the stream');
    run.exchange.open('/public')[0]!.kill();
    await settle(run, 'binance-usdm', USDM_SYMBOLS);
    expect(run.exchange.open('/public')).toHaveLength(1);
    expect(run.exchange.connections.filter((c) => c.path.startsWith('/public'))).toHaveLength(2);
    expect(run.disconnects).toEqual([USDM_SYMBOLS]);
    const depthRequests = run.exchange.requests.filter((r) => r.path.startsWith('/fapi/v1/depth?limit=1000&symbol=SUSHIUSDT'));
    expect(depthRequests.length).toBeGreaterThanOrEqual(2);
    for (const symbol of USDM_SYMBOLS) expect(summarize(syncOf(run.pipeline, 'binance-usdm', symbol)!.book)).toEqual(run.recorded.finalSummary(symbol));
    expect(summarize(syncOf(run.pipeline, 'binance-usdm', 'SUSHIUSDT')!.book)).toEqual({ bestBid: '7.6120', bestAsk: '7.6160', bids: 1006, asks: 1000 });
    expect(run.wrongBooks).toEqual([]);
    expect(run.compared.count).toBeGreaterThan(300);
    // Frames published while the socket was down never arrived: the new book was built across a real hole.
    expect(run.frames.filter((f) => f.kind === 'ws').length).toBeLessThan(run.recorded.wsFrames.length);
    const publicStatus = run.session.status()[0]!.connections.find((c) => c.id.includes('public'))!;
    expect(publicStatus).toMatchObject({ state: 'connected', reconnects: 1, failedAttempts: 0 });
    expect(new Set(run.frames.filter((f) => f.kind === 'ws').map((f) => f.conn))).toEqual(new Set(['binance-usdm-public-0.1', 'binance-usdm-public-0.2']));
  });

  it('replaces a connection before its maximum age with an overlap: no hole, no duplicate, no resync', async () => {
    const run = await runBinance('usdm', { perTick: 2, intervalMs: 3, tuning: { maxConnectionAgeMs: 300, overlapMs: 100 } });
    await settle(run, 'binance-usdm', USDM_SYMBOLS);
    expect(run.exchange.connections.filter((c) => c.path.startsWith('/public')).length).toBeGreaterThanOrEqual(3);
    expect(run.disconnects).toEqual([]);
    for (const symbol of USDM_SYMBOLS) {
      const sync = syncOf(run.pipeline, 'binance-usdm', symbol)!;
      expect(sync.stats).toMatchObject({ sequenceGaps: 0, resyncs: 0 });
      expect(summarize(sync.book)).toEqual(run.recorded.finalSummary(symbol));
    }
    expect(run.wrongBooks).toEqual([]);
    expect(run.compared.count).toBeGreaterThan(300);
    // Each depth update reached the pipeline exactly once.
    const depthFrames = run.frames.filter((f) => f.kind === 'ws' && f.data.includes('"depthUpdate"'));
    expect(new Set(depthFrames.map((f) => f.data)).size).toBe(depthFrames.length);
    expect(run.exchange.requests.filter((r) => r.path.includes('/depth')).length).toBe(2);
  });

  it('opens a replacement connection at once on serverShutdown, before the old one closes: no disconnect, no book reset', async () => {
    const run = await runBinance('usdm', { perTick: 2, intervalMs: 3, tuning: { overlapMs: 100 } });
    const publicSockets = (): typeof run.exchange.connections => run.exchange.connections.filter((c) => c.path.startsWith('/public'));
    await waitFor(() => USDM_SYMBOLS.every((s) => syncOf(run.pipeline, 'binance-usdm', s)?.valid === true), 'books in sync');
    const old = publicSockets()[0]!;
    // When the replacement arrives at the exchange, was the old socket still open?
    let oldOpenWhenReplaced: boolean | null = null;
    const accept = run.exchange.onConnection;
    run.exchange.onConnection = (connection) => {
      if (connection.path.startsWith('/public') && oldOpenWhenReplaced === null) oldOpenWhenReplaced = !old.closed;
      accept(connection);
    };
    const before = USDM_SYMBOLS.map((s) => syncOf(run.pipeline, 'binance-usdm', s)!.stats.resyncs);
    // https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams: "A serverShutdown
    // event will be sent when the server is about to shutdown ... establish a new connection as soon as possible".
    old.send('{"e":"serverShutdown","E":1770123456789}');
    await waitFor(() => publicSockets().length === 2, 'a replacement connection', 2_000);
    expect(oldOpenWhenReplaced).toBe(true);
    // The replacement subscribes by URL, carries the streams, and the old socket is closed after the overlap.
    expect(publicSockets()[1]!.path).toBe(old.path);
    await waitFor(() => old.closed, 'the old socket closed after the overlap', 2_000);
    await settle(run, 'binance-usdm', USDM_SYMBOLS);
    expect(run.disconnects).toEqual([]);
    expect(run.states).not.toContain('reconnecting');
    for (const [i, symbol] of USDM_SYMBOLS.entries()) {
      const sync = syncOf(run.pipeline, 'binance-usdm', symbol)!;
      expect(sync.valid).toBe(true);
      expect(sync.stats).toMatchObject({ sequenceGaps: 0, resyncs: before[i] });
      expect(summarize(sync.book)).toEqual(run.recorded.finalSummary(symbol));
    }
    expect(run.wrongBooks).toEqual([]);
    // No new REST snapshot: the books carried on across the switch.
    expect(run.exchange.requests.filter((r) => r.path.includes('/depth')).length).toBe(2);
    // The event itself is read and set aside, not rejected.
    expect(run.pipeline.counters.rejected).toEqual({});
  });

  it('marks a silent connection stale, resets its books and reconnects', async () => {
    const run = await runBinance('spot', { connection: { staleTimeoutSeconds: 0.3 } });
    // Publish the first 40 frames only, then go silent with the socket open.
    await waitFor(() => run.broadcaster.cursor >= 40, 'some frames');
    run.broadcaster.stop();
    await waitFor(() => run.exchange.connections.length === 2, 'a second connection', 3000);
    expect(run.states).toContain('stale');
    await waitFor(() => run.states.slice(run.states.indexOf('stale')).includes('connected'), 'connected again');
    expect(run.disconnects[0]).toEqual(SPOT_SYMBOLS);
    expect(syncOf(run.pipeline, 'binance-spot', 'NKNUSDT')!.valid).toBe(false);
    expect(run.session.status()[0]!.connections[0]!.lastError).toMatch(/^stale: no frame for \d+ ms$/);
  });
});
