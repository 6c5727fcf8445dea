import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { FeedTuning } from '../../src/engine/feed/feed-tuning';
import { LiveSession } from '../../src/engine/live/live-session';
import type { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { OkxFeed } from '../../src/engine/venues/okx';
import type { FeedSubscription } from '../../src/engine/feed/feed';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { ConnectionSettings } from '../../src/shared/config';
import { Broadcaster, LoopbackExchange, levelsOf, loopbackConfig, loopbackPipeline, summarize, syncOf, waitFor } from '../support/loopback-exchange';
import { REAL, realRecording } from '../support/shared-data';

let okxFrames: RawFrame[];
beforeAll(async () => {
  okxFrames = await readCaptureFrames(realRecording(REAL.okx));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Run {
  readonly exchange: LoopbackExchange;
  readonly pipeline: SurveillancePipeline;
  readonly session: LiveSession;
  readonly disconnects: string[][];
  readonly frames: RawFrame[];
}

async function runOkx(
  subscriptions: FeedSubscription[],
  setup: (exchange: LoopbackExchange) => void,
  options: { connection?: Partial<ConnectionSettings>; tuning?: Partial<FeedTuning>; onFrame?: (frame: RawFrame, pipeline: SurveillancePipeline) => void } = {},
): Promise<Run> {
  const exchange = await LoopbackExchange.start();
  setup(exchange);
  const config = loopbackConfig(exchange, options.connection);
  const pipeline = loopbackPipeline(config);
  const disconnects: string[][] = [];
  const frames: RawFrame[] = [];
  const session = new LiveSession({
    pipeline,
    sampleIntervalMs: 1000,
    createFeeds: (sink) => [new OkxFeed({ subscriptions, exchanges: config.exchanges, sink, tuning: { snapshotGraceMs: 50, ...options.tuning } })],
    extraSink: {
      onFrame: (frame) => {
        frames.push(frame);
        options.onFrame?.(frame, pipeline);
      },
      onDisconnect: (_venue, list) => disconnects.push([...list]),
    },
  });
  cleanups.push(async () => {
    await session.stop();
    await exchange.close();
  });
  session.start();
  return { exchange, pipeline, session, disconnects, frames };
}

const isSubscribe = (text: string): boolean => text.startsWith('{"op":"subscribe"');

describe('OKX live feed on loopback', () => {
  it('opens its sockets once the instrument metadata has answered, so book frames follow the contract values they are measured with', async () => {
    let answeredAt = 0;
    const opened: number[] = [];
    const run = await runOkx([{ symbol: 'UNI-USD-SWAP', depthStream: null, index: 'UNI-USD' }], (exchange) => {
      exchange.onConnection = () => opened.push(Date.now());
      exchange.restRaw = (url, res) => {
        if (!url.pathname.endsWith('/public/instruments')) return false;
        const recorded = okxFrames.find((f) => f.kind === 'rest' && f.url.includes('/public/instruments'))!;
        setTimeout(() => {
          answeredAt = Date.now();
          res.writeHead(200, { 'content-type': 'application/json' }).end(recorded.data);
        }, 400);
        return true;
      };
    });
    await waitFor(() => opened.length > 0, 'the socket', 10_000);
    expect(answeredAt).toBeGreaterThan(0);
    expect(opened[0]!).toBeGreaterThanOrEqual(answeredAt);
    // In the frames too: the metadata first, as a replay of a recording needs it.
    expect(run.frames[0]).toMatchObject({ kind: 'rest' });
    expect(run.frames[0]!.url).toContain('/public/instruments');
  });

  it('paces new connections at the per-IP rate, and sends each connection its subscribes as soon as it opens', async () => {
    const subscriptions: FeedSubscription[] = Array.from({ length: 12 }, (_, i) => ({ symbol: `S${i}-USDT-SWAP`, depthStream: null, index: null }));
    const opened: number[] = [];
    const run = await runOkx(subscriptions, (exchange) => {
      exchange.onConnection = () => opened.push(Date.now());
    }, { connection: { rateLimitPerSecond: 3 }, tuning: { maxBooksPerConnection: 2, subscribeBatch: 2 } });
    // 6 connections of 2 books, 4 channels each: 4 subscribe requests per connection, 24 in all.
    await waitFor(() => run.exchange.connections.filter((c) => c.received.filter((r) => isSubscribe(r.text)).length === 4).length === 6, 'every connection subscribed', 15_000);
    const ordered = [...run.exchange.connections].sort((a, b) => a.received[0]!.t - b.received[0]!.t);
    expect(ordered).toHaveLength(6);
    // Connections are spaced by the rate limit (3 a second)...
    const sortedOpens = [...opened].sort((a, b) => a - b);
    expect(sortedOpens.at(-1)! - sortedOpens[0]!).toBeGreaterThanOrEqual(1_300);
    // ...but a connection's subscribes are not: all of them arrive before the next connection opens.
    for (let i = 0; i + 1 < ordered.length; i++) {
      const lastSubscribe = Math.max(...ordered[i]!.received.filter((r) => isSubscribe(r.text)).map((r) => r.t));
      expect(lastSubscribe).toBeLessThanOrEqual(sortedOpens[i + 1]!);
    }
  });

  it('subscribes every channel, takes the socket snapshot without REST and builds the book a replay builds', async () => {
    const wsFrames = okxFrames.filter((f) => f.kind === 'ws').map((f) => f.data);
    let broadcaster: Broadcaster | undefined;
    const run = await runOkx([{ symbol: 'UNI-USD-SWAP', depthStream: null, index: 'UNI-USD' }], (exchange) => {
      broadcaster = new Broadcaster(wsFrames, () => exchange.open(), { intervalMs: 2, perTick: 3 });
      exchange.onMessage = (_c, text) => {
        if (isSubscribe(text)) broadcaster!.start();
      };
      exchange.rest = (url) => {
        const recorded = okxFrames.find((f) => f.kind === 'rest' && f.url.endsWith(`${url.pathname}${url.search}`));
        return recorded && { body: recorded.data };
      };
    });
    await waitFor(() => broadcaster !== undefined, 'setup');
    await broadcaster!.done;
    await waitFor(() => syncOf(run.pipeline, 'okx', 'UNI-USD-SWAP')?.stats.checksumChecks === 93, 'every checksum');
    const [connection] = run.exchange.connections;
    expect(connection!.path).toBe('/ws/v5/public');
    expect(JSON.parse(connection!.received.find((r) => isSubscribe(r.text))!.text)).toEqual({
      op: 'subscribe',
      args: [
        { channel: 'books', instId: 'UNI-USD-SWAP' },
        { channel: 'tickers', instId: 'UNI-USD-SWAP' },
        { channel: 'mark-price', instId: 'UNI-USD-SWAP' },
        { channel: 'funding-rate', instId: 'UNI-USD-SWAP' },
        { channel: 'index-tickers', instId: 'UNI-USD' },
      ],
    });
    const sync = syncOf(run.pipeline, 'okx', 'UNI-USD-SWAP')!;
    expect(summarize(sync.book)).toEqual({ bestBid: '5.137', bestAsk: '5.145', bids: 125, asks: 118 });
    expect(sync.stats.checksumFailures).toBe(0);
    const paths = run.exchange.requests.map((r) => r.path);
    expect(paths).toEqual(['/api/v5/public/instruments?instType=SWAP']);
    expect(run.pipeline.directory.get('okx:UNI-USD-SWAP')?.contractValue).toBe(10);
    expect(run.session.status()[0]!.snapshotsRequested).toBe(0);
  });

  it('keeps a quiet socket alive with text ping, and reconnects when no pong comes', async () => {
    const run = await runOkx([{ symbol: 'BTC-USDT', depthStream: null, index: null }], () => {}, {
      connection: { pingIntervalSeconds: 0.08, staleTimeoutSeconds: 5 },
      tuning: { pongTimeoutMs: 100 },
    });
    await waitFor(() => run.exchange.connections.length === 1, 'a connection');
    const first = run.exchange.connections[0]!;
    await waitFor(() => first.received.filter((r) => r.text === 'ping').length >= 3, 'three pings', 2000);
    expect(run.exchange.connections).toHaveLength(1);
    expect(run.session.status()[0]!.connections[0]!.state).toBe('connected');
    run.exchange.answerTextPings = false;
    await waitFor(() => run.exchange.connections.length === 2, 'a reconnect', 2000);
    expect(run.session.status()[0]!.connections[0]!.lastError).toBe('no pong within 100 ms');
    // Resubscribed on the new socket.
    await waitFor(() => run.exchange.connections[1]!.received.some((r) => isSubscribe(r.text)), 'resubscribe');
  });

  it('2026 books without a socket snapshot: REST snapshot by seqId, rebuilt after a drop, never a wrong book', async () => {
    const sim = new OkxBookSim('BTC-USDT-SWAP');
    let timer: NodeJS.Timeout | undefined;
    let wrong = 0;
    let compared = 0;
    let newest = 0;
    const run = await runOkx(
      [{ symbol: 'BTC-USDT-SWAP', depthStream: null, index: null }],
      (exchange) => {
        exchange.onMessage = (_c, text) => {
          if (!isSubscribe(text) || timer) return;
          timer = setInterval(() => {
            const message = sim.step();
            for (const c of exchange.open()) c.send(message);
            if (sim.seq >= sim.start + 400 * 3) clearInterval(timer);
          }, 2);
        };
        exchange.rest = (url) => (url.pathname === '/api/v5/market/books' ? { body: sim.restBody() } : { body: '{"code":"0","msg":"","data":[]}' });
      },
      {
        onFrame: (frame, pipeline) => {
          const seq = /"seqId":(\d+)/.exec(frame.data);
          if (!seq) return;
          newest = Math.max(newest, Number(seq[1]));
          const sync = syncOf(pipeline, 'okx', 'BTC-USDT-SWAP');
          const truth = sim.truth.get(newest);
          if (!sync?.valid || !truth) return;
          compared += 1;
          if (JSON.stringify(summarize(sync.book)) !== JSON.stringify(truth)) wrong += 1;
        },
      },
    );
    cleanups.push(async () => clearInterval(timer));
    await waitFor(() => sim.seq >= sim.start + 150 * 3, 'a third of the stream');
    run.exchange.open()[0]!.kill();
    await waitFor(() => sim.seq >= sim.start + 400 * 3, 'the end of the stream', 8000);
    await waitFor(() => syncOf(run.pipeline, 'okx', 'BTC-USDT-SWAP')?.valid === true && newest === sim.seq, 'the book in sync');
    const sync = syncOf(run.pipeline, 'okx', 'BTC-USDT-SWAP')!;
    expect(levelsOf(sync.book, 'bid')).toEqual(sim.levels('bid'));
    expect(levelsOf(sync.book, 'ask')).toEqual(sim.levels('ask'));
    expect(run.disconnects).toEqual([['BTC-USDT-SWAP']]);
    const bookRequests = run.exchange.requests.filter((r) => r.path === '/api/v5/market/books?instId=BTC-USDT-SWAP&sz=400');
    expect(bookRequests.length).toBe(2);
    expect(wrong).toBe(0);
    expect(compared).toBeGreaterThan(200);
  });

  it('moves to a new socket on a service notice, with overlap and without a disconnect', async () => {
    const run = await runOkx([{ symbol: 'BTC-USDT', depthStream: null, index: null }], () => {}, { tuning: { overlapMs: 50 } });
    await waitFor(() => run.exchange.connections[0]?.received.some((r) => isSubscribe(r.text)) === true, 'subscribed');
    run.exchange.connections[0]!.send('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade."}');
    await waitFor(() => run.exchange.connections.length === 2 && run.exchange.connections[0]!.closed, 'the old socket closed');
    expect(run.exchange.connections[1]!.received.some((r) => isSubscribe(r.text))).toBe(true);
    expect(run.disconnects).toEqual([]);
    expect(run.session.status()[0]!.connections[0]!.state).toBe('connected');
  });
});

/**
 * A 2026-style OKX book: updates carry seqId / prevSeqId and checksum 0,
 * no socket snapshot; REST `market/books` returns the book with its seqId.
 * Bids 90.0-99.9 and asks 100.0-109.9, so it never crosses.
 */
class OkxBookSim {
  readonly start = 5_000;
  seq = this.start;
  readonly truth = new Map<number, ReturnType<typeof summarize>>();
  private readonly bids = new Map<string, string>();
  private readonly asks = new Map<string, string>();
  private random = 12345;

  constructor(private readonly instId: string) {
    for (let i = 0; i < 30; i += 1) {
      this.bids.set((99.9 - i * 0.1).toFixed(1), String(1 + i));
      this.asks.set((100 + i * 0.1).toFixed(1), String(2 + i));
    }
  }

  /** The next update message; seqIds jump by 3 as OKX's do not step by one. */
  step(): string {
    const side = this.next() % 2 === 0 ? 'bid' : 'ask';
    const price = side === 'bid' ? (90 + (this.next() % 100) / 10).toFixed(1) : (100 + (this.next() % 100) / 10).toFixed(1);
    const size = this.next() % 4 === 0 ? '0' : String(1 + (this.next() % 50));
    const book = side === 'bid' ? this.bids : this.asks;
    if (size === '0') book.delete(price);
    else book.set(price, size);
    const prev = this.seq;
    this.seq += 3;
    this.truth.set(this.seq, this.summary());
    const level = [[price, size, '0', '1']];
    const data = { asks: side === 'ask' ? level : [], bids: side === 'bid' ? level : [], ts: String(1_770_000_000_000 + this.seq), checksum: 0, seqId: this.seq, prevSeqId: prev };
    return JSON.stringify({ arg: { channel: 'books', instId: this.instId }, action: 'update', data: [data] });
  }

  restBody(): string {
    const entry = (l: [string, string]) => [l[0], l[1], '0', '1'];
    const data = { asks: this.levels('ask').map(entry), bids: this.levels('bid').map(entry), ts: String(1_770_000_000_000 + this.seq), seqId: this.seq };
    return JSON.stringify({ code: '0', msg: '', data: [data] });
  }

  /** Levels best first, as `[price, size]` text. */
  levels(side: 'bid' | 'ask'): [string, string][] {
    const entries = [...(side === 'bid' ? this.bids : this.asks).entries()];
    return entries.sort((a, b) => (side === 'bid' ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  }

  private summary(): ReturnType<typeof summarize> {
    const bids = this.levels('bid');
    const asks = this.levels('ask');
    return { bestBid: bids[0]?.[0], bestAsk: asks[0]?.[0], bids: bids.length, asks: asks.length };
  }

  private next(): number {
    this.random = (this.random * 1103515245 + 12345) % 2147483648;
    return this.random >>> 8;
  }
}
