import { describe, expect, it } from 'vitest';
import type { RuleStatus } from '../../src/shared/core/rule-status';
import { alertLevels, alertsOfKey, cellMark, cellMarkClass, stateView } from '../../src/renderer/src/model/cell-severity';
import { OVERVIEW_COLUMNS, OVERVIEW_WIDTH, problemRank, sortOverviewKeys } from '../../src/renderer/src/model/overview-columns';
import { alert, row } from './fixtures';

function rule(patch: Partial<RuleStatus>): RuleStatus {
  return {
    rule: 'spread_warning',
    metric: 'spread_bps',
    severity: 'warning',
    kind: 'armed',
    reason: null,
    value: 1,
    z: 0.1,
    threshold: 3,
    zThreshold: 2,
    thresholdMet: false,
    zMet: false,
    warmup: null,
    rewarming: false,
    heldMs: null,
    persistMs: 0,
    ...patch,
  };
}

const column = (id: string) => OVERVIEW_COLUMNS.find((c) => c.id === id)!;

describe('cellMark', () => {
  it('colours a cell by the most severe firing rule on its metric', () => {
    const r = row('okx:A', {
      rules: [
        rule({ rule: 'spread_warning', kind: 'active', severity: 'warning' }),
        rule({ rule: 'spread_critical', kind: 'active', severity: 'critical' }),
        rule({ rule: 'basis_critical', metric: 'basis_perp_spot_bps', kind: 'armed', severity: 'critical' }),
      ],
    });
    expect(cellMark(r, [], ['spread_bps'])).toEqual({ level: 'firing', severity: 'critical' });
    expect(cellMark(r, [], ['basis_perp_spot_bps'])).toBeNull();
    expect(cellMarkClass(cellMark(r, [], ['spread_bps']))).toBe('sev-critical');
  });

  it('prefers a firing warning over a pending critical, and marks pending alone as pending', () => {
    const r = row('okx:A', {
      rules: [
        rule({ metric: 'basis_perp_spot_bps', kind: 'active', severity: 'warning' }),
        rule({ metric: 'basis_perp_spot_bps', kind: 'pending', severity: 'critical' }),
        rule({ metric: 'spread_bps', kind: 'pending', severity: 'warning' }),
      ],
    });
    expect(cellMark(r, [], ['basis_perp_spot_bps'])).toEqual({ level: 'firing', severity: 'warning' });
    expect(cellMark(r, [], ['spread_bps'])).toEqual({ level: 'pending', severity: 'warning' });
    expect(cellMarkClass({ level: 'pending', severity: 'critical' })).toBe('sev-pending sev-pending-critical');
  });

  it('ignores rules that are armed, blind, paused or warming', () => {
    const r = row('okx:A', {
      rules: (['armed', 'blind', 'paused', 'warming_up'] as const).map((kind) => rule({ kind, severity: 'critical', thresholdMet: true })),
    });
    expect(cellMark(r, [], ['spread_bps'])).toBeNull();
  });

  it('reads the open alerts of a brief row (no rules): depth_10bps marks both depth columns', () => {
    const brief = row('okx:A', { rules: [] });
    const alerts = [alert('a1', { key: 'okx:A', metric: 'depth_10bps', state: 'firing', severity: 'critical' })];
    expect(cellMark(brief, alerts, column('depthBid').ruleMetrics!)).toEqual({ level: 'firing', severity: 'critical' });
    expect(cellMark(brief, alerts, column('depthAsk').ruleMetrics!)).toEqual({ level: 'firing', severity: 'critical' });
    expect(cellMark(brief, alerts, column('spread').ruleMetrics!)).toBeNull();
    expect(cellMark(brief, [alert('a2', { metric: 'spread_bps', state: 'pending', severity: 'critical' })], column('spread').ruleMetrics!)).toEqual({
      level: 'pending',
      severity: 'critical',
    });
    expect(cellMark(brief, alerts, [])).toBeNull();
  });

  it('every metric column names the metrics whose rules colour it', () => {
    for (const id of ['spread', 'depthBid', 'depthAsk', 'basisSpot', 'basisIndex', 'markIndex', 'crossVenue', 'funding']) {
      expect(column(id).ruleMetrics?.length).toBeGreaterThan(0);
    }
    expect(column('crossVenue').ruleMetrics).toEqual(['cross_venue_bps']);
    expect(column('funding').ruleMetrics).toEqual(['funding_bps_8h']);
  });
});

