import { describe, expect, it } from 'vitest';
import type { AlertEvent, DataHealth, MetricName, MetricSample } from '../../src/shared/core/model';
import type { RuleSpec, ZScoreSettings } from '../../src/shared/core/rule-types';
import { SurveillanceEvaluator, type SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';

const ZS: ZScoreSettings = { enabled: true, windowSize: 300, minSamples: 30, resetOnGap: true };
const OK: DataHealth = { stale: false, bookValid: true };

function rule(partial: Partial<RuleSpec> & Pick<RuleSpec, 'name' | 'metric' | 'threshold' | 'severity'>): RuleSpec {
  return { direction: 'above', zscore: null, persistSeconds: 0, clearSeconds: 10, ...partial };
}

// The BTC-USDT-PERP design values.
const SPREAD_RULES = [
  rule({ name: 'spread_warning', metric: 'spread_bps', threshold: 3, zscore: 2, severity: 'warning' }),
  rule({ name: 'spread_critical', metric: 'spread_bps', threshold: 5, zscore: 3, severity: 'critical' }),
];
const BASIS_RULES = [
  rule({ name: 'basis_warning', metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 10, zscore: 2, persistSeconds: 120, severity: 'warning' }),
  rule({ name: 'basis_critical', metric: 'basis_perp_spot_bps', direction: 'abs_above', threshold: 20, zscore: 3, persistSeconds: 60, severity: 'critical' }),
];
const DEPTH_RULES = [
  rule({ name: 'depth_warning', metric: 'depth_10bps', direction: 'below', threshold: 500_000, severity: 'warning' }),
  rule({ name: 'depth_critical', metric: 'depth_10bps', direction: 'below', threshold: 200_000, severity: 'critical' }),
];

/** Drives an evaluator one sample per second from t = 0. */
class Harness {
  readonly evaluator: SurveillanceEvaluator;
  readonly events: AlertEvent[] = [];
  t = 0;
  constructor(rules: readonly RuleSpec[], zscore: ZScoreSettings = ZS) {
    this.evaluator = new SurveillanceEvaluator({ zscore, sampleIntervalMs: 1000, rulesFor: () => rules });
  }
  sample(values: Partial<Record<MetricName, number>>, health: DataHealth = OK): SampleEvaluation {
    const sample: MetricSample = {
      key: 'binance-usdm:BTCUSDT',
      instrumentId: 'BTC-USDT-PERP',
      venue: 'binance-usdm',
      time: this.t,
      values,
      covered: {},
      health,
    };
    this.t += 1000;
    const result = this.evaluator.evaluate(sample);
    this.events.push(...result.events);
    return result;
  }
  /** A calm spread around 2 bps with a little noise, for `n` seconds. */
  calm(n: number, metric: MetricName = 'spread_bps', base = 2): void {
    for (let i = 0; i < n; i++) this.sample({ [metric]: base + (i % 5) * 0.05 });
  }
  kinds(): string[] {
    return this.events.map((e) => `${e.kind}:${e.severity}`);
  }
}

describe('alert evaluation', () => {
  it('skips dual-condition rules with zscore_warmup until 30 samples, however wide the spread', () => {
    const h = new Harness(SPREAD_RULES);
    for (let i = 0; i < 30; i++) {
      const r = h.sample({ spread_bps: i < 29 ? 2 : 50 });
      expect(r.outcomes.every((o) => o.status === 'skipped' && o.reason === 'zscore_warmup')).toBe(true);
      expect(r.zscores.spread_bps).toEqual({ ready: false, samples: i, needed: 30 });
    }
    expect(h.events).toEqual([]);
  });

  it('fires only when the value is past its threshold AND statistically unusual', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    // 4 bps: past 3 bps and far outside a 2.0-2.2 bps history -> warning at once (no persistence).
    const r = h.sample({ spread_bps: 4 });
    expect(r.events.map((e) => e.kind)).toEqual(['firing']);
    expect(r.alerts[0]).toMatchObject({ state: 'firing', severity: 'warning', rule: 'spread_warning', value: 4 });
    expect(r.events[0]!.zscore).toBeGreaterThan(2);
    expect(r.events[0]).toMatchObject({ threshold: 3, zThreshold: 2, metric: 'spread_bps' });
  });

  it('stays quiet on wide spreads that are statistically ordinary', () => {
    const h = new Harness(SPREAD_RULES);
    // Spreads swing between 1 and 9 bps all the time: 6 bps is past both thresholds but ordinary.
    for (let i = 0; i < 200; i++) h.sample({ spread_bps: 1 + ((i * 37) % 9) });
    const r = h.sample({ spread_bps: 6 });
    expect(r.outcomes.find((o) => o.rule.name === 'spread_critical')).toMatchObject({ status: 'judged', holds: true, fires: false });
    expect(h.events).toEqual([]);
  });

  it('fires threshold-only rules without waiting for warmup', () => {
    const h = new Harness(DEPTH_RULES);
    const r = h.sample({ depth_10bps: 300_000 });
    expect(r.alerts[0]).toMatchObject({ state: 'firing', severity: 'warning', metric: 'depth_10bps' });
    h.sample({ depth_10bps: 150_000 });
    expect(h.kinds()).toEqual(['firing:warning', 'escalated:critical']);
  });

  it('holds a persistent rule pending until its condition held for the whole duration', () => {
    const h = new Harness(BASIS_RULES);
    h.calm(60, 'basis_perp_spot_bps', 1);
    const start = h.t;
    h.sample({ basis_perp_spot_bps: 15 }); // past 10 bps with a huge z
    expect(h.kinds()).toEqual(['pending:warning']);
    for (let i = 1; i < 120; i++) h.sample({ basis_perp_spot_bps: 15 });
    expect(h.kinds()).toEqual(['pending:warning']);
    const r = h.sample({ basis_perp_spot_bps: 15 }); // held 120 s now
    expect(r.events[0]).toMatchObject({ kind: 'firing', time: start + 120_000, severity: 'warning' });
  });

  it('restarts persistence on a false sample, cancelling the pending alert', () => {
    const h = new Harness([BASIS_RULES[0]!]);
    h.calm(60, 'basis_perp_spot_bps', 1);
    for (let i = 0; i < 100; i++) h.sample({ basis_perp_spot_bps: -15 });
    h.sample({ basis_perp_spot_bps: 1 }); // one sample back inside the threshold
    // A new, again unusual dislocation starts a new episode from zero.
    for (let i = 0; i < 100; i++) h.sample({ basis_perp_spot_bps: -40 });
    // 200 s past the threshold in all, but never 120 s in a row.
    expect(h.kinds()).toEqual(['pending:warning', 'cancelled:warning', 'pending:warning']);
  });

  it('escalates at once, de-escalates and resolves only after the clear time', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    h.sample({ spread_bps: 8 }); // past 5 bps, z > 3 -> critical
    for (let i = 0; i < 9; i++) h.sample({ spread_bps: 4 }); // critical clear for 9 s: not yet
    expect(h.kinds()).toEqual(['firing:critical']);
    h.sample({ spread_bps: 4 }); // 10 s without the critical threshold
    expect(h.kinds()).toEqual(['firing:critical', 'deescalated:warning']);
    for (let i = 0; i < 9; i++) h.sample({ spread_bps: 2 });
    expect(h.kinds()).toEqual(['firing:critical', 'deescalated:warning']);
    const r = h.sample({ spread_bps: 2 });
    expect(h.kinds()).toEqual(['firing:critical', 'deescalated:warning', 'resolved:warning']);
    expect(r.alerts[0]).toMatchObject({ state: 'resolved' });
    expect(h.evaluator.openAlerts()).toEqual([]);
  });

  it('does not flap when the value dips back inside the threshold briefly', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    h.sample({ spread_bps: 4 });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) h.sample({ spread_bps: 2 });
      h.sample({ spread_bps: 3.5 }); // threshold holds again: the clear timer restarts
    }
    expect(h.kinds()).toEqual(['firing:warning']);
  });

  it('keeps an open alert while the spread stays past its threshold, even once z adapts', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    for (let i = 0; i < 400; i++) h.sample({ spread_bps: 4 }); // the window fills with 4s: z falls to 0
    expect(h.kinds()).toEqual(['firing:warning']);
  });

  it('skips rules on stale data and on an invalid book, then re-warms judging against the window before the gap', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    const stale = h.sample({ spread_bps: 9 }, { stale: true, bookValid: true });
    expect(stale.outcomes.map((o) => o.status === 'skipped' && o.reason)).toEqual(['stale_data', 'stale_data']);
    expect(stale.rules.map((r) => r.kind)).toEqual(['blind', 'blind']);
    const invalid = h.sample({ spread_bps: 9 }, { stale: false, bookValid: false });
    expect(invalid.outcomes.map((o) => o.status === 'skipped' && o.reason)).toEqual(['book_invalid', 'book_invalid']);
    // Back to health: the window starts over, and while it re-warms samples are
    // judged against the last good window, so a calm value stays quiet...
    const back = h.sample({ spread_bps: 2 });
    expect(back.reset).toBe(true);
    expect(back.zscores.spread_bps).toMatchObject({ ready: true, rewarm: { samples: 0, needed: 30 } });
    expect(back.rules[0]).toMatchObject({ kind: 'armed', rewarming: true });
    for (let i = 0; i < 9; i++) h.sample({ spread_bps: 2 + (i % 3) * 0.05 });
    expect(h.events).toEqual([]);
    // ...and an anomaly that begins during the re-warm is still unusual.
    const wide = h.sample({ spread_bps: 9 });
    expect(wide.events.map((e) => `${e.kind}:${e.severity}`)).toEqual(['firing:critical']);
  });

  it('treats missing samples as a gap: a short one re-warms against the last window, a long one starts cold', () => {
    const h = new Harness(SPREAD_RULES);
    h.calm(60);
    h.t += 10_000; // ten seconds without a sample
    const r = h.sample({ spread_bps: 2 });
    expect(r.reset).toBe(true);
    expect(r.zscores.spread_bps).toMatchObject({ ready: true, rewarm: { samples: 0, needed: 30 } });
    h.calm(60);
    h.t += 11 * 60_000; // longer than the 10 min a last good window is trusted
    const cold = h.sample({ spread_bps: 9 });
    expect(cold.zscores.spread_bps).toEqual({ ready: false, samples: 0, needed: 30 });
    expect(cold.outcomes[0]).toMatchObject({ status: 'skipped', reason: 'zscore_warmup' });
    expect(h.events).toEqual([]);
  });

  it('keeps resolution on hold while the data cannot be judged', () => {
    const h = new Harness(DEPTH_RULES);
    h.sample({ depth_10bps: 300_000 });
    for (let i = 0; i < 60; i++) h.sample({ depth_10bps: 900_000 }, { stale: true, bookValid: true });
    expect(h.kinds()).toEqual(['firing:warning']);
    for (let i = 0; i < 9; i++) h.sample({ depth_10bps: 900_000 });
    expect(h.kinds()).toEqual(['firing:warning']);
    h.sample({ depth_10bps: 900_000 }); // 10 s after the last sample that could not be judged
    expect(h.kinds()).toEqual(['firing:warning', 'resolved:warning']);
  });

  it('records acknowledgements, and drops them when the alert escalates', () => {
    const h = new Harness(DEPTH_RULES);
    const opened = h.sample({ depth_10bps: 300_000 }).alerts[0]!;
    const ack = h.evaluator.acknowledge(opened.id, { by: 'desk-1', time: 1500, note: 'MM pulled quotes, watching' });
    expect(ack).toMatchObject({ kind: 'acknowledged', by: 'desk-1', note: 'MM pulled quotes, watching', time: 1500 });
    expect(h.evaluator.openAlerts()[0]!.acknowledged).toEqual({ by: 'desk-1', time: 1500, note: 'MM pulled quotes, watching' });
    h.sample({ depth_10bps: 100_000 });
    expect(h.evaluator.openAlerts()[0]).toMatchObject({ severity: 'critical', acknowledged: null });
    expect(h.evaluator.acknowledge('no-such-alert', { by: 'x', time: 0, note: '' })).toBeNull();
  });

  it('falls back to thresholds alone when z-scores are switched off', () => {
    const h = new Harness(SPREAD_RULES, { ...ZS, enabled: false });
    const r = h.sample({ spread_bps: 4 });
    expect(r.alerts[0]).toMatchObject({ state: 'firing', severity: 'warning' });
    expect(r.zscores).toEqual({});
  });

  it('judges abs_above both ways and below rules on negative z', () => {
    const h = new Harness(BASIS_RULES.map((r) => ({ ...r, persistSeconds: 0 })));
    h.calm(60, 'basis_perp_spot_bps', 0);
    expect(h.sample({ basis_perp_spot_bps: -25 }).events[0]).toMatchObject({ kind: 'firing', severity: 'critical' });
  });
});
