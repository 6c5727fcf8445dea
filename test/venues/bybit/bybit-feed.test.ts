import { afterEach, describe, expect, it } from 'vitest';
import { BybitFeed, planBybitConnections, type BybitConfig } from '../../../src/engine/venues/bybit/bybit-feed';
import type { FeedSubscription } from '../../../src/engine/feed/feed';
import type { FeedStatus } from '../../../src/engine/feed/feed-status';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import { LoopbackExchange, waitFor, type LoopbackConnection } from '../../support/loopback-exchange';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SUBS: FeedSubscription[] = [
  { symbol: 'BTCUSDT', depthStream: 'diff', index: null },
  { symbol: 'SOLUSDT', depthStream: 'partial20', index: null },
  { symbol: 'BTCUSD', depthStream: 'diff', index: null },
  { symbol: 'BTCUSDT-SPOT', depthStream: 'diff', index: null },
];

const instrumentsPage = (category: string, cursor: string) =>
  JSON.stringify({ retCode: 0, retMsg: 'OK', result: { category, list: [], nextPageCursor: cursor }, time: 1 });

async function start(options: { pingSeconds?: number; subscriptions?: FeedSubscription[] } = {}) {
  const exchange = await LoopbackExchange.start();
  exchange.rest = (url) => {
    if (!url.pathname.endsWith('/v5/market/instruments-info')) return undefined;
    // Linear is paged: a cursor on the first page, none on the second.
    const category = url.searchParams.get('category')!;
    return { body: instrumentsPage(category, category === 'linear' && !url.searchParams.has('cursor') ? 'page2' : '') };
  };
  // Every subscribe is answered with a snapshot of each book topic, as Bybit does.
  exchange.onMessage = (connection, text) => {
    const message = JSON.parse(text) as { op: string; args?: string[] };
    if (message.op === 'ping') connection.send(JSON.stringify({ success: true, ret_msg: 'pong', conn_id: 'c', op: 'ping' }));
    if (message.op !== 'subscribe') return;
    for (const topic of message.args ?? []) {
      if (!topic.startsWith('orderbook.')) continue;
      const s = topic.split('.')[2];
      connection.send(JSON.stringify({ topic, type: 'snapshot', ts: Date.now(), data: { s, b: [['100.0', '1']], a: [['101.0', '1']], u: 1, seq: 1 } }));
    }
  };
  const ws = exchange.wsBase;
  const config: BybitConfig = {
    enabled: true,
    websocketUrls: { spot: `${ws}/v5/public/spot`, linear: `${ws}/v5/public/linear`, inverse: `${ws}/v5/public/inverse` },
    restUrl: exchange.httpBase,
    connection: { rateLimitPerSecond: 50, reconnectDelaySeconds: 0.02, maxReconnectAttempts: 10, pingIntervalSeconds: options.pingSeconds ?? 5, staleTimeoutSeconds: 5 },
  };
  const frames: RawFrame[] = [];
  const disconnects: string[][] = [];
  let status: FeedStatus | null = null;
  const feed = new BybitFeed({
    config,
    subscriptions: options.subscriptions ?? SUBS,
    sink: { onFrame: (f) => frames.push(f), onDisconnect: (_v, symbols) => disconnects.push([...symbols]), onStatus: (s) => (status = s) },
  });
  feed.start();
  cleanups.push(async () => {
    await feed.stop();
    await exchange.close();
  });
  return { exchange, feed, frames, disconnects, status: () => status };
}

const sentBy = (c: LoopbackConnection) => c.received.map((r) => JSON.parse(r.text) as { op: string; args?: string[] });

