import type { ConnectionState, ConnectionView, FeedView, OverviewRow } from '../../../shared/contract';

/** A venue's link in the operator's words. */
export type VenueLinkState = 'connected' | 'reconnecting' | 'stale' | 'down';

const CONNECTION_LINK: Readonly<Record<ConnectionState, VenueLinkState>> = {
  connected: 'connected',
  stale: 'stale',
  connecting: 'reconnecting',
  reconnecting: 'reconnecting',
  backing_off: 'reconnecting',
  stopped: 'down',
};

const WORST: readonly VenueLinkState[] = ['down', 'stale', 'reconnecting', 'connected'];

/** The worst state of a venue's connections: one stale socket makes the venue's data suspect. */
export function venueLinkState(feed: FeedView): VenueLinkState {
  if (feed.connections.length === 0) return 'down';
  let worst = WORST.length - 1;
  for (const c of feed.connections) worst = Math.min(worst, WORST.indexOf(CONNECTION_LINK[c.state]));
  return WORST[worst]!;
}

/** Figures summed or maxed over a venue's connections. */
export interface FeedTotals {
  readonly messageRate: number;
  readonly lagMs: number | null;
  readonly reconnects: number;
  readonly lastError: string | null;
  /** Connections delivering (connected) of all. */
  readonly connectionsUp: number;
  readonly connections: number;
  readonly symbols: number;
}

/** Symbols a connection carries: the count a coalescing session sends, else its list. */
export function symbolCount(c: ConnectionView): number {
  return c.symbolCount ?? c.symbols.length;
}

export function feedTotals(feed: FeedView): FeedTotals {
  let messageRate = 0;
  let lagMs: number | null = null;
  let reconnects = 0;
  let lastError: string | null = null;
  let errorSince = -Infinity;
  let connectionsUp = 0;
  let symbols = 0;
  for (const c of feed.connections) {
    if (c.state === 'connected') connectionsUp += 1;
    symbols += symbolCount(c);
    messageRate += c.messageRate;
    if (c.lagMs !== null) lagMs = lagMs === null ? c.lagMs : Math.max(lagMs, c.lagMs);
    reconnects += c.reconnects;
    // The most recent connection's error is the relevant one.
    if (c.lastError !== null && c.since >= errorSince) {
      lastError = c.lastError;
      errorSince = c.since;
    }
  }
  return { messageRate, lagMs, reconnects, lastError, connectionsUp, connections: feed.connections.length, symbols };
}

/** The Top check cell: mismatches of all checks, flagged once any, with the counts in words. */
export interface DriftSummary {
  readonly text: string;
  readonly warn: boolean;
  readonly title: string;
}

/**
 * Book-top cross-check of a venue: its books' best bid and ask against the
 * venue's own top-of-book stream. A mismatch may be a race between streams;
 * a drift (sustained mismatch) forced a resync and is what an operator acts on.
 */
export function driftSummary(feed: FeedView): DriftSummary {
  const { driftChecks: checks, driftMismatches: mismatches, bookDrifts: drifts } = feed;
  const { deepChecks = 0, deepMismatches = 0, deepUnverified = 0 } = feed;
  const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const lines = [
    `${plural(checks, 'check', 'checks')} of book tops against the venue's own top of book`,
    `${plural(mismatches, 'mismatch', 'mismatches')}`,
    `${plural(drifts, 'sustained drift', 'sustained drifts')} (each forced a resync)`,
  ];
  // Deep verification (after a drift, or the audit): whole books against REST snapshots at the same seqId.
  if (deepChecks + deepUnverified > 0) {
    lines.push(
      `${plural(deepChecks, 'deep check', 'deep checks')} of whole books against REST snapshots: ${plural(deepMismatches, 'mismatch', 'mismatches')} (counted as drifts)` +
        (deepUnverified > 0 ? `, ${plural(deepUnverified, 'verification', 'verifications')} not made` : ''),
    );
  }
  return {
    text: checks === 0 && deepChecks === 0 ? '–' : drifts > 0 ? `${plural(drifts, 'drift', 'drifts')}` : `${mismatches}/${checks.toLocaleString('en-US')}`,
    warn: drifts > 0 || mismatches > 0 || deepMismatches > 0 || deepUnverified > 0,
    title: lines.join('\n'),
  };
}

/** Rejected frames, all reasons. */
/** Rejected frames by reason, and failed REST snapshots: the hover text of the Rejected cell. */
export function rejectedBreakdown(feed: FeedView): string {
  const reasons = Object.entries(feed.rejected)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason}: ${n}`);
  const snapshots = `REST snapshots: ${feed.snapshotsRequested} requested, ${feed.snapshotsFailed} failed`;
  return [...(reasons.length > 0 ? reasons : ['no frame rejected']), snapshots].join('\n');
}

export function rejectedTotal(feed: FeedView): number {
  let n = 0;
  for (const v of Object.values(feed.rejected)) n += v;
  return n;
}

/** A venue's books valid of all: the engine's count, else counted from the rows the console has. */
export function venueBooks(feed: FeedView, rows: readonly OverviewRow[]): { readonly valid: number; readonly total: number } {
  if (feed.books) return feed.books;
  let valid = 0;
  let total = 0;
  for (const row of rows) {
    if (row.venue !== feed.venue) continue;
    total += 1;
    if (row.health.bookValid) valid += 1;
  }
  return { valid, total };
}
