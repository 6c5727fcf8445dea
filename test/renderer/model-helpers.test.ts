import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/renderer/src/api/backoff';
import { apiSocketUrl } from '../../src/renderer/src/api/ws-url';
import { historyPoints, livePoint, metricLine, zLine } from '../../src/renderer/src/model/chart-series';
import { feedTotals, rejectedBreakdown, rejectedTotal, venueLinkState } from '../../src/renderer/src/model/feed-health';
import { addPanel, DEFAULT_LAYOUT, movePanel, parseLayout, removePanel } from '../../src/renderer/src/model/panel-layout';
import { centredOn, presetId, resolveRange } from '../../src/renderer/src/model/time-range';
import { leastWarmed, warmupLabel } from '../../src/renderer/src/model/warmup';
import type { SeriesResponse } from '../../src/shared/contract';
import { connection as conn, feed, row } from './fixtures';

describe('socket url and backoff', () => {
  it('builds the api socket URL on the page origin, carrying the token', () => {
    expect(apiSocketUrl({ protocol: 'http:', host: '127.0.0.1:8050', search: '?token=a b' })).toBe('ws://127.0.0.1:8050/api?token=a%20b');
    expect(apiSocketUrl({ protocol: 'https:', host: 'desk', search: '' })).toBe('wss://desk/api');
  });

  it('backs off exponentially up to the cap, with jitter', () => {
    const o = { baseMs: 500, maxMs: 10_000, jitter: 0.2 };
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, o, () => 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(1, o, () => 0)).toBe(400);
    expect(backoffDelay(1, o, () => 1)).toBe(600);
  });
});

describe('chart series', () => {
  const response: SeriesResponse = {
    key: 'okx:A',
    from: 0,
    to: 10_000,
    bucketMs: 1000,
    points: [
      { time: 1000, count: 1, stale: false, bookInvalid: false, values: { spread_bps: { min: 1, max: 1, avg: 1, last: 1 } } },
      { time: 1500, count: 1, stale: false, bookInvalid: false, values: { spread_bps: { min: 9, max: 9, avg: 9, last: 9 } } },
      { time: 2000, count: 1, stale: true, bookInvalid: false, values: { spread_bps: { min: null, max: null, avg: null, last: null } } },
      { time: 3000, count: 1, stale: false, bookInvalid: false, values: {} },
    ],
  };

  it('turns history into rising whole seconds with gaps for missing values', () => {
    expect(historyPoints(response, 'spread_bps')).toEqual([{ time: 1, value: 1 }, { time: 2 }, { time: 3 }]);
    expect(historyPoints({ ...response, bucketMs: 60_000, points: [{ ...response.points[0]!, values: { x: { min: 0, max: 4, avg: 2, last: 4 } } }] }, 'x')).toEqual([{ time: 1, value: 2 }]);
  });

  it('extends a line with newer live rows only; z lines gap while warming', () => {
    const line = metricLine('spread_bps', 's', 0);
    const r = row('okx:A', { time: 5_000, values: { spread_bps: 2 }, zscores: { spread_bps: { z: null, samples: 1, needed: 30 } } });
    expect(livePoint(r, line, 4)).toEqual({ time: 5, value: 2 });
    expect(livePoint(r, line, 5)).toBeNull();
    expect(livePoint(r, zLine('spread_bps', 'z', 0), 4)).toEqual({ time: 5 });
  });
});

describe('time range', () => {
  it('resolves live and centred ranges', () => {
    expect(resolveRange({ kind: 'last', spanMs: 1000 }, 5000)).toEqual({ from: 4000, to: 5001, live: true });
    expect(resolveRange(centredOn(10_000, 4000), 0)).toEqual({ from: 8000, to: 12_000, live: false });
    expect(presetId({ kind: 'last', spanMs: 3_600_000 })).toBe('1h');
    expect(presetId(centredOn(1))).toBeNull();
  });
});

describe('warmup', () => {
  it('labels the least warmed window exactly', () => {
    const r = row('okx:A', {
      zscores: { spread_bps: { z: null, samples: 15, needed: 30 }, depth_10bps: { z: null, samples: 20, needed: 30 }, imbalance: { z: 1, samples: 30, needed: 30 } },
    });
    expect(warmupLabel(leastWarmed(r))).toBe('Z-Score: warming up (15/30)');
    expect(warmupLabel(leastWarmed(row('okx:B')))).toBe('Z-Score: ready');
    expect(warmupLabel(undefined)).toBe('Z-Score: no data');
  });
});

describe('feed health', () => {

  it('takes the worst connection state and sums rates', () => {
    expect(venueLinkState(feed('okx', { connections: [conn({}), conn({ state: 'backing_off' })] }))).toBe('reconnecting');
    expect(venueLinkState(feed('okx', { connections: [conn({ state: 'stale' }), conn({ state: 'backing_off' })] }))).toBe('stale');
    expect(venueLinkState(feed('okx'))).toBe('down');
    const totals = feedTotals(feed('okx', { connections: [conn({ lagMs: 3, lastError: 'old', since: 1 }), conn({ lagMs: 40, lastError: 'new', since: 2 })] }));
    expect(totals).toMatchObject({ messageRate: 20, lagMs: 40, lastError: 'new' });
  });
});

describe('panel layout', () => {
  it('adds, moves and removes panels; bad saved layouts fall back to the default', () => {
    let l = addPanel(DEFAULT_LAYOUT, 'book', 'okx:A');
    expect(l.panels.at(-1)).toEqual({ id: 'p6', kind: 'book', key: 'okx:A' });
    l = movePanel(l, 'p6', -10);
    expect(l.panels[0]!.id).toBe('p6');
    l = removePanel(l, 'p6');
    expect(l).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout('{oops')).toBe(DEFAULT_LAYOUT);
    expect(parseLayout(JSON.stringify({ columns: 2, panels: [{ id: 'x', kind: 'nope' }, { id: 'y', kind: 'depth', key: 3 }] }))).toEqual({
      columns: 2,
      panels: [{ id: 'y', kind: 'depth', key: null }],
    });
  });
});

describe('rejected frames in the feed view', () => {
  it('lists the reasons, most first, and the REST snapshot failures', () => {
    const f = feed('okx', { rejected: { bad_json: 2, negative_size: 5, http_error: 0 }, snapshotsRequested: 4, snapshotsFailed: 1 });
    expect(rejectedTotal(f)).toBe(7);
    expect(rejectedBreakdown(f)).toBe('negative_size: 5\nbad_json: 2\nREST snapshots: 4 requested, 1 failed');
    expect(rejectedBreakdown(feed('okx'))).toBe('no frame rejected\nREST snapshots: 0 requested, 0 failed');
  });
});
