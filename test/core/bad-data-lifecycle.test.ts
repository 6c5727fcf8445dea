import { describe, expect, it } from 'vitest';
import type { AlertEvent, DataHealth, MetricName, MetricSample } from '../../src/shared/core/model';
import { describeRuleStatus, displayZ } from '../../src/shared/core/rule-status';
import type { RuleSpec, ZScoreSettings } from '../../src/shared/core/rule-types';
import { SurveillanceEvaluator, type SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';

const ZS: ZScoreSettings = { enabled: true, windowSize: 300, minSamples: 30, resetOnGap: true };
const OK: DataHealth = { stale: false, bookValid: true };
const BOOK_INVALID: DataHealth = { stale: false, bookValid: false, sources: { book: { state: 'invalid', gap: false } } };
const BOOK_GAP: DataHealth = { stale: false, bookValid: true, sources: { book: { state: 'ok', gap: true } } };

function rule(partial: Partial<RuleSpec> & Pick<RuleSpec, 'name' | 'metric' | 'threshold' | 'severity'>): RuleSpec {
  return { direction: 'abs_above', zscore: null, persistSeconds: 0, clearSeconds: 10, ...partial };
}

const BASIS = [
  rule({ name: 'basis_warning', metric: 'basis_perp_spot_bps', threshold: 10, zscore: 2, persistSeconds: 120, severity: 'warning' }),
  rule({ name: 'basis_critical', metric: 'basis_perp_spot_bps', threshold: 20, zscore: 3, persistSeconds: 60, severity: 'critical' }),
];
const MARK = [
  rule({ name: 'mark_index_warning', metric: 'basis_mark_index_bps', threshold: 10, zscore: 2, persistSeconds: 30, severity: 'warning' }),
  rule({ name: 'mark_index_critical', metric: 'basis_mark_index_bps', threshold: 25, zscore: 3, persistSeconds: 15, severity: 'critical' }),
];
const SPREAD = [rule({ name: 'spread_warning', metric: 'spread_bps', direction: 'above', threshold: 3, zscore: 2, severity: 'warning' })];

class Harness {
  readonly evaluator: SurveillanceEvaluator;
  readonly events: AlertEvent[] = [];
  t = 0;
  constructor(rules: readonly RuleSpec[], zscore: ZScoreSettings = ZS, maxPauseMs?: number) {
    this.evaluator = new SurveillanceEvaluator({ zscore, sampleIntervalMs: 1000, rulesFor: () => rules, ...(maxPauseMs === undefined ? {} : { maxPauseMs }) });
  }
  sample(values: Partial<Record<MetricName, number>>, health: DataHealth = OK, extra: Partial<MetricSample> = {}): SampleEvaluation {
    const sample: MetricSample = { key: 'okx:BTC-USDT-SWAP', instrumentId: 'BTC-USDT-PERP', venue: 'okx', time: this.t, values, covered: {}, health, ...extra };
    this.t += 1000;
    const r = this.evaluator.evaluate(sample);
    this.events.push(...r.events);
    return r;
  }
  /** Calm noise around `base` for n seconds. */
  calm(n: number, metric: MetricName, base = 0): void {
    for (let i = 0; i < n; i++) this.sample({ [metric]: base + ((i * 7) % 5) * 0.2 - 0.4 });
  }
  fired(): { kind: string; severity: string; time: number }[] {
    return this.events.filter((e) => e.kind === 'firing' || e.kind === 'escalated').map((e) => ({ kind: e.kind, severity: e.severity, time: e.time }));
  }
}

/** Runs a 25 bps basis dislocation from t=60 s, with `fault(i)` giving the health of its i-th second. */
function basisRun(fault: (i: number) => DataHealth): Harness {
  const h = new Harness(BASIS);
  h.calm(60, 'basis_perp_spot_bps');
  for (let i = 0; i < 150; i++) h.sample({ basis_perp_spot_bps: 25 + (i % 3) * 0.1 }, fault(i));
  return h;
}

describe('the alert lifecycle under bad data', () => {
  it('a one-frame gap in a persisting dislocation pauses it: the alert fires when the clean series does', () => {
    const clean = basisRun(() => OK);
    const gapped = basisRun((i) => (i === 30 || i === 31 ? BOOK_INVALID : i === 32 ? BOOK_GAP : OK));
    expect(clean.fired()).toEqual([{ kind: 'firing', severity: 'critical', time: 120_000 }]);
    expect(gapped.fired()).toEqual(clean.fired());
    expect(gapped.events.some((e) => e.kind === 'cancelled')).toBe(false);
  });

  it('a pending alert is not cancelled by samples that cannot be judged, and reports itself paused', () => {
    const h = new Harness(BASIS);
    h.calm(60, 'basis_perp_spot_bps');
    h.sample({ basis_perp_spot_bps: 25 });
    const paused = h.sample({ basis_perp_spot_bps: 25 }, BOOK_INVALID);
    expect(paused.events).toEqual([]);
    expect(h.evaluator.openAlerts()[0]).toMatchObject({ state: 'pending' });
    expect(paused.rules.map((r) => r.kind)).toEqual(['paused', 'paused']);
    expect(describeRuleStatus(paused.rules[1]!)).toBe('paused: book invalid (episode held 1 of 60 s)');
    // A judged sample inside the threshold still cancels it.
    const back = h.sample({ basis_perp_spot_bps: 1 });
    expect(back.events.map((e) => e.kind)).toEqual(['cancelled']);
  });

  it('a blind spell longer than the pause limit restarts persistence instead of firing on one sample', () => {
    const h = new Harness(BASIS, ZS, 20_000);
    h.calm(60, 'basis_perp_spot_bps');
    h.sample({ basis_perp_spot_bps: 25 });
    for (let i = 0; i < 70; i++) h.sample({ basis_perp_spot_bps: 25 }, BOOK_INVALID);
    h.sample({ basis_perp_spot_bps: 25 }); // 71 s after onset: would fire if the blind spell counted
    expect(h.fired()).toEqual([]);
    for (let i = 0; i < 60; i++) h.sample({ basis_perp_spot_bps: 25 });
    expect(h.fired()).toEqual([{ kind: 'firing', severity: 'critical', time: h.t - 1000 }]);
  });

  it('mark vs index is judged on the reference stream: an invalid book neither blinds it nor re-warms it', () => {
    const h = new Harness(MARK);
    h.calm(60, 'basis_mark_index_bps');
    const crossed = h.sample({ basis_mark_index_bps: 0.1 }, { stale: false, bookValid: false, sources: { book: { state: 'invalid', gap: false }, reference: { state: 'ok', gap: false } } });
    expect(crossed.outcomes.every((o) => o.status === 'judged')).toBe(true);
    const after = h.sample({ basis_mark_index_bps: 0.1 }, BOOK_GAP);
    expect(after.reset).toBe(false);
    expect(after.zscores.basis_mark_index_bps).toMatchObject({ ready: true });
    expect(after.zscores.basis_mark_index_bps).not.toHaveProperty('rewarm');
  });

  it('a stale mark-price stream blinds mark vs index with its own reason, not the book rules', () => {
    const h = new Harness([...MARK, ...SPREAD]);
    h.calm(60, 'basis_mark_index_bps');
    const r = h.sample({ basis_mark_index_bps: 30, spread_bps: 1 }, { stale: false, bookValid: true, sources: { reference: { state: 'stale', gap: false } } });
    const reasons = Object.fromEntries(r.outcomes.map((o) => [o.rule.name, o.status === 'skipped' ? o.reason : o.status]));
    expect(reasons).toEqual({ mark_index_warning: 'reference_stale', mark_index_critical: 'reference_stale', spread_warning: 'zscore_warmup' });
  });

  it('a dislocation that starts 5 s into a re-warm fires at its full severity on time', () => {
    const clean = new Harness(MARK);
    clean.calm(60, 'basis_mark_index_bps');
    const rewarm = new Harness(MARK);
    rewarm.calm(60, 'basis_mark_index_bps');
    // A gap in the reference stream: the window starts over at t=60 s.
    rewarm.sample({ basis_mark_index_bps: 0 }, { stale: false, bookValid: true, sources: { reference: { state: 'ok', gap: true } } });
    clean.sample({ basis_mark_index_bps: 0 });
    for (let i = 0; i < 4; i++) {
      clean.sample({ basis_mark_index_bps: 0.2 });
      rewarm.sample({ basis_mark_index_bps: 0.2 });
    }
    for (let i = 0; i < 60; i++) {
      clean.sample({ basis_mark_index_bps: 30 });
      rewarm.sample({ basis_mark_index_bps: 30 });
    }
    expect(clean.fired()).toEqual([{ kind: 'firing', severity: 'critical', time: 80_000 }]);
    expect(rewarm.fired()).toEqual(clean.fired());
  });

  it('the first warmup keeps its guard: no z-based alert before the window has its samples', () => {
    const h = new Harness(MARK);
    for (let i = 0; i < 29; i++) {
      const r = h.sample({ basis_mark_index_bps: i < 10 ? 0 : 40 });
      expect(r.rules[0]).toMatchObject({ kind: 'warming_up', warmup: { samples: i, needed: 30 } });
    }
    expect(h.events).toEqual([]);
  });
});

describe('z-score sanity', () => {
  it('a spread flat at one tick has a floor of one tick in bps: +1 tick is z 1, not 1e6', () => {
    const floored: ZScoreSettings = { ...ZS, stdFloors: { spread_bps: { ticks: 1 } } };
    const h = new Harness(SPREAD, floored);
    const mid = 100_000;
    const oneTick = (0.1 / mid) * 1e4; // BTC: tick 0.1 at 100k = 0.01 bps
    for (let i = 0; i < 60; i++) h.sample({ spread_bps: oneTick, mid }, OK, { tickSize: 0.1 });
    const r = h.sample({ spread_bps: 2 * oneTick, mid }, OK, { tickSize: 0.1 });
    expect(r.zscores.spread_bps).toMatchObject({ ready: true });
    const z = (r.zscores.spread_bps as { z: number }).z;
    expect(z).toBeCloseTo(1, 6);
    // Without the floor the same series reports the cap.
    const raw = new Harness(SPREAD);
    for (let i = 0; i < 60; i++) raw.sample({ spread_bps: oneTick, mid });
    expect((raw.sample({ spread_bps: 2 * oneTick, mid }).zscores.spread_bps as { z: number }).z).toBe(1e6);
  });

  it('a relative floor keeps a steady depth from producing huge z on a small change', () => {
    const h = new Harness([], { ...ZS, stdFloors: { depth_10bps: { relative: 0.02 } } });
    for (let i = 0; i < 60; i++) h.sample({ depth_10bps: 1_000_000 });
    const z = (h.sample({ depth_10bps: 990_000 }).zscores.depth_10bps as { z: number }).z;
    expect(z).toBeCloseTo(-0.5, 6);
  });

  it('shows z capped at 10σ while the audit trail keeps the true z, and the alert its peak', () => {
    const h = new Harness(SPREAD, { ...ZS, stdFloors: { spread_bps: { abs: 0.1 } } });
    for (let i = 0; i < 60; i++) h.sample({ spread_bps: 1 + (i % 2) * 0.01 });
    const open = h.sample({ spread_bps: 5 });
    expect(open.events[0]!.zscore).toBeGreaterThan(10);
    expect(displayZ(open.events[0]!.zscore!)).toBe('≥ 10σ');
    expect(displayZ(-3.14)).toBe('-3.1σ');
    expect(open.alerts[0]).toMatchObject({ value: 5, peakValue: 5 });
    const wider = h.sample({ spread_bps: 8 });
    expect(wider.events).toEqual([]);
    expect(wider.alerts[0]).toMatchObject({ value: 5, peakValue: 8 });
    const narrower = h.sample({ spread_bps: 6 });
    expect(narrower.alerts).toEqual([]); // no new peak: nothing changed
    expect(h.evaluator.openAlerts()[0]).toMatchObject({ peakValue: 8 });
  });
});

describe('why a rule is not alerting', () => {
  it('explains armed, pending and active rules in words', () => {
    const h = new Harness(BASIS);
    h.calm(60, 'basis_perp_spot_bps');
    const armed = h.sample({ basis_perp_spot_bps: 0.1 });
    expect(armed.rules[0]).toMatchObject({ kind: 'armed', thresholdMet: false, zMet: false });
    expect(describeRuleStatus(armed.rules[0]!)).toMatch(/^armed: 0\.10 within 10\.0 \(z [+-]\d\.\dσ of 2\)$/);
    let r = h.sample({ basis_perp_spot_bps: 25 });
    for (let i = 0; i < 12; i++) r = h.sample({ basis_perp_spot_bps: 25 });
    expect(r.rules.map((s) => s.kind)).toEqual(['pending', 'pending']);
    expect(describeRuleStatus(r.rules[1]!)).toMatch(/^pending 12 of 60 s: 25\.0 past 20\.0/);
    for (let i = 0; i < 50; i++) r = h.sample({ basis_perp_spot_bps: 25 });
    expect(r.rules.map((s) => s.kind)).toEqual(['pending', 'active']);
  });
});