describe('the Bybit live feed on loopback', () => {
  it('opens one socket per category, subscribes books and tickers in requests of at most 10 args, and reads every page of instruments', async () => {
    const run = await start();
    await waitFor(() => run.exchange.open('/v5/public/').length === 3 && run.frames.filter((f) => f.kind === 'ws' && f.data.includes('"snapshot"')).length === 4, 'three sockets and four snapshots', 10_000);
    const byPath = new Map(run.exchange.open('/v5/public/').map((c) => [c.path, c]));
    expect([...byPath.keys()].sort()).toEqual(['/v5/public/inverse', '/v5/public/linear', '/v5/public/spot']);
    const topics = (path: string) => sentBy(byPath.get(path)!).filter((m) => m.op === 'subscribe').flatMap((m) => m.args!);
    expect(topics('/v5/public/linear')).toEqual(['orderbook.1000.BTCUSDT', 'tickers.BTCUSDT', 'orderbook.50.SOLUSDT', 'tickers.SOLUSDT']);
    expect(topics('/v5/public/inverse')).toEqual(['orderbook.1000.BTCUSD', 'tickers.BTCUSD']);
    expect(topics('/v5/public/spot')).toEqual(['orderbook.1000.BTCUSDT', 'tickers.BTCUSDT']);
    for (const c of byPath.values()) for (const m of sentBy(c)) if (m.op === 'subscribe') expect(m.args!.length).toBeLessThanOrEqual(10);
    // Each socket's frames carry its URL: the mapper tells the category from it.
    expect(run.frames.filter((f) => f.kind === 'ws').every((f) => f.url.includes('/v5/public/'))).toBe(true);
    await waitFor(() => run.exchange.requests.some((r) => r.path.includes('cursor=page2')), 'the second page of linear instruments', 5_000);
    const rest = run.exchange.requests.map((r) => r.path).filter((p) => p.includes('instruments-info')).sort();
    expect(rest).toEqual([
      '/v5/market/instruments-info?category=inverse&limit=1000',
      '/v5/market/instruments-info?category=linear&limit=1000',
      '/v5/market/instruments-info?category=linear&limit=1000&cursor=page2',
      '/v5/market/instruments-info?category=spot&limit=1000',
    ]);
  });

  it('sends {"op":"ping"} every interval even while data flows', async () => {
    const run = await start({ pingSeconds: 0.3, subscriptions: [SUBS[0]!] });
    await waitFor(() => run.exchange.open('/v5/public/linear').length === 1, 'the socket', 10_000);
    const socket = run.exchange.open('/v5/public/linear')[0]!;
    // Traffic every 50 ms: a silence-based keepalive would never ping.
    let u = 2;
    const timer = setInterval(() => socket.send(JSON.stringify({ topic: 'orderbook.1000.BTCUSDT', type: 'delta', ts: Date.now(), data: { s: 'BTCUSDT', b: [], a: [], u: u++, seq: u } })), 50);
    cleanups.push(async () => clearInterval(timer));
    await waitFor(() => sentBy(socket).filter((m) => m.op === 'ping').length >= 3, 'three pings', 10_000);
    expect(run.disconnects).toEqual([]);
  });

  it('asks for a snapshot by subscribing the book again, once while none has come, and again after a reconnect', async () => {
    const run = await start({ subscriptions: [SUBS[0]!, SUBS[2]!] });
    await waitFor(() => run.exchange.open('/v5/public/').length === 2, 'the sockets', 10_000);
    const linear = run.exchange.open('/v5/public/linear')[0]!;
    await waitFor(() => sentBy(linear).some((m) => m.op === 'subscribe'), 'the first subscribe', 5_000);
    run.feed.requestSnapshot('BTCUSDT');
    run.feed.requestSnapshot('BTCUSDT');
    await waitFor(() => sentBy(linear).filter((m) => m.op === 'subscribe').length === 2, 'the second subscribe', 5_000);
    const ops = sentBy(linear).map((m) => `${m.op} ${(m.args ?? []).join(',')}`);
    expect(ops).toEqual(['subscribe orderbook.1000.BTCUSDT,tickers.BTCUSDT', 'unsubscribe orderbook.1000.BTCUSDT', 'subscribe orderbook.1000.BTCUSDT']);
    expect(run.feed.status().snapshotsRequested).toBe(1);
    await waitFor(() => run.feed.status().snapshotsFetched === 3, 'three snapshots seen (two first, one asked for)', 5_000);
    // The socket drops: its books are out of sync; the reconnect subscribes afresh.
    linear.kill();
    await waitFor(() => run.disconnects.length === 1, 'the disconnect', 5_000);
    expect(run.disconnects[0]).toEqual(['BTCUSDT']);
    await waitFor(() => run.exchange.open('/v5/public/linear').length === 1 && sentBy(run.exchange.open('/v5/public/linear')[0]!).length > 0, 'the reconnect', 10_000);
    run.feed.requestSnapshot('BTCUSDT');
    const fresh = run.exchange.open('/v5/public/linear')[0]!;
    await waitFor(() => sentBy(fresh).some((m) => m.op === 'unsubscribe'), 'a resubscribe on the new socket', 5_000);
  });
});

describe('planBybitConnections', () => {
  it('keeps categories apart and packs at most the topic cap per connection', () => {
    const subs = Array.from({ length: 250 }, (_, i) => ({ symbol: `C${i}USDT`, depthStream: 'diff' as const, index: null }));
    const plans = planBybitConnections([...subs, { symbol: 'BTCUSD', depthStream: 'diff', index: null }]);
    expect(plans.map((p) => [p.category, p.symbols.length, p.topics.length])).toEqual([
      ['linear', 100, 200],
      ['linear', 100, 200],
      ['linear', 50, 100],
      ['inverse', 1, 2],
    ]);
  });
});
