import { describe, expect, it } from 'vitest';
import {
  formatBps,
  formatClock,
  formatDateTime,
  formatDuration,
  formatFunding,
  formatNextFunding,
  formatLag,
  formatMetric,
  formatNotional,
  formatSignedBps,
  formatSigma,
  formatZ,
  clipZ,
  MISSING,
} from '../../src/renderer/src/format/format';

describe('format', () => {
  it('formats bps with fixed decimals and a dash for missing values', () => {
    expect(formatBps(3.14159)).toBe('3.14');
    expect(formatBps(0.0149)).toBe('0.015');
    expect(formatBps(0)).toBe('0.00');
    expect(formatBps(undefined)).toBe(MISSING);
    expect(formatBps(Number.NaN)).toBe(MISSING);
    expect(formatSignedBps(1.2)).toBe('+1.20');
    expect(formatSignedBps(-0.35)).toBe('-0.35');
    expect(formatSignedBps(0)).toBe('0.00');
  });

  it('formats notional compactly', () => {
    expect(formatNotional(950)).toBe('950');
    expect(formatNotional(12_345)).toBe('12.3k');
    expect(formatNotional(1_234_567)).toBe('1.23M');
    expect(formatNotional(2_500_000_000)).toBe('2.50B');
    expect(formatNotional(null)).toBe(MISSING);
  });

  it('formats funding as a percentage and z with a sign', () => {
    expect(formatFunding(0.0001)).toBe('0.0100%');
    expect(formatNextFunding({ nextTime: 3 * 3_600_000 + 13 * 60_000, intervalMs: 3_600_000 }, 3_600_000)).toBe('in 2h 13m (1 h)');
    expect(formatNextFunding({ nextTime: 1000, intervalMs: null }, 0)).toBe('in 0h 00m (8 h assumed)');
    expect(formatNextFunding(undefined, 0)).toBe(MISSING);
    expect(formatZ(2.44)).toBe('+2.4');
    expect(formatZ(-3.06)).toBe('-3.1');
    expect(formatZ(null)).toBe(MISSING);
  });

  it('caps z at ±10σ in tables, alert views and charts', () => {
    // A floored std on a flat window gives z in the thousands: past 10 the number says nothing more.
    expect(formatZ(9.94)).toBe('+9.9');
    expect(formatZ(10)).toBe('≥ 10');
    expect(formatZ(-4321)).toBe('≤ -10');
    expect(formatSigma(2.44)).toBe('+2.4σ');
    expect(formatSigma(1e6)).toBe('≥ 10σ');
    expect(formatSigma(-12)).toBe('≤ -10σ');
    expect(formatSigma(null)).toBe(MISSING);
    expect(clipZ(1e4)).toBe(10);
    expect(clipZ(-37)).toBe(-10);
    expect(clipZ(3.2)).toBe(3.2);
  });

  it('picks the format from the metric name', () => {
    expect(formatMetric('depth_10bps', 20_000)).toBe('20.0k');
    expect(formatMetric('spread_bps', 5)).toBe('5.00');
    expect(formatMetric('basis_perp_spot_bps', -0.5)).toBe('-0.500');
    expect(formatMetric('funding_rate', 0.0002)).toBe('0.0200%');
    expect(formatMetric('imbalance', 0.12345)).toBe('0.123');
    expect(formatMetric('funding_bps_8h', 1)).toBe('+1.00 bp/8h');
    expect(formatMetric('cross_venue_bps', -3.456)).toBe('-3.46');
  });

  it('formats UTC times, durations and lag', () => {
    const t = Date.UTC(2026, 2, 1, 14, 3, 7);
    expect(formatClock(t)).toBe('14:03:07');
    expect(formatDateTime(t)).toBe('2026-03-01 14:03:07');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3600_000 + 10 * 60_000)).toBe('2h 10m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3d 04h');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatLag(12.4)).toBe('12 ms');
    expect(formatLag(1400)).toBe('1.4 s');
  });
});
