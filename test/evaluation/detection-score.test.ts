import { describe, expect, it } from 'vitest';
import { scoreRun, type RunObservation } from '../../src/engine/evaluation/detection-score';
import type { GroundTruth } from '../../src/engine/evaluation/ground-truth';
import { formatSummary, summarize } from '../../src/engine/evaluation/quality-table';
import type { Alert, AlertEvent, MetricName, Severity } from '../../src/shared/core/model';

function alert(id: string, venue: string, instrumentId: string, metric: MetricName, firedAt: number, severity: Severity = 'warning'): Alert {
  return {
    id, key: `${venue}:X`, instrumentId, venue, metric, state: 'firing', severity, rule: `${metric}_rule`,
    openedAt: firedAt, firedAt, resolvedAt: null, value: 1, zscore: 3, threshold: 1, acknowledged: null,
  };
}

function event(alertId: string, kind: AlertEvent['kind'], time: number, severity: Severity, metric: MetricName = 'spread_bps'): AlertEvent {
  return { alertId, kind, time, severity, rule: 'r', metric, value: 1, zscore: 3, threshold: 1, zThreshold: 2 };
}

const truth: GroundTruth = {
  scenario: 'spread_blowout',
  seed: 1,
  captureStart: 0,
  captureEnd: 600_000,
  injections: [
    {
      scenario: 'spread_blowout',
      venue: 'okx',
      instruments: ['BTC-USDT-PERP'],
      start: 300_000,
      end: 360_000,
      expect: [
        { family: 'spread', severity: 'warning' },
        { family: 'spread', severity: 'critical' },
      ],
      expectFeed: ['stale'],
    },
  ],
};

function run(alerts: Alert[], trail: AlertEvent[], staleEpisodes = 1): RunObservation {
  return {
    truth,
    alerts,
    trail,
    venues: [{ venue: 'okx', staleEpisodes, sequenceGaps: 0, checksumFailures: 0, resyncs: 0, driftChecks: 0, driftMismatches: 0, bookDrifts: 0, deepChecks: 0, deepMismatches: 0, deepUnverified: 0 }],
    boundMs: () => 2_000,
  };
}

describe('detection scoring', () => {
  it('times warning and critical detection from the audit trail and flags what nothing explains', () => {
    const alerts = [
      alert('a', 'okx', 'BTC-USDT-PERP', 'spread_bps', 301_000),
      alert('b', 'binance-usdm', 'BTC-USDT-PERP', 'depth_10bps', 310_000), // another venue: false alarm
      alert('c', 'okx', 'BTC-USDT-PERP', 'spread_bps', 100_000), // before the injection: false alarm
    ];
    const trail = [
      event('c', 'firing', 100_000, 'warning'),
      event('a', 'firing', 301_000, 'warning'),
      event('b', 'firing', 310_000, 'critical', 'depth_10bps'),
      event('a', 'escalated', 303_000, 'critical'),
    ];
    const score = scoreRun(run(alerts, trail));
    expect(score.detections.map((d) => [d.severity, d.ttdMs])).toEqual([['warning', 1_000], ['critical', 3_000]]);
    expect(score.falseAlarms.map((f) => [f.alertId, f.family, f.severity])).toEqual([['b', 'depth', 'critical'], ['c', 'spread', 'warning']]);
    expect(score.feedChecks).toEqual([{ scenario: 'spread_blowout', seed: 1, venue: 'okx', event: 'stale', seen: true }]);

    const summary = summarize([score]);
    const spreadCritical = summary.families.find((r) => r.family === 'spread' && r.severity === 'critical')!;
    expect(spreadCritical).toMatchObject({ truePositives: 1, missed: 0, recall: 1, ttdWorstMs: 3_000, late: 1 });
    const spreadWarning = summary.families.find((r) => r.family === 'spread' && r.severity === 'warning')!;
    expect(spreadWarning).toMatchObject({ truePositives: 1, falsePositives: 1, precision: 0.5, late: 0 });
    expect(summary.problems).toHaveLength(3); // one late detection, two false alarms
    expect(formatSummary(summary)).toContain('spread_blowout');
  });

  it('counts a miss when no alert of the family reaches the severity in the window', () => {
    const score = scoreRun(run([alert('a', 'okx', 'BTC-USDT-PERP', 'spread_bps', 301_000)], [event('a', 'firing', 301_000, 'warning')], 0));
    expect(score.detections.map((d) => d.detectedAt)).toEqual([301_000, null]);
    const summary = summarize([score]);
    expect(summary.families.find((r) => r.severity === 'critical')).toMatchObject({ missed: 1, recall: 0 });
    expect(summary.problems).toEqual([
      'missed: spread_blowout seed 1 okx BTC-USDT-PERP spread critical',
      'feed event not seen: spread_blowout seed 1 okx stale',
    ]);
  });

  it('ignores alerts that never fired (pending, then cancelled)', () => {
    const pending = { ...alert('p', 'okx', 'ETH-USDT-PERP', 'basis_perp_spot_bps', 0), firedAt: null };
    expect(scoreRun(run([pending], [])).falseAlarms).toEqual([]);
  });
});
