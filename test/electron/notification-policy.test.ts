import { describe, expect, it } from 'vitest';
import type { Alert, AlertEvent, AlertEventKind, Severity } from '../../src/shared/core/model';
import {
  afterSilenceNotice,
  createNotificationPolicy,
  labelNotice,
  type NotificationPolicy,
  type NotificationSettings,
  type OfferResult,
} from '../../src/shared/notification-policy';

// features.yaml defaults: critical on, warning off, 30 s per alert; budget 5 a minute.
const DEFAULTS: NotificationSettings = { critical: true, warning: false, minIntervalSeconds: 30 };
const S = 1000;

function alert(id: string, instrumentId = 'BTC-USDT-PERP', key = 'binance-usdm:BTCUSDT'): Alert {
  return {
    id,
    key,
    instrumentId,
    venue: key.split(':')[0]!,
    metric: 'spread_bps',
    state: 'firing',
    severity: 'critical',
    rule: 'spread_critical',
    openedAt: 0,
    firedAt: 0,
    resolvedAt: null,
    value: 6.25,
    zscore: 4.1234,
    threshold: 5,
    acknowledged: null,
  };
}

function event(alertId: string, kind: AlertEventKind = 'firing', severity: Severity = 'critical'): AlertEvent {
  return {
    alertId,
    kind,
    time: 0,
    severity,
    rule: severity === 'critical' ? 'spread_critical' : 'spread_warning',
    metric: 'spread_bps',
    value: 6.25,
    zscore: 4.1234,
    threshold: 5,
    zThreshold: 3,
  };
}

/** Offers `id` firing at `severity` at time `t` (ms). */
function offer(policy: NotificationPolicy, id: string, t: number, severity: Severity = 'critical', kind: AlertEventKind = 'firing'): OfferResult {
  return policy.offer(alert(id), event(id, kind, severity), t);
}

const shown = (r: OfferResult): boolean => r.kind === 'show';
const reason = (r: OfferResult): string => (r.kind === 'suppress' ? r.reason : 'show');

