import { describe, expect, it } from 'vitest';
import { DEFAULT_FEED_ALERTS, resolveFeedRules } from '../../src/shared/config/feed-alerts-schema';
import { FeedIntegrityMonitor, type VenueFeedObservation } from '../../src/shared/core/feed-integrity';
import { WindowedCount } from '../../src/shared/core/windowed-count';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const S = 1000;

function venue(over: Partial<VenueFeedObservation> = {}): VenueFeedObservation {
  return {
    venue: 'binance-usdm',
    connections: [{ id: 'public', downSince: null, neverConnected: false, lastError: null, failedAttempts: 0, nextRetryAt: null }],
    stale: false,
    lastFrameAt: null,
    gaps: 0,
    checksumFailures: 0,
    resyncs: 0,
    rejectedFrames: 0,
    bookDrifts: 0,
    books: [],
    ...over,
  };
}

describe('FeedIntegrityMonitor', () => {
  it('opens an unreachable-venue alert after the threshold with the error, attempt and next retry, and resolves on reconnect', () => {
    const monitor = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    const down = (t: number) =>
      venue({
        connections: [
          { id: 'public', downSince: T0, neverConnected: true, lastError: 'getaddrinfo ENOTFOUND fstream.binance.com', failedAttempts: 7, nextRetryAt: t + 16 * S },
        ],
      });
    const kinds: string[] = [];
    for (let t = T0; t <= T0 + 10 * S; t += S) kinds.push(...monitor.observe(t, [down(t)]).events.map((e) => e.kind));
    expect(kinds).toEqual([]); // 10 s is not "more than 10 s"
    const fired = monitor.observe(T0 + 11 * S, [down(T0 + 11 * S)]);
    expect(fired.events.map((e) => e.kind)).toEqual(['firing']);
    expect(fired.alerts[0]).toMatchObject({ key: 'binance-usdm', metric: 'feed_down_seconds', severity: 'critical', rule: 'feed_down' });
    expect(fired.alerts[0]!.detail).toBe('unreachable: ENOTFOUND fstream.binance.com, retry #8 in 16 s');
    expect(fired.events[0]!.detail).toBe(fired.alerts[0]!.detail);
    // The countdown moves while it is open.
    const moved = monitor.observe(T0 + 12 * S, [venue({ connections: [{ ...down(0).connections![0]!, nextRetryAt: T0 + 15 * S }] })]);
    expect(moved.events).toEqual([]);
    expect([...moved.alerts, ...moved.refreshed][0]!.detail).toBe('unreachable: ENOTFOUND fstream.binance.com, retry #8 in 3 s');
    let resolved: string[] = [];
    for (let t = T0 + 13 * S; t <= T0 + 23 * S && resolved.length === 0; t += S) resolved = monitor.observe(t, [venue()]).events.map((e) => e.kind);
    expect(resolved).toEqual(['resolved']);
    expect(monitor.openAlerts()).toEqual([]);
  });

  it('counts gaps within the window from cumulative counters, surviving a counter reset', () => {
    const count = new WindowedCount(60 * S);
    expect(count.observe(T0, 3)).toBe(3);
    expect(count.observe(T0 + 30 * S, 5)).toBe(5);
    expect(count.observe(T0 + 61 * S, 5)).toBe(2);
    expect(count.observe(T0 + 62 * S, 1)).toBe(3); // restarted worker: its 1 is new
    expect(count.observe(T0 + 200 * S, 1)).toBe(0);
  });

  it('says which check found a book drift: the book-top cross-check, the deep check at seqId, or both', () => {
    const monitor = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    const okx = (bookDrifts: number, deepMismatches: number) => venue({ venue: 'okx', connections: null, bookDrifts, deepMismatches });
    const fired = monitor.observe(T0, [okx(1, 0)]);
    expect(fired.alerts[0]).toMatchObject({ key: 'okx', rule: 'book_drift', detail: '1 book-top drift in 300 s' });
    // A deep mismatch 10 s later: a change in substance, stored.
    const both = monitor.observe(T0 + 10 * S, [okx(2, 1)]);
    expect(both.alerts.map((a) => a.detail)).toEqual(['2 book drifts in 300 s: 1 book-top, 1 by the deep check at seqId']);
    // Past the top drift's window only the deep one is left.
    expect(monitor.observe(T0 + 301 * S, [okx(2, 1)]).alerts.map((a) => a.detail)).toEqual(['1 book drift in 300 s, found by the deep check at seqId']);
    // A venue whose only drift was deep (an audit found it).
    const audit = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    expect(audit.observe(T0, [okx(1, 1)]).alerts[0]!.detail).toBe('1 book drift in 300 s, found by the deep check at seqId');
  });

  it('keeps an alert open while its venue is not reported, and tracks crossed books per instrument', () => {
    const monitor = new FeedIntegrityMonitor(resolveFeedRules(DEFAULT_FEED_ALERTS, 10));
    const crossed = { key: 'okx:BTC-USDT-SWAP', instrumentId: 'BTC-USDT-PERP', state: 'crossed' as const, since: T0 };
    let fired = null;
    for (let t = T0; t <= T0 + 6 * S; t += S) {
      const step = monitor.observe(t, [venue({ venue: 'okx', connections: null, books: [crossed] })]);
      if (step.events.length > 0) fired = step;
    }
    expect(fired!.alerts[0]).toMatchObject({ key: 'okx:BTC-USDT-SWAP', instrumentId: 'BTC-USDT-PERP', metric: 'crossed_seconds', detail: 'crossed for 6 s' });
    for (let t = T0 + 7 * S; t < T0 + 30 * S; t += S) expect(monitor.observe(t, []).events).toEqual([]);
    expect(monitor.openAlerts()).toHaveLength(1);
    const closing = [];
    for (let t = T0 + 30 * S; t <= T0 + 41 * S; t += S) closing.push(...monitor.observe(t, [venue({ venue: 'okx', connections: null })]).events);
    expect(closing.map((e) => [e.kind, e.detail])).toEqual([['resolved', 'bid below ask']]);
  });
});
