import { describe, expect, it } from 'vitest';
import { alertMarkers } from '../../src/renderer/src/model/alert-markers';
import { metricLine, zLine } from '../../src/renderer/src/model/chart-series';
import { alert } from './fixtures';

describe('alert markers on chart lines', () => {
  const lines = [metricLine('basis_perp_spot_bps', 'perp vs spot', 0), metricLine('spread_bps', 'spread', 1), zLine('spread_bps', 'z spread', 2)];

  it('marks where the instrument alerts fired and resolved, on the line of their metric, in time order', () => {
    const marks = alertMarkers(
      [
        alert('b', { metric: 'spread_bps', severity: 'critical', rule: 'spread_critical', openedAt: 40_000, firedAt: 45_500, resolvedAt: 90_000 }),
        alert('a', { metric: 'basis_perp_spot_bps', rule: 'basis', openedAt: 10_000, firedAt: null, resolvedAt: null, state: 'pending' }),
        alert('other', { key: 'okx:ETH-USDT-SWAP', openedAt: 5_000, firedAt: 6_000 }),
        alert('depth', { metric: 'depth_10bps', openedAt: 5_000, firedAt: 6_000 }),
      ],
      'okx:BTC-USDT-SWAP',
      lines,
    );
    expect(marks).toEqual([
      { line: 0, time: 10, severity: 'warning', kind: 'pending', text: 'basis' },
      { line: 1, time: 45, severity: 'critical', kind: 'fired', text: 'spread_critical' },
      { line: 1, time: 90, severity: 'critical', kind: 'resolved', text: 'resolved' },
    ]);
  });
});