describe('stateView', () => {
  it('shows PENDING with its severity for an instrument whose alert waits on persistence', () => {
    const r = row('okx:A', { status: 'normal', openAlerts: 1 });
    const view = stateView(r, [alert('a', { key: 'okx:A', state: 'pending', severity: 'critical', metric: 'basis_perp_spot_bps' })]);
    expect(view).toEqual({ status: 'pending', label: 'PENDING', severity: 'critical' });
    // from the rule statuses alone (a full row whose alert has not arrived yet)
    expect(stateView(row('okx:A', { rules: [rule({ kind: 'pending', severity: 'warning' })] }), [])).toEqual({ status: 'pending', label: 'PENDING', severity: 'warning' });
  });

  it('a firing alert wins over pending; pending wins over book and warmup states', () => {
    const pending = alert('p', { state: 'pending', severity: 'critical' });
    expect(stateView(row('okx:A', { status: 'warning' }), [pending]).label).toBe('WARN');
    expect(stateView(row('okx:A', { status: 'normal' }), [alert('f', { state: 'firing', severity: 'critical' })]).label).toBe('CRIT');
    expect(stateView(row('okx:A', { status: 'stale' }), [pending]).label).toBe('PENDING');
    expect(stateView(row('okx:A', { status: 'stale' }), []).label).toBe('STALE');
    expect(stateView(row('okx:A', { status: 'normal' }), []).label).toBe('OK');
  });
});

describe('alertLevels and alertsOfKey', () => {
  it('takes the worst severity per level over every metric when none is named', () => {
    const r = row('okx:A', { rules: [rule({ kind: 'pending', severity: 'warning' }), rule({ metric: 'cross_venue_bps', kind: 'pending', severity: 'critical' })] });
    expect(alertLevels(r, [], null)).toEqual({ firing: null, pending: 'critical' });
  });

  it('indexes the active alerts by instrument, the same objects back until the set changes', () => {
    const a = alert('a', { key: 'okx:A' });
    const b = alert('b', { key: 'okx:B' });
    const active = { a, b };
    expect(alertsOfKey(active, 'okx:A')).toEqual([a]);
    expect(alertsOfKey(active, 'okx:C')).toEqual([]);
    const next = { a, b, c: alert('c', { key: 'okx:A' }) };
    expect(alertsOfKey(next, 'okx:A').map((x) => x.id)).toEqual(['a', 'c']);
    expect(alertsOfKey(next, 'okx:A')[0]).toBe(a);
  });
});

describe('problems first', () => {
  it('orders firing critical, firing warning, pending, invalid, stale, warming, then the rest', () => {
    const rows = {
      'x:normal': row('x:normal', { status: 'normal' }),
      'x:stale': row('x:stale', { status: 'stale' }),
      'x:pending': row('x:pending', { status: 'normal', openAlerts: 1 }),
      'x:invalid': row('x:invalid', { status: 'invalid' }),
      'x:warn': row('x:warn', { status: 'warning', openAlerts: 1 }),
      'x:warm': row('x:warm', { status: 'warming_up' }),
      'x:crit': row('x:crit', { status: 'critical', openAlerts: 2 }),
    };
    const order = sortOverviewKeys(rows, Object.keys(rows), { column: 'instrument', direction: 'asc' }, true);
    expect(order).toEqual(['x:crit', 'x:warn', 'x:pending', 'x:invalid', 'x:stale', 'x:warm', 'x:normal']);
    expect(order.map((k) => problemRank(rows[k as keyof typeof rows]))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('compact columns', () => {
  it('fit a 1280 px window with a scrollbar, and the instrument column is narrow', () => {
    expect(OVERVIEW_WIDTH).toBeLessThanOrEqual(1280 - 20);
    expect(column('instrument').width).toBeLessThanOrEqual(160);
    for (const c of OVERVIEW_COLUMNS) expect(c.width).toBeGreaterThan(0);
  });
});
