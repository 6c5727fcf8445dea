import { describe, expect, it } from 'vitest';
import { feedBannerText, openFeedAlerts, retryText, venueStaleAge } from '../../src/renderer/src/model/feed-alerts';
import { alert, connection as conn, feed, row } from './fixtures';


describe('feed alerts on screen', () => {
  it('banners the worst open feed alert (firing, then critical, then oldest) and counts the rest; market alerts are not feed alerts', () => {
    const active = {
      m: alert('m', { severity: 'critical' }),
      s: alert('s', { key: 'okx', metric: 'feed_stale_seconds', severity: 'warning', openedAt: 1, detail: 'stale: no frame for 42 s' }),
      d: alert('d', { key: 'binance-usdm', metric: 'feed_down_seconds', severity: 'critical', openedAt: 5, detail: 'unreachable: ENOTFOUND fstream.binance.com, retry #7 in 16 s' }),
      p: alert('p', { key: 'okx', metric: 'gaps_in_window', severity: 'critical', state: 'pending', openedAt: 0, detail: '12 sequence gaps in 300 s' }),
    };
    const open = openFeedAlerts(active);
    expect(open.map((a) => a.id)).toEqual(['d', 's', 'p']);
    expect(feedBannerText(open)).toBe('binance-usdm unreachable: ENOTFOUND fstream.binance.com, retry #7 in 16 s (+2 more feed alerts)');
    expect(feedBannerText(openFeedAlerts({ m: active.m }))).toBeNull();
  });

  it('shows a connection that is down with its failed attempts and when the next one starts', () => {
    expect(retryText(conn({ failedAttempts: 7, nextRetryAt: 16_000, downSince: 0 }), 500)).toBe('7 failed attempts, retry #8 in 16 s');
    expect(retryText(conn({ failedAttempts: 3, nextRetryAt: null, downSince: 0 }), 500)).toBe('3 failed attempts, retry #4 connecting');
    expect(retryText(conn({}), 500)).toBe('');
  });

  it('calls a venue stale, with its age, when its rows are stale however its link looks', () => {
    const okx = feed('okx', { connections: [conn({ lastFrameAt: 10_000 }), conn({ id: 'b', lastFrameAt: 20_000 })] });
    expect(venueStaleAge(okx, [row('okx:BTC-USDT-SWAP', { health: { stale: true, bookValid: true } })], 62_000)).toBe(42_000);
    expect(venueStaleAge(okx, [row('okx:BTC-USDT-SWAP'), row('binance-spot:BTCUSDT', { health: { stale: true, bookValid: true } })], 62_000)).toBeNull();
  });
});