describe('notification policy', () => {
  it('shows a critical alert that starts firing, with what a supervisor needs in title and body', () => {
    const result = offer(createNotificationPolicy(DEFAULTS), 'a1', 0);
    expect(result).toEqual({
      kind: 'show',
      notice: {
        kind: 'alert',
        title: 'Critical: BTC-USDT-PERP spread_bps',
        body: 'binance-usdm:BTCUSDT 6.25 vs threshold 5, z 4.123 (rule spread_critical)',
        alertId: 'a1',
        severity: 'critical',
      },
    });
  });

  it('notifies firing and escalated transitions only', () => {
    const policy = createNotificationPolicy({ ...DEFAULTS, minIntervalSeconds: 0 });
    const kinds: AlertEventKind[] = ['pending', 'deescalated', 'resolved', 'cancelled', 'acknowledged'];
    for (const kind of kinds) expect(reason(offer(policy, `k-${kind}`, 0, 'critical', kind))).toBe('transition');
    const escalated = offer(policy, 'e1', 0, 'critical', 'escalated');
    expect(escalated.kind === 'show' && escalated.notice.title).toBe('Critical (escalated): BTC-USDT-PERP spread_bps');
  });

  it('warning off (the default): a warning never notifies, its escalation to critical does', () => {
    const policy = createNotificationPolicy(DEFAULTS);
    expect(reason(offer(policy, 'w1', 0, 'warning'))).toBe('severity');
    // The suppressed warning did not start the per-alert interval.
    expect(shown(offer(policy, 'w1', 5 * S, 'critical', 'escalated'))).toBe(true);
  });

  it('warning on, critical off: the reverse', () => {
    const policy = createNotificationPolicy({ ...DEFAULTS, critical: false, warning: true });
    expect(shown(offer(policy, 'w1', 0, 'warning'))).toBe(true);
    expect(reason(offer(policy, 'c1', 0, 'critical'))).toBe('severity');
  });

  it('instrument filter: deny wins over allow; ids and venue:symbol keys both match; empty allow means all', () => {
    const policy = createNotificationPolicy({
      ...DEFAULTS,
      allowInstruments: ['BTC-USDT-PERP', 'okx:ETH-USDT-SWAP'],
      denyInstruments: ['okx:BTC-USDT-SWAP'],
    });
    const at = (id: string, instrumentId: string, key: string) => policy.offer(alert(id, instrumentId, key), event(id), 0);
    expect(shown(at('1', 'BTC-USDT-PERP', 'binance-usdm:BTCUSDT'))).toBe(true);
    expect(reason(at('2', 'BTC-USDT-PERP', 'okx:BTC-USDT-SWAP'))).toBe('instrument');
    expect(shown(at('3', 'ETH-USDT-PERP', 'okx:ETH-USDT-SWAP'))).toBe(true);
    expect(reason(at('4', 'ETH-USDT-PERP', 'binance-usdm:ETHUSDT'))).toBe('instrument');

    const denyOnly = createNotificationPolicy({ ...DEFAULTS, allowInstruments: [], denyInstruments: ['SOL-USDT'] });
    expect(reason(denyOnly.offer(alert('5', 'SOL-USDT', 'okx:SOL-USDT'), event('5'), 0))).toBe('instrument');
    expect(shown(denyOnly.offer(alert('6', 'ETH-USDT', 'okx:ETH-USDT'), event('6'), 0))).toBe(true);
  });

  it('per-alert interval: a flapping alert notifies at most once per minIntervalSeconds', () => {
    const policy = createNotificationPolicy(DEFAULTS); // 30 s
    // a1 fires at 0, re-fires at 10 s and 29.999 s (suppressed), 30 s (shown), 45 s (suppressed), 60 s (shown).
    const times = [0, 10 * S, 29_999, 30 * S, 45 * S, 60 * S];
    expect(times.map((t) => reason(offer(policy, 'a1', t)))).toEqual(['show', 'interval', 'interval', 'show', 'interval', 'show']);
    // Another alert is not held back by a1's interval.
    expect(shown(offer(policy, 'a2', 10 * S))).toBe(true);
    // Interval 0: no per-alert limit.
    const unlimited = createNotificationPolicy({ ...DEFAULTS, minIntervalSeconds: 0 });
    expect([0, 1, 2].map((t) => reason(offer(unlimited, 'a1', t)))).toEqual(['show', 'show', 'show']);
  });

  it('storm: 5 shown in any 60 s, the rest summarized once a minute after the first of them', () => {
    const policy = createNotificationPolicy(DEFAULTS);
    // 20 distinct critical alerts, one every 100 ms from t = 0.
    const results = Array.from({ length: 20 }, (_, i) => offer(policy, `s${i}`, i * 100));
    expect(results.filter(shown)).toHaveLength(5);
    expect(results.slice(0, 5).every(shown)).toBe(true);
    expect(results.slice(5).map(reason)).toEqual(Array(15).fill('budget'));

    // The first overflow was at 500 ms: nothing is due before 60.5 s.
    expect(policy.tick(5 * S)).toBeNull();
    expect(policy.tick(60_499)).toBeNull();
    expect(policy.tick(60_500)).toEqual({
      kind: 'summary',
      title: '15 more critical alerts',
      body: 'Not shown one by one to keep the desktop readable; see the console.',
      alertId: null,
      count: 15,
    });
    // Reported once.
    expect(policy.tick(61 * S)).toBeNull();
  });

  it('the budget is a sliding minute: a slot frees 60 s after each shown notification', () => {
    const policy = createNotificationPolicy({ ...DEFAULTS, minIntervalSeconds: 0 });
    // Shown at 0, 10, 20, 30, 40 s; at 50 s the budget is spent.
    for (const t of [0, 10, 20, 30, 40]) expect(shown(offer(policy, `b${t}`, t * S))).toBe(true);
    expect(reason(offer(policy, 'b50', 50 * S))).toBe('budget');
    // At 59.999 s the one from 0 s is still inside the minute; at 60 s it has left it.
    expect(reason(offer(policy, 'b59', 59_999))).toBe('budget');
    expect(shown(offer(policy, 'b60', 60 * S))).toBe(true);
    expect(reason(offer(policy, 'b61', 61 * S))).toBe('budget');
    // Overflow b50, b59, b61 since 50 s: the summary is due at 110 s.
    expect(policy.tick(109 * S)).toBeNull();
    const summary = policy.tick(110 * S);
    expect(summary?.title).toBe('3 more critical alerts');
  });

  it('a summary comes at most once a minute, and counts an alert once per interval', () => {
    const policy = createNotificationPolicy(DEFAULTS); // 30 s per alert
    for (let i = 0; i < 5; i++) offer(policy, `f${i}`, 0);
    // x1 flaps at 1, 2, 31 s: counted at 1 s and again at 31 s (interval passed), not at 2 s.
    expect(reason(offer(policy, 'x1', 1 * S))).toBe('budget');
    expect(reason(offer(policy, 'x1', 2 * S))).toBe('interval');
    expect(reason(offer(policy, 'x1', 31 * S))).toBe('budget');
    expect(policy.tick(61 * S)?.title).toBe('2 more critical alerts');
    // The storm goes on: a new batch starts at 61.5 s (the shown ones from 0 s have left the minute,
    // so five more are shown first) and is reported a minute later.
    for (let i = 0; i < 5; i++) expect(shown(offer(policy, `g${i}`, 61_500))).toBe(true);
    expect(reason(offer(policy, 'g5', 61_500))).toBe('budget');
    expect(policy.tick(121 * S)).toBeNull();
    expect(policy.tick(121_500)?.title).toBe('1 more critical alert');
  });

  it('a mixed summary says how many of each severity', () => {
    const policy = createNotificationPolicy({ ...DEFAULTS, warning: true, maxPerMinute: 1 });
    offer(policy, 'm0', 0);
    offer(policy, 'm1', 0, 'critical');
    offer(policy, 'm2', 0, 'warning');
    offer(policy, 'm3', 0, 'warning');
    expect(policy.tick(60 * S)).toEqual({
      kind: 'summary',
      title: '3 more alerts',
      body: '1 critical, 2 warning; see the console.',
      alertId: null,
      count: 3,
    });
  });

  it('labels simulated notices', () => {
    const result = offer(createNotificationPolicy(DEFAULTS), 'a1', 0);
    if (result.kind !== 'show') throw new Error('expected a notice');
    expect(labelNotice(result.notice, 'SIMULATED').title).toBe('[SIMULATED] Critical: BTC-USDT-PERP spread_bps');
    expect(labelNotice(result.notice, null)).toBe(result.notice);
  });

  it('says when a silence had held the notification back: the alert may have begun long before it', () => {
    const result = offer(createNotificationPolicy(DEFAULTS), 'a1', 0);
    if (result.kind !== 'show') throw new Error('expected a notice');
    const after = afterSilenceNotice(result.notice, 'S3');
    expect(after.body).toBe(`Still firing after silence S3 ended. ${result.notice.body}`);
    expect(after.title).toBe(result.notice.title);
    expect(afterSilenceNotice(result.notice, undefined)).toBe(result.notice);
  });
});
