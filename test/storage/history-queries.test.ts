import { beforeAll, describe, expect, it } from 'vitest';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { listInstruments, queryAlerts, queryFeedEvents, querySeries, UnknownSeriesError } from '../../src/engine/storage/history-queries';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import type { Instrument } from '../../src/shared/core/model';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { alertOf, tempDbPath } from './helpers';

const START = Date.UTC(2024, 0, 1);
const KEY = 'binance-usdm:BTCUSDT';
const SPOT: Instrument = { ...PERP, venue: 'binance-spot', id: 'BTC-USDT', type: 'spot' };

describe('history queries', () => {
  let db: HistoryDatabase;
  const written: SampleEvaluation[] = [];

  beforeAll(() => {
    db = openHistoryDb(tempDbPath());
    const writer = new HistoryWriter(db);
    const samples = syntheticSamples(PERP, START);
    for (let i = 0; i < 3600; i++) {
      let e = samples.next();
      // A stale stretch and a hole with no samples at all.
      if (i >= 100 && i < 110) e = { ...e, sample: { ...e.sample, health: { stale: true, bookValid: true } } };
      if (i >= 2000 && i < 2100) continue;
      if (i === 5) e = { ...e, sample: { ...e.sample, values: { ...e.sample.values, depth_bid_200bps: 42 } } };
      written.push(e);
      writer.onEvaluation(e, PERP);
    }
    const spot = syntheticSamples(SPOT, START, 1000, 2);
    for (let i = 0; i < 10; i++) writer.onEvaluation(spot.next(), SPOT);
    const spotKey = 'binance-spot:BTCUSDT';
    writer.onEvaluation(
      {
        ...spot.next(),
        alerts: [
          alertOf(),
          alertOf({ id: 'b', metric: 'depth_10bps', severity: 'critical', openedAt: 5000, firedAt: 6000, state: 'firing' }),
          alertOf({ id: 'c', state: 'resolved', openedAt: 7000, firedAt: null, resolvedAt: 8000 }),
          alertOf({ id: 'd', key: spotKey, instrumentId: 'BTC-USDT', venue: 'binance-spot', openedAt: 9000, resolvedAt: 20_000, state: 'resolved' }),
        ],
      },
      SPOT,
    );
    writer.onSyncEvent(KEY, 'gap', 100);
    writer.onSyncEvent(KEY, 'resync', 200);
    writer.onSyncEvent('binance-spot', 'stale', 300);
    writer.close();
  });

  it('returns every sample when the range fits in maxPoints', () => {
    const series = querySeries(db, { key: KEY, metrics: ['mid', 'z_spread_bps'], from: START, to: START + 60_000, maxPoints: 1000 });
    expect(series.points).toHaveLength(60);
    const p = series.points[7]!;
    expect(p).toMatchObject({ time: START + 7000, lastTime: START + 7000, count: 1 });
    const mid = written[7]!.sample.values.mid!;
    expect(p.values.mid).toEqual({ min: mid, max: mid, avg: mid, last: mid });
    const z = written[7]!.zscores.spread_bps!;
    expect(z.ready && p.values.z_spread_bps!.last).toBeCloseTo(z.ready ? z.z : 0, 3);
  });

  it('downsamples a long range in SQL to at most maxPoints buckets with min / max / avg / last', () => {
    const series = querySeries(db, { key: KEY, metrics: ['mid', 'spread_bps'], from: START, to: START + 3_600_000, maxPoints: 60 });
    expect(series.bucketMs).toBe(60_000);
    // Minute 34 (2,040-2,099 s) lies wholly in the hole: no bucket, no invented point.
    expect(series.points).toHaveLength(59);
    expect(series.points.some((p) => p.time >= START + 2_040_000 && p.time < START + 2_100_000)).toBe(false);
    for (const point of series.points) {
      const inBucket = written.filter((e) => e.sample.time >= point.time && e.sample.time <= point.lastTime);
      expect(point.count).toBe(inBucket.length);
      const mids = inBucket.map((e) => e.sample.values.mid!);
      expect(point.values.mid!.min).toBe(Math.min(...mids));
      expect(point.values.mid!.max).toBe(Math.max(...mids));
      expect(point.values.mid!.avg).toBeCloseTo(mids.reduce((a, b) => a + b, 0) / mids.length, 6);
      expect(point.values.mid!.last).toBe(mids.at(-1));
    }
    expect(series.points[1]!.stale).toBe(true);
    expect(series.points.filter((p) => p.stale)).toHaveLength(1);
  });

  it('reads bands without a column from the JSON, and refuses names that cannot be series', () => {
    const series = querySeries(db, { key: KEY, metrics: ['depth_bid_200bps'], from: START, to: START + 10_000 });
    expect(series.points.map((p) => p.values.depth_bid_200bps!.last)).toEqual([null, null, null, null, null, 42, null, null, null, null]);
    expect(() => querySeries(db, { key: KEY, metrics: ["mid'); DROP TABLE samples; --"], from: 0, to: 1 })).toThrow(UnknownSeriesError);
    expect(querySeries(db, { key: 'nowhere:X', metrics: ['mid'], from: 0, to: 1 }).points).toEqual([]);
  });

  it('filters alert history by instrument, venue, severity, state, metric and time', () => {
    const ids = (q: Parameters<typeof queryAlerts>[1]) => queryAlerts(db, q).map((a) => a.id);
    expect(ids({})).toEqual(['d', 'c', 'b', alertOf().id]);
    expect(ids({ venue: 'binance-spot' })).toEqual(['d']);
    expect(ids({ key: KEY })).toEqual(['c', 'b', alertOf().id]);
    expect(ids({ instrumentId: 'BTC-USDT' })).toEqual(['d']);
    expect(ids({ severity: 'critical' })).toEqual(['b']);
    expect(ids({ state: 'firing' })).toEqual(['b', alertOf().id]);
    expect(ids({ metric: 'depth_10bps' })).toEqual(['b']);
    expect(ids({ firedOnly: true })).toEqual(['d', 'b', alertOf().id]);
    // Open at some point in [from, to): c resolved before 10,000; the open ones and d overlap.
    expect(ids({ from: 10_000, to: 30_000 })).toEqual(['d', 'b', alertOf().id]);
    expect(ids({ to: 5000 })).toEqual([alertOf().id]);
    expect(ids({ limit: 1 })).toEqual(['d']);
    expect(queryAlerts(db, { state: 'resolved', firedOnly: false }).find((a) => a.id === 'c')!.cancelled).toBe(true);
  });

  it('filters feed events by venue, instrument, kind and time; lists instruments with their span', () => {
    expect(queryFeedEvents(db, { key: KEY }).map((e) => e.kind)).toEqual(['resync', 'gap']);
    expect(queryFeedEvents(db, { kinds: ['stale', 'gap'] }).map((e) => e.kind)).toEqual(['stale', 'gap']);
    expect(queryFeedEvents(db, { venue: 'binance-spot' }).map((e) => e.kind)).toEqual(['stale']);
    expect(queryFeedEvents(db, { from: 150, to: 300 }).map((e) => e.kind)).toEqual(['resync']);
    expect(queryFeedEvents(db, { kinds: [] })).toEqual([]);
    expect(listInstruments(db)).toEqual([
      { key: 'binance-spot:BTCUSDT', venue: 'binance-spot', symbol: 'BTCUSDT', instrumentId: 'BTC-USDT', type: 'spot', firstSample: START, lastSample: START + 10_000 },
      { key: KEY, venue: 'binance-usdm', symbol: 'BTCUSDT', instrumentId: 'BTC-USDT-PERP', type: 'perpetual', firstSample: START, lastSample: START + 3_599_000 },
    ]);
  });
});
