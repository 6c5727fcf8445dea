import { describe, expect, it } from 'vitest';
import { formatAge, plural } from '../../src/renderer/src/format/format';
import { connectionStaleAge, retryText } from '../../src/renderer/src/model/feed-alerts';
import { connection as conn } from './fixtures';

describe('a connection row in the Feeds view', () => {
  it('counts in the singular and the plural', () => {
    expect(plural(1, 'reconnect')).toBe('1 reconnect');
    expect(plural(0, 'reconnect')).toBe('0 reconnects');
    expect(plural(2, 'failed attempt')).toBe('2 failed attempts');
    expect(retryText(conn({ failedAttempts: 1, nextRetryAt: 4_000, downSince: 0 }), 0)).toBe('1 failed attempt, retry #2 in 4 s');
  });

  it('says an age with its unit apart, minutes and more as durations', () => {
    expect(formatAge(12_400)).toBe('12 s');
    expect(formatAge(0)).toBe('0 s');
    expect(formatAge(75_000)).toBe('1m 15s');
    expect(formatAge(Number.NaN)).toBe('–');
  });

  it('is stale when the feed says so, or when it is connected on a stale venue and carries symbols; its age from its last frame', () => {
    expect(connectionStaleAge(conn({ state: 'stale', lastFrameAt: 10_000 }), false, 22_000)).toBe(12_000);
    expect(connectionStaleAge(conn({ state: 'connected', symbolCount: 4, lastFrameAt: 10_000 }), true, 22_000)).toBe(12_000);
    // Fresh venue: a connected socket is not stale however quiet.
    expect(connectionStaleAge(conn({ state: 'connected', symbolCount: 4, lastFrameAt: 10_000 }), false, 22_000)).toBeNull();
    // A REST link carries no symbols: it answers when asked, it is never stale.
    expect(connectionStaleAge(conn({ state: 'connected', symbolCount: 0, lastFrameAt: 10_000 }), true, 22_000)).toBeNull();
    // Down, or never delivered: the retry says it, not a stale age.
    expect(connectionStaleAge(conn({ state: 'backing_off', symbolCount: 4, lastFrameAt: 10_000, downSince: 12_000 }), true, 22_000)).toBeNull();
    expect(connectionStaleAge(conn({ state: 'stale', lastFrameAt: null }), true, 22_000)).toBeNull();
  });
});
