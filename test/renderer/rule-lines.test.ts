import { describe, expect, it } from 'vitest';
import type { RuleStatus } from '../../src/shared/core/rule-status';
import { ruleLines, ruleTally } from '../../src/renderer/src/model/rule-lines';
import { row } from './fixtures';

/** A rule status as the core reports it on an overview row; `patch` sets the kind and what goes with it. */
const status = (rule: string, patch: Partial<RuleStatus>): RuleStatus => ({
  rule,
  metric: 'basis_perp_spot_bps',
  severity: 'critical',
  kind: 'armed',
  reason: null,
  value: 1.5,
  z: 0.4,
  threshold: 20,
  zThreshold: 3,
  thresholdMet: false,
  zMet: false,
  warmup: null,
  rewarming: false,
  heldMs: null,
  persistMs: 60_000,
  ...patch,
});

describe('rule lines of the Rules panel', () => {
  const rules = [
    status('basis_warming', { kind: 'warming_up', reason: 'zscore_warmup', z: null, warmup: { samples: 15, needed: 30 } }),
    status('basis_armed', {}),
    status('basis_pending', { kind: 'pending', value: 26.7, z: 5.7, thresholdMet: true, zMet: true, heldMs: 12_000 }),
    status('basis_firing', { kind: 'active', severity: 'warning', value: 26.7, z: 42, thresholdMet: true, zMet: true, heldMs: 75_000 }),
    status('basis_paused', { kind: 'paused', reason: 'leg_invalid', value: null, z: null, thresholdMet: null, heldMs: 20_000 }),
    status('basis_blind', { kind: 'blind', reason: 'stale_data', value: null, z: null, thresholdMet: null }),
    status('basis_rewarm', { rewarming: true, warmup: { samples: 4, needed: 30 } }),
  ];
  const lines = ruleLines(row('okx:A', { rules }));
  const line = (name: string) => lines.find((l) => l.rule === name)!;

  it('puts each rule in words, in the engine order', () => {
    expect(lines.map((l) => l.rule)).toEqual(rules.map((r) => r.rule));
    expect(line('basis_warming')).toMatchObject({ badge: 'WARMUP 15/30', text: 'warming up 15/30: 1.50', tone: 'rule-warming_up' });
    expect(line('basis_armed')).toMatchObject({ badge: 'ARMED', text: 'armed: 1.50 within 20.0 (z +0.4σ of 3)', tone: 'rule-armed' });
    expect(line('basis_pending')).toMatchObject({ badge: 'PENDING 12/60 s', tone: 'rule-pending' });
    expect(line('basis_pending').text).toBe('pending 12 of 60 s: 26.7 past 20.0 (z +5.7σ of 3)');
    expect(line('basis_paused').text).toBe('paused: other leg stale or invalid (episode held 20 of 60 s)');
    expect(line('basis_blind')).toMatchObject({ badge: 'NOT JUDGED', text: 'not judged: feed stale', tone: 'rule-blind' });
    expect(line('basis_rewarm').badge).toBe('ARMED (re-warm 4/30)');
    expect(line('basis_rewarm').text).toContain('judged against the window before the gap (re-warm 4/30)');
  });

  it('colours a firing rule by its severity and caps its z at 10σ', () => {
    expect(line('basis_firing')).toMatchObject({ badge: 'FIRING', tone: 'rule-active sev-warning' });
    expect(line('basis_firing').text).toBe('firing: 26.7 past 20.0 (z ≥ 10σ of 3)');
  });

  it('tallies the kinds worst first, and has nothing to list without a row', () => {
    expect(ruleTally(lines)).toBe('1 firing · 1 pending · 1 paused · 1 not judged · 1 warming up · 2 armed');
    expect(ruleLines(undefined)).toEqual([]);
    expect(ruleTally([])).toBe('');
  });
});
