import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestBudget } from '../../src/engine/feed/request-budget';
import { planSnapshotDepths } from '../../src/engine/feed/snapshot-plan';
import { binanceDepthLimit, binanceDepthWeight, binanceTicker24hWeight } from '../../src/engine/venues/binance/binance-rest-weights';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Schedules `count` tasks of `cost` and records when each ran (fake ms since start), finishing each at once. */
function run(budget: RequestBudget, costs: readonly number[], priorities?: readonly number[]): { order: number[]; at: number[] } {
  const start = Date.now();
  const order: number[] = [];
  const at: number[] = [];
  costs.forEach((cost, i) =>
    budget.schedule(
      (done) => {
        order.push(i);
        at.push(Date.now() - start);
        done();
      },
      cost,
      priorities?.[i] ?? 0,
    ),
  );
  return { order, at };
}

describe('request budget (weights per window with headroom)', () => {
  it('spends at most share x limit per sliding window, then waits for old spends to leave it', () => {
    const budget = new RequestBudget({ name: 'spot', limit: 100, windowMs: 60_000, share: 0.8 });
    expect(budget.allowed).toBe(80);
    const { at } = run(budget, [25, 25, 25, 25, 25]);
    // 3 x 25 = 75 fit in 80; the 4th must wait until the first leaves the window.
    expect(at).toEqual([0, 0, 0]);
    expect(budget.used()).toBe(75);
    vi.advanceTimersByTime(59_000);
    expect(at).toHaveLength(3);
    vi.advanceTimersByTime(1_100);
    expect(at).toHaveLength(5);
    // The first three left the window; the two that just ran are what it holds.
    expect(budget.used()).toBe(50);
    budget.close();
  });

  it('runs the waiting tasks by priority, then first come', () => {
    const budget = new RequestBudget({ name: 'b', limit: 10, windowMs: 1_000, share: 1 });
    const { order } = run(budget, [10, 10, 10, 10, 10], [5, 3, 9, 3, 0]);
    vi.advanceTimersByTime(5_000);
    // The first runs at once (nothing waits before it), the rest by priority.
    expect(order).toEqual([0, 4, 1, 3, 2]);
    budget.close();
  });

  it('takes the venue-reported used weight as spent when it is above our own count', () => {
    const budget = new RequestBudget({ name: 'b', limit: 100, windowMs: 60_000, share: 1 });
    run(budget, [10]);
    budget.observeUsed(95);
    expect(budget.used()).toBe(95);
    const { at } = run(budget, [10]);
    expect(at).toHaveLength(0);
    // A lower report (the venue's fixed minute rolled over) does not give back what we counted.
    budget.observeUsed(3);
    expect(budget.used()).toBe(95);
    vi.advanceTimersByTime(60_100);
    expect(at).toHaveLength(1);
    budget.close();
  });

  it('starts nothing before a pause (Retry-After) ends, and honours the in-flight cap', () => {
    const budget = new RequestBudget({ name: 'b', limit: 100, windowMs: 1_000, share: 1, maxInFlight: 2 });
    budget.pauseUntil(Date.now() + 5_000);
    const started: number[] = [];
    const finishers: (() => void)[] = [];
    for (let i = 0; i < 4; i += 1) budget.schedule((done) => (started.push(i), finishers.push(done)), 1);
    vi.advanceTimersByTime(4_900);
    expect(started).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(started).toEqual([0, 1]);
    finishers[0]!();
    expect(started).toEqual([0, 1, 2]);
    expect(budget.state()).toMatchObject({ queued: 1, inFlight: 2, pausedUntil: null });
    budget.close();
  });
});

describe('Binance weights (documented tables)', () => {
  it('spot depth by limit band, USD-M by listed limit', () => {
    expect([1, 100, 101, 500, 501, 1000, 1001, 5000].map((l) => binanceDepthWeight('spot', l))).toEqual([5, 5, 25, 25, 50, 50, 250, 250]);
    expect([5, 10, 20, 50, 100, 500, 1000].map((l) => binanceDepthWeight('usdm', l))).toEqual([2, 2, 2, 2, 5, 10, 20]);
    expect(binanceDepthLimit('usdm', 60)).toBe(100);
    expect(binanceDepthLimit('usdm', 5000)).toBe(1000);
    expect(binanceDepthLimit('spot', 9000)).toBe(5000);
    expect([binanceTicker24hWeight('spot', 1), binanceTicker24hWeight('spot', 50), binanceTicker24hWeight('spot', 'all')]).toEqual([2, 40, 80]);
    expect([binanceTicker24hWeight('usdm', 1), binanceTicker24hWeight('usdm', 'all')]).toEqual([1, 40]);
  });
});

describe('snapshot depth plan', () => {
  const spot = [100, 5000].map((depth) => ({ depth, cost: binanceDepthWeight('spot', depth) }));
  const usdm = [50, 100, 1000].map((depth) => ({ depth, cost: binanceDepthWeight('usdm', depth) }));

  it('fits every first snapshot in one window: the cheap band for all, full depth for the top while it lasts', () => {
    const books = new Array<undefined>(622).fill(undefined);
    const depths = planSnapshotDepths(books, spot, 4_320, (d) => binanceDepthWeight('spot', d));
    const cost = depths.reduce((sum, d) => sum + binanceDepthWeight('spot', d), 0);
    expect(cost).toBeLessThanOrEqual(4_320);
    expect(depths.slice(0, 4)).toEqual([5000, 5000, 5000, 5000]);
    expect(depths.at(-1)).toBe(100);
    // Full depth goes to the head of the list only.
    expect(depths.lastIndexOf(5000)).toBeLessThan(depths.indexOf(100));
  });

  it('raises the whole list to the mid band before any book to full depth', () => {
    const depths = planSnapshotDepths(new Array<undefined>(200).fill(undefined), usdm, 1_728, (d) => binanceDepthWeight('usdm', d));
    expect(depths.filter((d) => d === 50)).toHaveLength(0);
    expect(depths[0]).toBe(1000);
    expect(depths.at(-1)).toBe(100);
    expect(depths.reduce((s, d) => s + binanceDepthWeight('usdm', d), 0)).toBeLessThanOrEqual(1_728);
  });

  it('keeps a depth a subscription asks for and charges it first', () => {
    const depths = planSnapshotDepths([5000, undefined, undefined], spot, 260, (d) => binanceDepthWeight('spot', d));
    expect(depths).toEqual([5000, 100, 100]);
  });
});
