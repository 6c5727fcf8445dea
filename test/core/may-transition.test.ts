/**
 * The live analytics worker evaluates first the instruments for which
 * `mayTransition` says an alert event is possible, and posts their alerts
 * before the rest of the market is evaluated. That is only sound if a sample
 * it calls quiet never raises an event or changes an alert, and a firing
 * alert it calls steady (`transitionUrgency`, evaluated after the urgent
 * ones) never raises an event.
 */
import { describe, expect, it } from 'vitest';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { Instrument, MetricSample } from '../../src/shared/core/model';
import { blindingReason } from '../../src/shared/core/metric-sources';
import { SurveillanceEvaluator } from '../../src/shared/core/surveillance-evaluator';
import { mulberry32 } from '../support/prng';
import { CONFIG } from '../simulator/helpers';

const PERP: Instrument = {
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  id: 'BTC-USDT-PERP',
  type: 'perpetual',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.1,
  contractKind: 'linear',
  contractValue: 1,
};

describe('SurveillanceEvaluator.mayTransition', () => {
  it('is true whenever evaluating the sample raises an event or changes an alert, and `now` whenever it raises an event, over spikes, dislocations, thin books and blind spells', () => {
    const settings = pipelineSettingsFrom(CONFIG);
    const rules = settings.rulesFor(PERP);
    expect(rules.length).toBeGreaterThan(3);
    const evaluator = new SurveillanceEvaluator({ zscore: settings.zscore, sampleIntervalMs: 1000, rulesFor: () => rules });
    const rng = mulberry32(7);
    const counts = { quiet: 0, eventful: 0, flaggedQuiet: 0, steady: 0, screenedOut: 0 };
    const t0 = Date.UTC(2026, 5, 1);
    for (let i = 0; i < 6_000; i++) {
      // Calm most of the time; now and then a spell of wide spreads, thin depth or a basis dislocation, some long enough to fire.
      const phase = Math.floor(i / 150) % 6;
      const shock = phase === 3 && i % 150 > 40 ? 1 : 0;
      const blind = phase === 5 && i % 150 > 100 && i % 150 < 120;
      const spread = 1 + rng() * 0.5 + (shock && i % 3 === 0 ? 20 + rng() * 30 : 0);
      const depth = (phase === 4 && i % 150 > 60 ? 2_000 : 2_000_000) * (0.9 + rng() * 0.2);
      const basis = (rng() - 0.5) * 2 + (phase === 1 && i % 150 > 30 ? 80 : 0);
      const sample: MetricSample = {
        key: 'binance-usdm:BTCUSDT',
        instrumentId: PERP.id,
        venue: PERP.venue,
        time: t0 + i * 1000,
        values: { mid: 100_000, spread_bps: spread, depth_10bps: depth, depth_bid_10bps: depth, depth_ask_10bps: depth, imbalance: rng() - 0.5, basis_perp_spot_bps: basis, basis_perp_index_bps: basis, basis_mark_index_bps: basis / 4 },
        covered: {},
        health: { stale: false, bookValid: !blind, sources: { book: { state: blind ? 'invalid' : 'ok', gap: false } } },
        tickSize: PERP.tickSize,
      };
      const may = evaluator.mayTransition(sample);
      const urgency = evaluator.transitionUrgency(sample);
      // The screen before preparing: values as the sample carries them, none for a blind metric.
      const screened = evaluator.mayBeUrgent(sample.key, sample.time, (m) => (blindingReason(m, sample.health) === null ? sample.values[m] : undefined));
      if (urgency === 'now') expect(screened, `sample ${i}: now, screened out`).toBe(true);
      if (!screened) counts.screenedOut += 1;
      expect(may).toBe(urgency !== 'none');
      const evaluation = evaluator.evaluate(sample);
      const eventful = evaluation.events.length > 0 || evaluation.alerts.length > 0;
      // `steady` may move a firing alert's peak (a changed alert) but never raises an event.
      if (urgency === 'steady') {
        counts.steady += 1;
        expect(evaluation.events, `sample ${i}`).toEqual([]);
        expect(evaluation.alerts.every((a) => a.state === 'firing')).toBe(true);
      }
      if (eventful) {
        counts.eventful += 1;
        expect(may, `sample ${i}: ${evaluation.events.map((e) => e.kind).join(', ')}`).toBe(true);
        if (evaluation.events.length > 0) expect(urgency, `sample ${i}: ${evaluation.events.map((e) => e.kind).join(', ')}`).toBe('now');
        if (evaluation.events.length > 0) expect(screened, `sample ${i}: an event screened out`).toBe(true);
      } else {
        counts.quiet += 1;
        if (may) counts.flaggedQuiet += 1;
      }
    }
    // Alerts opened, fired and resolved; most samples were quiet and most quiet samples were left for later;
    // firing alerts held steady on many samples, which are not evaluated ahead of the market either.
    expect(counts.eventful).toBeGreaterThan(20);
    expect(counts.quiet).toBeGreaterThan(3_000);
    expect(counts.flaggedQuiet).toBeLessThan(counts.quiet / 2);
    expect(counts.steady).toBeGreaterThan(100);
    // The screen leaves most of the quiet market for after the candidates.
    expect(counts.screenedOut).toBeGreaterThan(counts.quiet / 2);
  });

  it('leaves for later a book that is always past a spread threshold but usual for itself, once its window is warm', () => {
    const settings = pipelineSettingsFrom(CONFIG);
    const rules = settings.rulesFor(PERP);
    const spreadRules = rules.filter((r) => r.metric === 'spread_bps' && r.direction === 'above' && r.zscore !== null);
    expect(spreadRules.length).toBeGreaterThan(0);
    const evaluator = new SurveillanceEvaluator({ zscore: settings.zscore, sampleIntervalMs: 1000, rulesFor: () => rules });
    const rng = mulberry32(9);
    const wide = Math.max(...spreadRules.map((r) => r.threshold)) * 2;
    let flagged = 0;
    let warm = 0;
    for (let i = 0; i < 1_000; i++) {
      const depth = 5_000_000;
      const spread = wide * (0.95 + rng() * 0.1);
      const sample: MetricSample = {
        key: 'binance-usdm:BTCUSDT',
        instrumentId: PERP.id,
        venue: PERP.venue,
        time: Date.UTC(2026, 5, 1) + i * 1000,
        values: { mid: 100_000, spread_bps: spread, depth_10bps: depth, depth_bid_10bps: depth, depth_ask_10bps: depth, imbalance: rng() - 0.5 },
        covered: {},
        health: { stale: false, bookValid: true, sources: { book: { state: 'ok', gap: false } } },
        tickSize: PERP.tickSize,
      };
      const may = evaluator.mayTransition(sample);
      const evaluation = evaluator.evaluate(sample);
      expect(evaluation.events).toEqual([]);
      if (evaluation.zscores.spread_bps?.ready) {
        warm += 1;
        if (may) flagged += 1;
      }
    }
    // Past the thresholds on every sample, never unusual: the wide book is not evaluated ahead of the market.
    expect(warm).toBeGreaterThan(500);
    expect(flagged).toBeLessThan(warm / 20);
  });

  it('leaves a clearing firing alert for later until its clear time runs out, and puts first the samples that de-escalate and resolve it', () => {
    const settings = pipelineSettingsFrom(CONFIG);
    const rules = settings.rulesFor(PERP).filter((r) => r.metric === 'spread_bps');
    const warning = rules.find((r) => r.severity === 'warning')!;
    const critical = rules.find((r) => r.severity === 'critical')!;
    expect(critical.threshold).toBeGreaterThan(warning.threshold);
    const evaluator = new SurveillanceEvaluator({ zscore: settings.zscore, sampleIntervalMs: 1000, rulesFor: () => rules });
    const rng = mulberry32(11);
    const t0 = Date.UTC(2026, 5, 1);
    const calm = warning.threshold / 3;
    // Warm and calm, a blowout past critical, then between the two thresholds, then calm again.
    const spreadAt = (i: number) => (i < 120 ? calm * (0.9 + rng() * 0.2) : i < 123 ? critical.threshold * 3 : i < 160 ? (warning.threshold + critical.threshold) / 2 : calm);
    const kinds: string[] = [];
    let clearingLeft = 0;
    for (let i = 0; i < 200; i++) {
      const spread = spreadAt(i);
      const sample: MetricSample = {
        key: 'binance-usdm:BTCUSDT',
        instrumentId: PERP.id,
        venue: PERP.venue,
        time: t0 + i * 1000,
        values: { mid: 100_000, spread_bps: spread },
        covered: {},
        health: { stale: false, bookValid: true, sources: { book: { state: 'ok', gap: false } } },
        tickSize: PERP.tickSize,
      };
      const urgency = evaluator.transitionUrgency(sample);
      const screened = evaluator.mayBeUrgent(sample.key, sample.time, (m) => sample.values[m]);
      const firing = evaluator.openAlerts().find((a) => a.state === 'firing');
      const evaluation = evaluator.evaluate(sample);
      kinds.push(...evaluation.events.map((e) => e.kind));
      if (evaluation.events.length > 0) {
        expect(urgency, `sample ${i}: ${evaluation.events.map((e) => e.kind).join(', ')}`).toBe('now');
        expect(screened, `sample ${i}: an event screened out`).toBe(true);
      }
      // A firing alert its own rule no longer holds, short of its clear time: no event, left for later.
      const own = firing && rules.find((r) => r.name === firing.rule)!;
      if (firing && own && spread <= own.threshold && evaluation.events.length === 0) {
        clearingLeft += 1;
        expect(urgency, `sample ${i}`).toBe('steady');
        expect(screened, `sample ${i}`).toBe(false);
      }
    }
    expect(kinds).toEqual(['firing', 'deescalated', 'resolved']);
    // Both clear spells (critical to warning, warning to none) were left for later but for their last second.
    const clearSeconds = critical.clearSeconds;
    expect(clearingLeft).toBe(2 * (clearSeconds - 1));
  });
});
