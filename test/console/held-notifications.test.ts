/**
 * Notifications a silence held back are owed once the silence is over and
 * the alert still fires unacknowledged; the desk's real silences decide
 * (in memory, as with storage off).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AlertDesk } from '../../src/engine/console/alert-desk';
import { HeldNotifications } from '../../src/engine/console/held-notifications';
import type { Alert, AlertEvent } from '../../src/shared/core/model';

const T = 1_764_000_000_000;
const desks: AlertDesk[] = [];
afterEach(() => {
  for (const d of desks.splice(0)) d.close();
});

function desk(): AlertDesk {
  const d = new AlertDesk({
    dbPath: null,
    known: () => ({ keys: new Set(['okx:BTC-USDT-SWAP', 'okx:ETH-USDT-SWAP']), instruments: new Set(['BTC-USDT-PERP']), venues: new Set(['okx']) }),
    openAlert: () => undefined,
    historyDb: () => null,
  });
  desks.push(d);
  return d;
}

function alertOn(key: string, over: Partial<Alert> = {}): Alert {
  return {
    id: `${key}|depth|${T}`,
    key,
    instrumentId: key.includes('BTC') ? 'BTC-USDT-PERP' : 'ETH-USDT-PERP',
    venue: 'okx',
    metric: 'depth_10bps',
    state: 'firing',
    severity: 'warning',
    rule: 'depth_warning',
    openedAt: T,
    firedAt: T,
    resolvedAt: null,
    value: 1000,
    zscore: -4,
    threshold: 5000,
    acknowledged: null,
    ...over,
  };
}

function firing(alert: Alert, kind: AlertEvent['kind'] = 'firing'): AlertEvent {
  return { alertId: alert.id, kind, time: T, severity: alert.severity, rule: alert.rule, metric: alert.metric, value: alert.value, zscore: alert.zscore, threshold: alert.threshold, zThreshold: 3 };
}

describe('HeldNotifications', () => {
  it('owes a held alert its notification once its silence runs out, brought up to the alert as it is then', () => {
    const d = desk();
    const silence = d.createSilence({ matcher: { kind: 'key', value: 'okx:BTC-USDT-SWAP' }, createdBy: 'alice', comment: 'okx maintenance', endsAt: T + 60_000 }, T);
    let alert = alertOn('okx:BTC-USDT-SWAP');
    const held = new HeldNotifications();
    held.hold(firing(alert), d.silencing(alert, T)!);
    // It escalated while silenced: the critical transition is the one kept.
    alert = { ...alert, severity: 'critical', rule: 'depth_critical', value: 400, threshold: 1000 };
    held.hold(firing(alert, 'escalated'), d.silencing(alert, T + 5_000)!);
    const now = () => alert;
    expect(held.release(T + 59_999, now, (a, t) => d.silencing(a, t))).toEqual([]);
    expect(held.size).toBe(1);
    const [released, ...rest] = held.release(T + 60_000, now, (a, t) => d.silencing(a, t));
    expect(rest).toEqual([]);
    expect(released).toMatchObject({ alert, silence: { id: silence.id }, event: { kind: 'escalated', severity: 'critical', rule: 'depth_critical', value: 400, threshold: 1000 } });
    expect(held.size).toBe(0);
    // Owed once.
    expect(held.release(T + 61_000, now, (a, t) => d.silencing(a, t))).toEqual([]);
    // An escalation that came down again while silenced is announced as firing at its severity now, not as an escalation.
    const warning = { ...alert, severity: 'warning' as const, rule: 'depth_warning' };
    held.hold(firing(alert, 'escalated'), silence);
    expect(held.release(T + 60_000, () => warning, () => null)).toEqual([expect.objectContaining({ event: expect.objectContaining({ kind: 'firing', severity: 'warning', rule: 'depth_warning' }) })]);
    expect(d.recordReleased(released!.event, silence, T + 60_000)).toMatchObject({ kind: 'silenced', by: 'alice', text: `still critical, notified: silence ${silence.id} is over (ran out at ${new Date(T + 60_000).toISOString()})` });
  });

  it('stays held under a second silence that still matches, and owes nothing for an alert resolved, acknowledged or notified meanwhile', () => {
    const d = desk();
    const short = d.createSilence({ matcher: { kind: 'key', value: 'okx:BTC-USDT-SWAP' }, createdBy: 'alice', comment: 'short', endsAt: T + 10_000 }, T);
    const long = d.createSilence({ matcher: { kind: 'venue', value: 'okx' }, createdBy: 'bob', comment: 'whole venue', startsAt: T + 5_000, endsAt: T + 120_000 }, T);
    const silencing = (a: Alert, t: number) => d.silencing(a, t);
    const alerts = new Map<string, Alert>();
    const held = new HeldNotifications();
    for (const key of ['okx:BTC-USDT-SWAP', 'okx:ETH-USDT-SWAP']) {
      const a = alertOn(key);
      alerts.set(a.id, a);
    }
    const btc = alerts.get(alertOn('okx:BTC-USDT-SWAP').id)!;
    held.hold(firing(btc), d.silencing(btc, T)!);
    // A pending transition is not a notification: nothing is held for it.
    held.hold({ ...firing(btc), kind: 'pending' }, short);
    expect(held.size).toBe(1);
    // The short one is over, the venue's holds it: still held, now under bob's.
    expect(held.release(T + 10_000, (id) => alerts.get(id), silencing)).toEqual([]);
    expect(held.release(T + 120_000, (id) => alerts.get(id), silencing)).toEqual([expect.objectContaining({ silence: expect.objectContaining({ id: long.id }) })]);

    const eth = alerts.get(alertOn('okx:ETH-USDT-SWAP').id)!;
    held.hold(firing(eth), long);
    alerts.set(eth.id, { ...eth, acknowledged: { by: 'carol', time: T + 6_000, note: 'on it' } });
    held.hold(firing(btc), long);
    alerts.set(btc.id, { ...btc, state: 'resolved', resolvedAt: T + 7_000 });
    expect(held.release(T + 200_000, (id) => alerts.get(id), silencing)).toEqual([]);
    expect(held.size).toBe(0);

    alerts.set(btc.id, btc);
    held.hold(firing(btc), long);
    held.notified(btc.id);
    expect(held.release(T + 200_000, (id) => alerts.get(id), silencing)).toEqual([]);
    // An alert the console no longer knows is dropped, not owed.
    held.hold(firing(btc), long);
    expect(held.release(T + 200_000, () => undefined, silencing)).toEqual([]);
    expect(held.size).toBe(0);
  });
});
