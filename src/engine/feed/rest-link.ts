import type { ConnectionStatus } from './feed-status';
import { MessageRate } from './message-rate';
import type { RestPushback } from './rest-client';

/** Failed requests in a row (and no success since) after which REST counts as down. */
const FAILURES_FOR_DOWN = 3;

/**
 * A venue's REST endpoint seen as one more connection of its feed: books
 * that want a snapshot get none while it fails, so it must reach the
 * operator like a dropped socket. Reported in FeedStatus.connections, it is
 * judged by the existing `feed_down` rule (same detail, alert, log line and
 * Feeds view) without a rule of its own.
 *
 * Down: while the venue has paused us (429 throttled, 418 IP banned: nothing
 * goes out until Retry-After), or after {@link FAILURES_FOR_DOWN} failed
 * requests in a row (timeouts, refused, 5xx). One success ends it. Down
 * counts from when it became so, not from the first failure: when the whole
 * venue is unreachable its sockets fail first, and `feed_down` names the
 * connection down longest, so the socket's error (the host an operator
 * checks) stays the one reported.
 */
export class RestLink {
  private messages = 0;
  private readonly rate = new MessageRate();
  private lastSuccessAt: number | null = null;
  private failuresInRow = 0;
  private failingSince: number | null = null;
  /** When the link last became down; null while up. */
  private downAt: number | null = null;
  private lastError: string | null = null;
  private pausedUntil = 0;
  private banned = false;
  private readonly createdAt: number;

  constructor(
    readonly id: string,
    readonly url: string,
    private readonly now: () => number,
  ) {
    this.createdAt = now();
  }

  /** A 2xx answer. */
  noteSuccess(): void {
    const t = this.now();
    this.messages += 1;
    this.rate.add(t);
    this.lastSuccessAt = t;
    this.failuresInRow = 0;
    this.failingSince = null;
    this.downAt = null;
  }

  /** A request that produced no usable answer: network error, timeout, an HTTP error status. */
  noteFailure(error: string): void {
    const t = this.now();
    this.failuresInRow += 1;
    this.failingSince ??= t;
    this.lastError = error;
    this.refresh(t);
  }

  /** The venue pushed back (429/418): down until its Retry-After at least. */
  notePushback(pushback: RestPushback): void {
    const retry = Math.max(0, Math.ceil((pushback.until - this.now()) / 1000));
    this.banned = pushback.kind === 'banned';
    this.lastError = this.banned
      ? `HTTP 418: IP banned for requests after a 429, all REST stopped, Retry-After ${retry} s`
      : `HTTP 429: request limit exceeded, REST paused, Retry-After ${retry} s`;
    this.failuresInRow += 1;
    this.failingSince ??= this.now();
    this.pausedUntil = Math.max(this.pausedUntil, pushback.until);
    this.refresh(this.now());
  }

  private isDown(now: number): boolean {
    return now < this.pausedUntil || this.failuresInRow >= FAILURES_FOR_DOWN;
  }

  private refresh(now: number): void {
    if (!this.isDown(now)) this.downAt = null;
    else this.downAt ??= now;
  }

  /** Banned by the venue right now (418 and its Retry-After not yet over). */
  get isBanned(): boolean {
    return this.banned && this.now() < this.pausedUntil;
  }

  status(): ConnectionStatus {
    const now = this.now();
    this.refresh(now);
    const paused = now < this.pausedUntil;
    const down = this.downAt !== null;
    return {
      id: this.id,
      url: this.url,
      state: down ? 'backing_off' : 'connected',
      symbols: [],
      since: this.failingSince ?? this.lastSuccessAt ?? this.createdAt,
      messages: this.messages,
      messageRate: this.rate.perSecond(now),
      lastFrameAt: this.lastSuccessAt,
      lagMs: null,
      reconnects: 0,
      failedAttempts: this.failuresInRow,
      lastError: this.lastError,
      downSince: this.downAt,
      nextRetryAt: paused ? this.pausedUntil : null,
    };
  }
}
