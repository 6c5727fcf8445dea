import { describe, expect, it } from 'vitest';
import { DEFAULT_FEED_ALERTS, resolveFeedRules } from '../../src/shared/config/feed-alerts-schema';
import { FeedIntegrityMonitor } from '../../src/shared/core/feed-integrity';
import { BoundaryQueue } from '../../src/engine/workers/boundary-queue';

describe('BoundaryQueue', () => {
  it('hands boundaries out oldest first and sheds the oldest past its backlog, counting every one', () => {
    const queue = new BoundaryQueue<string>(3);
    expect(queue.push(1000, 'a')).toBe(0);
    expect(queue.push(2000, 'b')).toBe(0);
    expect(queue.take()).toEqual({ time: 1000, item: 'a' });
    for (const [t, x] of [[3000, 'c'], [4000, 'd']] as const) expect(queue.push(t, x)).toBe(0);
    // A fourth waiting boundary: the oldest (b) goes.
    expect(queue.push(5000, 'e')).toBe(1);
    expect(queue.length).toBe(3);
    const out: string[] = [];
    for (let next = queue.take(); next; next = queue.take()) out.push(next.item);
    expect(out).toEqual(['c', 'd', 'e']);
    // Every boundary pushed is either taken or shed: none is lost without a count.
    expect(queue.taken + queue.shed).toBe(5);
    expect(queue.shed).toBe(1);
    expect(() => new BoundaryQueue(0)).toThrow(/maxBacklog/);
  });
});

describe('the analytics_lag alert', () => {
  it('says how many seconds of the market were skipped to catch up', () => {
    const monitor = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    const T0 = Date.UTC(2026, 11, 1);
    const engine = (shed: number) => ({ workerRestarts: {}, analyticsLagMs: 12_000, historyWriteFailures: 0, lastHistoryError: null, shedBoundaries: shed });
    let detail: string | null = null;
    for (let t = T0; t < T0 + 30_000 && detail === null; t += 1000) {
      const step = monitor.observe(t, [], engine(37));
      detail = step.alerts.find((a) => a.rule === 'analytics_lag')?.detail ?? null;
    }
    expect(detail).toBe('analytics 12.0 s behind; 37 seconds of the market skipped to catch up, not evaluated nor stored');
  });

  it('counts only the seconds skipped since the analytics were last on time', () => {
    const monitor = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    const T0 = Date.UTC(2026, 11, 1);
    const engine = (lagMs: number, shed: number) => ({ workerRestarts: {}, analyticsLagMs: lagMs, historyWriteFailures: 0, lastHistoryError: null, shedBoundaries: shed });
    let t = T0;
    // 12 seconds shed at start-up, then on time for a minute (the bootstrap's alert resolves), then behind again with 3 more shed.
    for (; t < T0 + 30_000; t += 1000) monitor.observe(t, [], engine(12_000, 12));
    for (; t < T0 + 90_000; t += 1000) monitor.observe(t, [], engine(200, 12));
    let detail: string | null = null;
    for (const end = t + 30_000; t < end && detail === null; t += 1000) {
      const step = monitor.observe(t, [], engine(12_000, 15));
      detail = step.alerts.find((a) => a.rule === 'analytics_lag' && a.state !== 'resolved')?.detail ?? null;
    }
    expect(detail).toBe('analytics 12.0 s behind; 3 seconds of the market skipped to catch up, not evaluated nor stored');
  });
});
