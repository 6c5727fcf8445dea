import { describe, expect, it } from 'vitest';
import type { SeriesResponse } from '../../src/shared/contract';
import { historyPoints, livePoint, metricLine, zLine } from '../../src/renderer/src/model/chart-series';
import { row } from './fixtures';

describe('z lines clip at ±10σ', () => {
  it('clips live z points and z history, but never a metric line', () => {
    const r = row('okx:A', { time: 5_000, values: { spread_bps: 250 }, zscores: { spread_bps: { z: 1e4, samples: 30, needed: 30 } } });
    expect(livePoint(r, zLine('spread_bps', 'z', 0), 4)).toEqual({ time: 5, value: 10, raw: 1e4 });
    expect(livePoint(r, metricLine('spread_bps', 's', 0), 4)).toEqual({ time: 5, value: 250 });
    const response: SeriesResponse = {
      key: 'okx:A',
      from: 0,
      to: 3000,
      bucketMs: 1000,
      points: [
        { time: 1000, count: 1, stale: false, bookInvalid: false, values: { z_spread_bps: { min: -40, max: -40, avg: -40, last: -40 } } },
        { time: 2000, count: 1, stale: false, bookInvalid: false, values: { z_spread_bps: { min: 2.5, max: 2.5, avg: 2.5, last: 2.5 } } },
      ],
    };
    const line = zLine('spread_bps', 'z', 0);
    expect(historyPoints(response, line.series, line.clip)).toEqual([{ time: 1, value: -10, raw: -40 }, { time: 2, value: 2.5 }]);
  });
});
