import { describe, expect, it } from 'vitest';
import { describeTrailEvent, mergeTrail } from '../../src/renderer/src/components/alerts/trail-text';
import { mergeLiveHistory, liveRow } from '../../src/renderer/src/components/alerts/history-live';
import { evaluateRule } from '../../src/shared/core/alert-rules';
import { AlertTracker } from '../../src/shared/core/alert-tracker';
import type { AlertEvent } from '../../src/shared/core/model';
import type { RuleSpec } from '../../src/shared/core/rule-types';

const RULE: RuleSpec = { name: 'spread_critical', metric: 'spread_bps', direction: 'above', threshold: 20, zscore: 3, persistSeconds: 60, severity: 'critical', clearSeconds: 30 };
const HEALTH = { stale: false, bookValid: true };

/**
 * The real tracker on a spread that jumps to 41.5 bp at z +597.9 and stays
 * wide for a minute while the rolling window absorbs it (z falls to -1.6):
 * the transitions the trail has to explain.
 */
function episode(): { events: AlertEvent[]; tracker: AlertTracker } {
  const tracker = new AlertTracker({ key: 'binance-usdm:ETHUSDT', instrumentId: 'ETH-USDT-PERP', venue: 'binance-usdm', metric: 'spread_bps' });
  const events: AlertEvent[] = [];
  const at = (t: number, value: number, z: number) => events.push(...tracker.step(t, [evaluateRule(RULE, value, { ready: true, z } as never, HEALTH)]).events);
  at(1_000, 41.5, 597.9);
  for (let s = 2; s <= 61; s++) at(s * 1000, 39, 597.9 - s * 10);
  at(62_000, 39, -1.6);
  return { events, tracker };
}

describe('the audit trail says what fired and why', () => {
  it('a firing after pending reads as the persistence met on the onset z, not as the z of the moment', () => {
    const { events } = episode();
    expect(events.map((e) => e.kind)).toEqual(['pending', 'firing']);
    const [pending, firing] = events as [AlertEvent, AlertEvent];
    expect(firing.zscore).toBeLessThan(3);
    const text = describeTrailEvent(firing, pending);
    expect(text).toBe('spread_critical: held past 20.00 for 1m 00s since the onset (41.50, z ≥ 10σ (+597.9) (bar 3σ)); now 39.00, z ≤ -10σ (-12.1)');
    expect(text).not.toMatch(/^spread_critical: .* z -\d.*\(bar 3/);
    expect(describeTrailEvent(pending, pending)).toBe('spread_critical: 41.50 vs 20.00, z ≥ 10σ (+597.9) (bar 3σ)');
  });

  it('merges case entries into the engine events by time, an event first at the same millisecond', () => {
    const { events } = episode();
    const note = { alertId: events[0]!.alertId, kind: 'note', time: events[1]!.time, by: 'alice', text: 'looking' } as const;
    expect(mergeTrail(events, [note]).map((i) => (i.type === 'event' ? i.event.kind : i.entry.kind))).toEqual(['pending', 'firing', 'note']);
  });
});

describe('the History is live', () => {
  it('lays the live alert over the stored row and adds alerts the read did not have, through the filters', () => {
    const { tracker } = episode();
    const alert = { ...tracker.current!, acknowledged: { by: 'desk', time: 70_000, note: '' }, assignee: 'carol', notes: 2 };
    const stored = { ...liveRow({ ...alert, state: 'pending', firedAt: null, acknowledged: null, assignee: null, notes: 0 }), openValue: 41.5, openZscore: 597.9 };
    const [row] = mergeLiveHistory([stored], { [alert.id]: alert }, { venue: '', severity: '', state: '' });
    expect(row).toMatchObject({ state: 'firing', ackBy: 'desk', assignee: 'carol', notes: 2, openValue: 41.5, openZscore: 597.9 });
    expect(mergeLiveHistory([], { [alert.id]: alert }, { venue: '', severity: '', state: '' }).map((r) => r.id)).toEqual([alert.id]);
    expect(mergeLiveHistory([stored], { [alert.id]: alert }, { venue: '', severity: '', state: 'pending' })).toEqual([]);
    expect(mergeLiveHistory([stored], { [alert.id]: alert }, { venue: 'okx', severity: '', state: '' })).toEqual([]);
  });
});
