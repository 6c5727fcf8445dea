import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import { SimRestLimits } from '../../src/engine/simulator/sim-rest-limits';
import { BinanceFeed } from '../../src/engine/venues/binance/binance-feed';
import { OkxFeed } from '../../src/engine/venues/okx/okx-feed';
import type { Feed } from '../../src/engine/feed/feed';
import { waitFor } from '../support/loopback-exchange';
import { CONFIG } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<SimServer> {
  const s = await startSimServer({ scenario: 'calm', alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
  cleanups.push(() => s.close());
  return s;
}

function started<T extends Feed>(feed: T): T {
  cleanups.push(() => feed.stop());
  feed.start();
  return feed;
}

/** Binance counts per calendar minute: do not start a sequence that would straddle two. */
async function freshMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

/** Spends weight from this IP as another process on the same machine would: spot depth limit=5000 weighs 250. */
async function spend(base: string, requests: number): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < requests; i += 1) out.push(await fetch(`${base}/api/v3/depth?limit=5000&symbol=BTCUSDT`));
  return out;
}

describe('simulated REST limits (the venues\' documented weights, per IP)', () => {
  it('Binance spot: 6000 weight a minute, X-MBX-USED-WEIGHT-1M, then 429 with Retry-After, then 418 for going on', async () => {
    const sim = await server();
    await freshMinute();
    const base = sim.urls['binance-spot'].http;
    const ok = await spend(base, 24);
    expect(ok.every((r) => r.status === 200)).toBe(true);
    expect(ok.at(-1)!.headers.get('x-mbx-used-weight-1m')).toBe('6000');
    const [throttled] = await spend(base, 1);
    expect(throttled!.status).toBe(429);
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled!.json()) as { code: number }).code).toBe(-1003);
    const [banned] = await spend(base, 1);
    expect(banned!.status).toBe(418);
    expect(Number(banned!.headers.get('retry-after'))).toBeGreaterThanOrEqual(119);
    // USD-M is another host with its own 2400: untouched.
    const usdm = await fetch(`${sim.urls['binance-usdm'].http}/fapi/v1/depth?limit=1000&symbol=BTCUSDT`);
    expect(usdm.status).toBe(200);
    expect(usdm.headers.get('x-mbx-used-weight-1m')).toBe('20');
    expect(sim.restLimits('binance-spot').refused).toEqual({ throttled: 1, banned: 1 });
  });

  it('OKX market/books: 40 requests per 2 s, then HTTP 429 code 50011; other endpoints count apart', async () => {
    const sim = await server();
    const base = sim.urls.okx.http;
    const statuses: number[] = [];
    for (let i = 0; i < 41; i += 1) statuses.push((await fetch(`${base}/api/v5/market/books?instId=BTC-USDT&sz=5`)).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    const over = await fetch(`${base}/api/v5/market/books?instId=BTC-USDT&sz=5`);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { code: string }).code).toBe('50011');
    expect((await fetch(`${base}/api/v5/public/instruments?instType=SPOT`)).status).toBe(200);
  });
});

