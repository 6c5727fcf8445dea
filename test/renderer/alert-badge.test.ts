import { describe, expect, it } from 'vitest';
import { alertBadge } from '../../src/renderer/src/store/alerts-slice';
import type { Silence } from '../../src/shared/silences';
import { alertOf } from '../storage/helpers';

const NOW = Date.UTC(2026, 11, 1, 12);
const silence = (over: Partial<Silence>): Silence => ({
  id: 'S1',
  matcher: { kind: 'venue', value: 'okx' },
  rule: null,
  createdBy: 'alice',
  comment: 'maintenance',
  createdAt: NOW - 60_000,
  startsAt: NOW - 60_000,
  endsAt: NOW + 3_600_000,
  expiredBy: null,
  expiredAt: null,
  ...over,
});

describe('the Alerts button count', () => {
  it('counts the open alerts that need someone, muted when all are handled, with the split in its title', () => {
    expect(alertBadge({}, [], NOW)).toBeNull();
    const a = alertOf({ id: 'a', key: 'okx:BTC-USDT-SWAP', venue: 'okx', acknowledged: null });
    const b = alertOf({ id: 'b', key: 'binance-usdm:BTCUSDT', venue: 'binance-usdm', acknowledged: null });
    const c = alertOf({ id: 'c', key: 'binance-usdm:ETHUSDT', venue: 'binance-usdm', acknowledged: { by: 'bob', time: NOW, note: '' } });
    // okx is silenced: a needs no one; b does; c is acknowledged.
    expect(alertBadge({ a, b, c }, [silence({})], NOW)).toEqual({ text: '1', muted: false, title: '3 open: 1 unacknowledged, 1 acknowledged, 1 silenced' });
    expect(alertBadge({ a, c }, [silence({})], NOW)).toEqual({ text: '2', muted: true, title: '2 open: 0 unacknowledged, 1 acknowledged, 1 silenced' });
    // An expired silence handles nothing.
    expect(alertBadge({ a }, [silence({ endsAt: NOW - 1 })], NOW)).toEqual({ text: '1', muted: false, title: '1 open: 1 unacknowledged, 0 acknowledged, 0 silenced' });
  });
});
