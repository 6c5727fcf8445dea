import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/engine/feed/rate-limiter';
import { ReconnectPolicy } from '../../src/engine/feed/reconnect-policy';
import { RequestBudget } from '../../src/engine/feed/request-budget';
import { RestClient } from '../../src/engine/feed/rest-client';
import { BinanceFeed, planBinanceConnections } from '../../src/engine/venues/binance';
import { planOkxConnections } from '../../src/engine/venues/okx';
import type { Feed, FeedSubscription } from '../../src/engine/feed/feed';
import { LoopbackExchange, closedPort, loopbackConfig, waitFor } from '../support/loopback-exchange';

const diff = (symbol: string): FeedSubscription => ({ symbol, depthStream: 'diff', index: null });
const SYMBOLS = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT', 'DDDUSDT', 'EEEUSDT'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(exchange: LoopbackExchange, make: () => Feed): Promise<Feed> {
  const feed = make();
  cleanups.push(async () => {
    await feed.stop();
    await exchange.close();
  });
  feed.start();
  return feed;
}

describe('connection planning', () => {
  it('splits Binance streams over connections within the stream limit, a symbol never split', () => {
    const plans = planBinanceConnections('spot', SYMBOLS.map(diff), { primary: 'ws://x' }, 4);
    expect(plans.map((p) => p.symbols)).toEqual([['AAAUSDT', 'BBBUSDT'], ['CCCUSDT', 'DDDUSDT'], ['EEEUSDT']]);
    expect(plans[2]!.streams).toEqual(['eeeusdt@depth@100ms', 'eeeusdt@bookTicker']);
  });

  it('puts USD-M depth and bookTicker on /public and markPrice on /market; partial20 is its own snapshot', () => {
    const subs: FeedSubscription[] = [diff('BTCUSDT'), { symbol: 'ETHUSDT', depthStream: 'partial20', index: null }];
    const plans = planBinanceConnections('usdm', subs, { primary: 'ws://x/public', market: 'ws://x/market' }, 200);
    expect(plans).toEqual([
      {
        role: 'public',
        base: 'ws://x/public',
        streams: ['btcusdt@depth@100ms', 'btcusdt@bookTicker', 'ethusdt@depth20@100ms', 'ethusdt@bookTicker'],
        symbols: ['BTCUSDT', 'ETHUSDT'],
        bookSymbols: ['BTCUSDT', 'ETHUSDT'],
      },
      { role: 'market', base: 'ws://x/market', streams: ['btcusdt@markPrice@1s', 'ethusdt@markPrice@1s'], symbols: ['BTCUSDT', 'ETHUSDT'], bookSymbols: [] },
    ]);
  });

  it('puts at most 30 OKX books on one connection, each index once', () => {
    const subs = Array.from({ length: 31 }, (_, i) => ({ symbol: `C${i}-USDT-SWAP`, depthStream: null, index: 'BTC-USDT' }));
    const plans = planOkxConnections(subs, 30);
    expect(plans.map((p) => p.symbols.length)).toEqual([30, 1]);
    expect(plans.flatMap((p) => p.args).filter((a) => a.channel === 'index-tickers')).toEqual([{ channel: 'index-tickers', instId: 'BTC-USDT' }]);
    expect(plans[1]!.args.map((a) => a.channel)).toEqual(['books', 'tickers', 'mark-price', 'funding-rate']);
  });
});

