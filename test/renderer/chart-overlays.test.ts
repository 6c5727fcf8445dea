import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/shared/core/model';
import { alertEpisodes } from '../../src/renderer/src/model/alert-markers';
import { capZ, historyPoints, livePoint, metricLine, zLine } from '../../src/renderer/src/model/chart-series';
import { declutterLabels, type ThresholdLine } from '../../src/renderer/src/model/threshold-lines';
import { gridStepS, rangeCoverage } from '../../src/renderer/src/model/time-range';
import type { OverviewRow, SeriesResponse } from '../../src/shared/contract';

const line = (value: number, severity: ThresholdLine['severity'], rule = `r${value}`): ThresholdLine => ({ metric: 'spread_bps', value, severity, rule });

describe('threshold label de-collision', () => {
  it('hides a label that would overlap a more severe one, keeping the critical', () => {
    const warn = line(5, 'warning');
    const crit = line(5.38, 'critical');
    const far = line(20, 'warning');
    const shown = declutterLabels(
      [
        { line: warn, y: 100 },
        { line: crit, y: 106 },
        { line: far, y: 30 },
      ],
      14,
    );
    expect(shown.map((s) => s.line)).toEqual([far, crit]);
    expect(shown[1]!.hidden).toEqual([warn]);
    // No two shown labels closer than their height.
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.y - shown[i - 1]!.y).toBeGreaterThanOrEqual(14);
  });

  it('keeps the larger sigma bar among stacked ones of one severity and drops off-scale lines', () => {
    const s2 = line(2, 'critical', '+2σ');
    const s3 = line(3, 'critical', '+3σ');
    const shown = declutterLabels(
      [
        { line: s2, y: 50 },
        { line: s3, y: 45 },
        { line: line(-3, 'critical'), y: null },
      ],
      14,
    );
    expect(shown).toEqual([{ line: s3, y: 45, hidden: [s2] }]);
  });

  it('keeps every label when they are apart', () => {
    const ls = [0, 20, 40, 60].map((y, i) => ({ line: line(i, 'warning'), y }));
    expect(declutterLabels(ls, 14)).toHaveLength(4);
  });
});

const alert = (over: Partial<Alert>): Alert => ({
  id: 'a',
  key: 'okx:BTC-USDT-SWAP',
  instrumentId: 'BTC-USDT-PERP',
  venue: 'okx',
  metric: 'spread_bps',
  state: 'firing',
  severity: 'critical',
  rule: 'spread_wide',
  openedAt: 10_000,
  firedAt: 15_000,
  resolvedAt: 40_000,
  value: 9,
  zscore: null,
  threshold: 5,
  acknowledged: null,
  ...over,
});

describe('alert episode shading', () => {
  const lines = [metricLine('spread_bps', 'spread', 0)];
  it('spans an alert from opening to resolution, or to now while open', () => {
    expect(alertEpisodes([alert({})], 'okx:BTC-USDT-SWAP', lines, 100_000)).toEqual([{ from: 10, to: 40, severity: 'critical', open: false, rules: ['spread_wide'] }]);
    expect(alertEpisodes([alert({ resolvedAt: null })], 'okx:BTC-USDT-SWAP', lines, 100_000)).toEqual([{ from: 10, to: 100, severity: 'critical', open: true, rules: ['spread_wide'] }]);
  });

  it('merges overlapping spans of one severity, keeps severities apart, leaves other instruments and metrics out', () => {
    const episodes = alertEpisodes(
      [
        alert({ id: '1' }),
        alert({ id: '2', openedAt: 30_000, resolvedAt: 60_000, rule: 'spread_wider' }),
        alert({ id: '3', severity: 'warning', openedAt: 5_000, resolvedAt: 20_000 }),
        alert({ id: '4', key: 'okx:ETH-USDT-SWAP' }),
        alert({ id: '5', metric: 'depth_10bps' }),
      ],
      'okx:BTC-USDT-SWAP',
      lines,
      100_000,
    );
    expect(episodes).toEqual([
      { from: 5, to: 20, severity: 'warning', open: false, rules: ['spread_wide'] },
      { from: 10, to: 60, severity: 'critical', open: false, rules: ['spread_wide', 'spread_wider'] },
    ]);
  });

  it('shades z lines with the alerts of their metric and clips to the range', () => {
    const z = [zLine('depth_10bps', 'z depth', 1)];
    const episodes = alertEpisodes([alert({ metric: 'depth_10bps' })], 'okx:BTC-USDT-SWAP', z, 100_000, 20_000, 30_000);
    expect(episodes).toEqual([{ from: 20, to: 30, severity: 'critical', open: false, rules: ['spread_wide'] }]);
    expect(alertEpisodes([alert({})], 'okx:BTC-USDT-SWAP', lines, 100_000, 50_000, 60_000)).toEqual([]);
  });
});

describe('z display cap', () => {
  it('draws z capped and keeps the true value for the readout', () => {
    const response: SeriesResponse = {
      key: 'k',
      bucketMs: 1000,
      points: [
        { time: 1000, values: { z_spread_bps: { avg: 597.9, last: 597.9, min: 597.9, max: 597.9 } } },
        { time: 2000, values: { z_spread_bps: { avg: 1.5, last: 1.5, min: 1.5, max: 1.5 } } },
      ],
    } as unknown as SeriesResponse;
    const z = zLine('spread_bps', 'z', 0);
    expect(historyPoints(response, 'z_spread_bps', z.clip)).toEqual([
      { time: 1, value: 10, raw: 597.9 },
      { time: 2, value: 1.5 },
    ]);
    const wide = zLine('spread_bps', 'z', 0, 50);
    expect(wide.cap).toBe(50);
    const row = { time: 3000, zscores: { spread_bps: { z: -80 } } } as unknown as OverviewRow;
    expect(livePoint(row, wide, 0)).toEqual({ time: 3, value: -50, raw: -80 });
    expect(capZ(Infinity)(1e6)).toBe(1e6);
  });
});

describe('ranges that show what exists', () => {
  it('keeps the requested hour and marks the empty part when only 7 minutes have data', () => {
    const step = gridStepS({ kind: 'last', spanMs: 3_600_000 });
    expect(step).toBe(2);
    const times = Array.from({ length: 210 }, (_, i) => 3180 + i * 2); // the last 7 minutes of [0, 3600]
    const { whitespace, empty } = rangeCoverage(times, 0, 3600, step);
    expect(empty).toEqual([{ from: 0, to: 3180 }]);
    expect(whitespace[0]).toBe(0);
    expect(whitespace[whitespace.length - 1]).toBeLessThan(3180);
    // At the data's spacing: the empty 53 minutes take 53/60 of the axis, as a time axis should.
    expect(whitespace.length).toBe(1590);
    expect(whitespace.every((t) => !times.includes(t))).toBe(true);
  });

  it('adds nothing when data covers the range and marks a gap in the middle and at the end', () => {
    const full = Array.from({ length: 101 }, (_, i) => i);
    expect(rangeCoverage(full, 0, 100, 1)).toEqual({ whitespace: [], empty: [] });
    const gappy = [...full.slice(0, 30), ...full.slice(60, 80)];
    const { empty, whitespace } = rangeCoverage(gappy, 0, 100, 1);
    expect(empty).toEqual([
      { from: 29, to: 60 },
      { from: 79, to: 100 },
    ]);
    expect(whitespace).toContain(45);
    expect(whitespace).toContain(100);
  });
});
