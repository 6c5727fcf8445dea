import type { ConnectionView, ConsoleSnapshot, FeedView, OverviewRow } from '../../src/shared/contract';
import type { Alert, AlertEvent } from '../../src/shared/core/model';

/** An overview row with sensible defaults; `values` and friends merge over them. */
export function row(key: string, patch: Partial<OverviewRow> = {}): OverviewRow {
  const [venue = 'okx', symbol = 'X'] = key.split(':');
  return {
    key,
    venue,
    symbol,
    instrumentId: 'BTC-USDT-PERP',
    type: 'perpetual',
    time: 1_000_000,
    values: { spread_bps: 1 },
    covered: {},
    zscores: { spread_bps: { z: 0.5, samples: 30, needed: 30 } },
    health: { stale: false, bookValid: true },
    status: 'normal',
    openAlerts: 0,
    rules: [],
    ...patch,
  };
}

export function alert(id: string, patch: Partial<Alert> = {}): Alert {
  return {
    id,
    key: 'okx:BTC-USDT-SWAP',
    instrumentId: 'BTC-USDT-PERP',
    venue: 'okx',
    metric: 'spread_bps',
    state: 'firing',
    severity: 'warning',
    rule: 'spread_warning',
    openedAt: 1000,
    firedAt: 1000,
    resolvedAt: null,
    value: 4,
    zscore: 2.5,
    threshold: 3,
    acknowledged: null,
    ...patch,
  };
}

export function event(alertId: string, kind: AlertEvent['kind'], patch: Partial<AlertEvent> = {}): AlertEvent {
  return { alertId, kind, time: 1000, severity: 'warning', rule: 'spread_warning', metric: 'spread_bps', value: 4, zscore: 2.5, threshold: 3, zThreshold: 2, ...patch };
}

export function feed(venue: string, patch: Partial<FeedView> = {}): FeedView {
  return {
    venue,
    connections: [],
    frames: 0,
    rejected: {},
    sequenceGaps: 0,
    resyncs: 0,
    checksumFailures: 0,
    staleEpisodes: 0,
    driftChecks: 0,
    driftMismatches: 0,
    bookDrifts: 0,
    snapshotsRequested: 0,
    snapshotsFailed: 0,
    warmup: null,
    workerRestarts: 0,
    lastWorkerRestart: null,
    ...patch,
  };
}

export function snapshot(patch: Partial<ConsoleSnapshot> = {}): ConsoleSnapshot {
  return {
    apiVersion: 1,
    mode: { kind: 'live' },
    simulated: false,
    overview: [],
    alerts: [],
    feeds: [],
    replay: null,
    rules: {},
    serverTime: 5_000,
    ...patch,
  };
}

/** One connected socket of a feed; `patch` merges over it. */
export function connection(patch: Partial<ConnectionView> = {}): ConnectionView {
  return {
    id: 'c',
    url: 'wss://x',
    state: 'connected',
    symbols: [],
    since: 0,
    messages: 0,
    messageRate: 10,
    lastFrameAt: null,
    lagMs: 5,
    reconnects: 0,
    failedAttempts: 0,
    lastError: null,
    downSince: null,
    nextRetryAt: null,
    ...patch,
  };
}