describe('Binance connections on loopback', () => {
  it('opens one socket per planned connection with its streams in the URL', async () => {
    const exchange = await LoopbackExchange.start();
    const config = loopbackConfig(exchange);
    await started(exchange, () => new BinanceFeed('spot', { subscriptions: SYMBOLS.map(diff), exchanges: config.exchanges, sink: { onFrame: () => {} }, tuning: { maxStreamsPerConnection: 4 } }));
    await waitFor(() => exchange.connections.length === 3, 'three sockets');
    expect(exchange.connections.map((c) => c.path).sort()).toEqual([
      '/stream?streams=aaausdt@depth@100ms/aaausdt@bookTicker/bbbusdt@depth@100ms/bbbusdt@bookTicker',
      '/stream?streams=cccusdt@depth@100ms/cccusdt@bookTicker/dddusdt@depth@100ms/dddusdt@bookTicker',
      '/stream?streams=eeeusdt@depth@100ms/eeeusdt@bookTicker',
    ]);
  });

  it('sends streams that do not fit in the URL as SUBSCRIBE messages, paced by the rate limit', async () => {
    const exchange = await LoopbackExchange.start();
    const config = loopbackConfig(exchange, { rateLimitPerSecond: 20 });
    const maxUrlLength = `${exchange.wsBase}/public/stream?streams=aaausdt@depth@100ms/aaausdt@bookTicker`.length;
    await started(exchange, () => new BinanceFeed('usdm', { subscriptions: SYMBOLS.slice(0, 3).map(diff), exchanges: config.exchanges, sink: { onFrame: () => {} }, tuning: { maxUrlLength, subscribeBatch: 2 } }));
    await waitFor(() => (exchange.open('/public')[0]?.received.length ?? 0) === 2, 'two SUBSCRIBE messages');
    const publicSocket = exchange.open('/public')[0]!;
    expect(publicSocket.path).toBe('/public/stream?streams=aaausdt@depth@100ms/aaausdt@bookTicker');
    const messages = publicSocket.received.map((r) => JSON.parse(r.text) as { method: string; params: string[] });
    expect(messages.map((m) => m.method)).toEqual(['SUBSCRIBE', 'SUBSCRIBE']);
    expect(messages.flatMap((m) => m.params)).toEqual(['bbbusdt@depth@100ms', 'bbbusdt@bookTicker', 'cccusdt@depth@100ms', 'cccusdt@bookTicker']);
    // The market socket's first SUBSCRIBE took a token too: at 20/s, two messages later are >= 45 ms apart.
    const gap = publicSocket.received[1]!.t - publicSocket.received[0]!.t;
    expect(gap).toBeGreaterThanOrEqual(40);
    expect(exchange.open('/market')[0]!.path.startsWith('/market/stream?streams=aaausdt@markPrice@1s')).toBe(true);
  });

  it('backs off exponentially, then keeps retrying slowly against a closed port', async () => {
    const exchange = await LoopbackExchange.start();
    const config = loopbackConfig(exchange, { reconnectDelaySeconds: 0.01, maxReconnectAttempts: 3 });
    const port = await closedPort();
    const dead = `ws://127.0.0.1:${port}`;
    const exchanges = { ...config.exchanges, binance: { ...config.exchanges.binance, spot: { websocketUrl: dead, restUrl: `http://127.0.0.1:${port}` } } };
    const disconnects: number[] = [];
    const feed = await started(exchange, () => new BinanceFeed('spot', { subscriptions: [diff('AAAUSDT')], exchanges, sink: { onFrame: () => {}, onDisconnect: () => disconnects.push(1) }, tuning: { slowRetryMs: 200, metadataAttempts: 1 } }));
    await waitFor(() => feed.status().connections[0]!.state === 'backing_off', 'backing_off', 3000);
    const status = feed.status().connections[0]!;
    expect(status.failedAttempts).toBe(4);
    expect(status.lastError).toMatch(/ECONNREFUSED/);
    await waitFor(() => feed.status().connections[0]!.failedAttempts === 5, 'a slow retry', 3000);
    expect(disconnects.length).toBeLessThanOrEqual(1);
  });
});

describe('REST client and pacing', () => {
  it('pauses every request for Retry-After after HTTP 429, and returns the error body', async () => {
    const exchange = await LoopbackExchange.start();
    cleanups.push(() => exchange.close());
    let calls = 0;
    exchange.rest = () => (++calls === 1 ? { status: 429, body: '{"code":-1003,"msg":"Too many requests"}', headers: { 'retry-after': '0.3' } } : { body: '{}' });
    const budget = new RequestBudget({ name: 'test', limit: 100, windowMs: 1000, share: 1 });
    const client = new RestClient({ budgets: [budget], timeoutMs: 1000, defaultRetryAfterMs: 60_000 });
    cleanups.push(async () => {
      client.close();
      budget.close();
    });
    const first = await client.get(`${exchange.httpBase}/api/v3/depth?symbol=X`);
    expect(first).toMatchObject({ status: 429, body: '{"code":-1003,"msg":"Too many requests"}' });
    const before = Date.now();
    const second = await client.get(`${exchange.httpBase}/api/v3/depth?symbol=X`);
    expect(second.status).toBe(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
  });

  it('backoff doubles with jitter up to its cap, then goes slow', () => {
    const policy = new ReconnectPolicy({ baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5, slowRetryMs: 60_000 }, () => 1);
    expect([1, 2, 3, 4, 5].map((n) => policy.delayMs(n))).toEqual([100, 200, 400, 800, 1000]);
    const low = new ReconnectPolicy(policy.settings, () => 0);
    expect(low.delayMs(3)).toBe(200);
    expect(policy.isSlow(5)).toBe(false);
    expect(policy.isSlow(6)).toBe(true);
    expect(low.delayMs(6)).toBe(54_000);
    expect(new ReconnectPolicy({ ...policy.settings, maxAttempts: 0 }).isSlow(1000)).toBe(false);
  });

  it('the token bucket runs tasks in order at its rate', async () => {
    const limiter = new RateLimiter(50, 1);
    cleanups.push(async () => limiter.close());
    const times: number[] = [];
    const start = Date.now();
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 4; i += 1) limiter.schedule(() => (times.push(Date.now() - start), i === 3 && resolve()));
    });
    expect(times[0]).toBeLessThan(15);
    expect(times[3]!).toBeGreaterThanOrEqual(55);
  });
});