describe('a live feed against the limits', () => {
  it('reads the venue\'s used weight back into its budget', async () => {
    const sim = await server();
    await freshMinute();
    await spend(sim.urls['binance-spot'].http, 16); // 4000 of 6000, spent by "someone else" on this IP
    const feed = started(new BinanceFeed('spot', { subscriptions: [{ symbol: 'BTCUSDT', depthStream: 'diff', index: null }], exchanges: sim.exchangesConfig(CONFIG.exchanges), sink: { onFrame: () => {} } }));
    await waitFor(() => (feed.status().restBudgets?.[0]?.used ?? 0) >= 4_000, 'the header read back', 10_000);
    const budget = feed.status().restBudgets![0]!;
    expect(budget).toMatchObject({ limit: 6000, allowed: 4800 });
    expect(budget.used).toBeGreaterThanOrEqual(4_000);
    expect(sim.restLimits('binance-spot').refused).toEqual({ throttled: 0, banned: 0 });
  });

  it('an IP banned with 418: counted, the REST link down with the ban in words, and no request until Retry-After', async () => {
    const sim = await server();
    await freshMinute();
    const spot = sim.urls['binance-spot'].http;
    const burst = await spend(spot, 26); // 24 served, a 429, then a 418: the IP is banned
    expect(burst.at(-1)!.status).toBe(418);
    const statuses: unknown[] = [];
    const feed = started(
      new BinanceFeed('spot', {
        subscriptions: [{ symbol: 'BTCUSDT', depthStream: 'diff', index: null }],
        exchanges: sim.exchangesConfig(CONFIG.exchanges),
        sink: { onFrame: () => {}, onStatus: (s) => statuses.push(s) },
      }),
    );
    await waitFor(() => (feed.status().restBans ?? 0) === 1, 'the 418', 10_000);
    const rest = feed.status().connections.find((c) => c.id === 'binance-spot-rest')!;
    expect(rest.state).toBe('backing_off');
    expect(rest.downSince).not.toBeNull();
    expect(rest.lastError).toMatch(/HTTP 418: IP banned.*Retry-After 1[12]\d s/);
    expect(rest.nextRetryAt! - Date.now()).toBeGreaterThan(100_000);
    // The status went out at once: feed_down reads it from there.
    expect(statuses.length).toBeGreaterThan(0);
    const refusedThen = sim.restLimits('binance-spot').refused.banned;
    // The socket opens and the book wants a snapshot: the feed must hold it, not knock again.
    await waitFor(() => feed.status().connections[0]!.state === 'connected', 'the socket', 10_000);
    for (let i = 0; i < 20; i += 1) feed.requestSnapshot('BTCUSDT');
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.restLimits('binance-spot').refused.banned).toBe(refusedThen);
    expect(feed.status().restBudgets![0]!.pausedUntil).toBe(rest.nextRetryAt);
  });

  it('OKX: a 429 (someone else spent the 2 s) pauses books for a window, then the snapshot comes', async () => {
    const sim = await server();
    const base = sim.urls.okx.http;
    const frames: { url: string; status?: number }[] = [];
    const feed = started(
      new OkxFeed({
        subscriptions: [{ symbol: 'BTC-USDT', depthStream: 'diff', index: null }],
        exchanges: sim.exchangesConfig(CONFIG.exchanges),
        sink: { onFrame: (f) => frames.push(f) },
        tuning: { snapshotGraceMs: 0 },
      }),
    );
    await waitFor(() => feed.status().connections[0]!.state === 'connected', 'the socket', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all(Array.from({ length: 40 }, () => fetch(`${base}/api/v5/market/books?instId=ETH-USDT&sz=1`)));
    // Asked again and again, as the live session does while the book wants one.
    await waitFor(
      () => (feed.requestSnapshot('BTC-USDT'), frames.some((f) => f.url.includes('/market/books') && f.status === undefined)),
      'the snapshot after the pause',
      10_000,
    );
    expect(feed.status().restThrottled).toBe(1);
    expect(frames.some((f) => f.url.includes('/market/books') && f.status === 429)).toBe(true);
    expect(sim.restLimits('okx').refused.throttled).toBe(1);
  });
});

describe('Bybit REST limit as the simulated server counts it', () => {
  // The limiter itself on a clock of its own: 600 requests per 5 s per IP, then HTTP 403 until the window moves on.
  it('serves 600 requests of an IP in 5 s, refuses the 601st with 403, and serves again once the oldest leaves the window', () => {
    const limits = new SimRestLimits();
    for (let i = 0; i < 600; i += 1) expect(limits.judgeBybit('10.0.0.1', i).ok).toBe(true);
    const refused = limits.judgeBybit('10.0.0.1', 4_999);
    expect(refused).toMatchObject({ ok: false, status: 403, body: 'access too frequent' });
    // Another IP has its own window.
    expect(limits.judgeBybit('10.0.0.2', 4_999).ok).toBe(true);
    // At 5000 ms the first request (t = 0) has left the window.
    expect(limits.judgeBybit('10.0.0.1', 5_000).ok).toBe(true);
    expect(limits.judgeBybit('10.0.0.1', 5_000).ok).toBe(false);
    expect(limits.refused.throttled).toBe(2);
    expect(limits.spent.get('10.0.0.1')).toBe(601);
  });
});
