import { afterAll, describe, expect, it } from 'vitest';
import { resolveRules } from '../../src/shared/config';
import { scoreRun } from '../../src/engine/evaluation/detection-score';
import { familyOf } from '../../src/engine/evaluation/ground-truth';
import { cleanupSimDirs, CONFIG, simulateAndReplay } from './helpers';

/**
 * Binance COIN-M and Bybit in simulated captures, replayed through the
 * engine as `surveil evaluate` replays them: a labelled anomaly on a
 * COIN-M and on a Bybit instrument is detected within its bound with no
 * false alarm, and feed faults on them show as the labels say.
 */

afterAll(cleanupSimDirs);

const interval = CONFIG.features.sampling.intervalMs;

/** As the evaluator bounds a detection: the rule's persistence plus two samples. */
function boundMs(_venue: string, instrumentId: string, family: string, severity: string): number {
  const type = instrumentId.endsWith('-SPOT') ? 'spot' : 'perpetual';
  const rule = resolveRules(CONFIG.alerts, instrumentId, type).find((r) => familyOf(r.metric) === family && r.severity === severity);
  return (rule?.persistSeconds ?? 0) * 1000 + 2 * interval;
}

describe('labelled anomalies on the new venues', () => {
  // Both in one run (one 10-minute simulation, not two): a mark that leaves its index on COIN-M,
  // a spread blowout on Bybit; neither moves the other's figures.
  it('a COIN-M mark/index divergence and a Bybit spread blowout are each detected within their bound, with no false alarm', async () => {
    const { sim, replay } = await simulateAndReplay({
      scenario: 'mark_index_divergence',
      venue: 'binance-coinm',
      instruments: ['BTC-USD-PERP'],
      seed: 3,
      also: [{ scenario: 'spread_blowout', venue: 'bybit', instruments: ['BTC-USDT-PERP'] }],
    });
    expect(sim.labels.injections.map((i) => [i.venue, i.instruments, i.expect.map((e) => `${e.family} ${e.severity}`)])).toEqual([
      ['binance-coinm', ['BTC-USD-PERP'], ['mark_index warning', 'mark_index critical']],
      ['bybit', ['BTC-USDT-PERP'], ['spread warning', 'spread critical']],
    ]);
    const score = scoreRun({ truth: sim.labels, alerts: replay.pipeline.allAlerts(), trail: replay.pipeline.auditTrail(), venues: replay.report.venues, boundMs });
    expect(score.detections.map((d) => `${d.venue} ${d.family} ${d.severity}`)).toEqual([
      'binance-coinm mark_index warning',
      'binance-coinm mark_index critical',
      'bybit spread warning',
      'bybit spread critical',
    ]);
    for (const d of score.detections) {
      expect(d.detectedAt, `${d.venue} ${d.family} ${d.severity}`).not.toBeNull();
      expect(d.ttdMs!, `${d.venue} ${d.family} ${d.severity}`).toBeLessThanOrEqual(d.boundMs);
    }
    expect(score.falseAlarms).toEqual([]);
    expect(replay.report.rejected).toEqual({});
    expect(replay.report.instruments.filter((i) => !i.bookValid).map((i) => `${i.venue}:${i.symbol}`)).toEqual([]);
  }, 120_000);
});

describe('feed faults on the new venues', () => {
  it('a dropped COIN-M diff and a dropped Bybit delta: a gap and a resync on each labelled book, nowhere else', async () => {
    const { sim, replay } = await simulateAndReplay({
      scenario: 'sequence_gap',
      venue: 'binance-coinm',
      instruments: ['ETH-USD-PERP'],
      injectAtMs: 20_000,
      durationMs: 60_000,
      also: [{ scenario: 'sequence_gap', venue: 'bybit', instruments: ['BTC-USD-PERP'], injectAtMs: 25_000, durationMs: 60_000 }],
    });
    expect(sim.labels.injections.map((i) => [i.venue, i.instruments, i.expectFeed])).toEqual([
      ['binance-coinm', ['ETH-USD-PERP'], ['gap', 'resync']],
      ['bybit', ['BTC-USD-PERP'], ['gap', 'resync']],
    ]);
    const faults = replay.report.instruments.filter((i) => i.sequenceGaps + i.resyncs > 0).map((i) => [i.venue, i.symbol, i.sequenceGaps, i.resyncs, i.bookValid])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(faults).toEqual([
      ['binance-coinm', 'ETHUSD_PERP', 1, 1, true],
      ['bybit', 'BTCUSD', 1, 1, true],
    ]);
    expect(replay.report.alerts).toEqual([]);
    expect(replay.report.rejected).toEqual({});
  }, 60_000);

  it('a Bybit disconnect: silence, then the subscribe\'s snapshots replace the books (no gap); COIN-M resyncs from dapi', async () => {
    const { sim, replay } = await simulateAndReplay({
      scenario: 'disconnect',
      venue: 'bybit',
      injectAtMs: 20_000,
      injectForMs: 8_000,
      durationMs: 60_000,
      also: [{ scenario: 'disconnect', venue: 'binance-coinm', injectAtMs: 20_000, injectForMs: 8_000, durationMs: 60_000 }],
    });
    expect(sim.labels.injections.map((i) => [i.venue, i.expectFeed])).toEqual([
      ['bybit', ['stale']],
      ['binance-coinm', ['stale', 'gap', 'resync']],
    ]);
    const venue = (v: string) => replay.report.venues.find((x) => x.venue === v)!;
    expect([venue('bybit').staleEpisodes > 0, venue('bybit').sequenceGaps, venue('bybit').resyncs]).toEqual([true, 0, 0]);
    expect([venue('binance-coinm').staleEpisodes > 0, venue('binance-coinm').sequenceGaps > 0, venue('binance-coinm').resyncs > 0]).toEqual([true, true, true]);
    expect(replay.report.instruments.filter((i) => !i.bookValid)).toEqual([]);
    expect(replay.report.rejected).toEqual({});
  }, 60_000);
});
