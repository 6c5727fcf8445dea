import type { CaptureSource } from '../import/import-source';
import { bookMetrics } from '../../shared/core/metrics';
import type { Alert, AlertEvent, StoredAlert } from '../../shared/core/model';
import { isFeedMetricName } from '../../shared/config/metric-names';
import type { SurveillancePipeline } from '../pipeline/surveillance-pipeline';
import type { BookEpisodes } from '../pipeline/venue-books';
import type { RuleSummary, RuleSummaryEntry } from './rule-summary';
import type { CaptureTruncation } from '../capture/capture-reader';

/** An alert as the report lists it: the alert's (model.ts `Alert`) latest state. */
export type ReportAlert = Pick<
  Alert,
  'id' | 'instrumentId' | 'venue' | 'metric' | 'rule' | 'severity' | 'state' | 'openedAt' | 'firedAt' | 'resolvedAt' | 'value' | 'zscore' | 'threshold'
>;

/**
 * A feed-integrity alert as the report lists it: about a venue (`key` is the
 * venue id, or `venue:symbol` for a crossed or locked book), with what was
 * wrong in words.
 */
export interface ReportFeedAlert extends ReportAlert, Pick<StoredAlert, 'key' | 'detail'> {}

/** One venue instrument at the end of the replay (see docs/replay-report.md). */
export interface ReportInstrument {
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly type: string;
  /** Where contract sizes came from: venue metadata in the capture, or a guess (contract value 1). */
  readonly metadata: 'venue' | 'guessed';
  /** The exchange's own strings. */
  readonly bestBid: string | null;
  readonly bestAsk: string | null;
  readonly bidLevels: number;
  readonly askLevels: number;
  readonly bookValid: boolean;
  readonly bookUpdates: number;
  readonly sequenceGaps: number;
  readonly resyncs: number;
  readonly checksumChecks: number;
  readonly checksumFailures: number;
  readonly rejectedLevels: number;
  /** Book-top cross-checks against the venue's own top-of-book stream (bookTicker, tickers). */
  readonly driftChecks: number;
  /** Checks where the book's best bid or ask (price or size) disagreed with the venue's. */
  readonly driftMismatches: number;
  /** Sustained mismatches and deep mismatches: each a `book_drift` feed event and a forced resync. */
  readonly bookDrifts: number;
  /** REST snapshots compared level by level with the book at the same seqId (deep verification, docs/book-truth.md). */
  readonly deepChecks: number;
  /** Of those, the ones that differed: each also a book drift, the book rebuilt from that snapshot. */
  readonly deepMismatches: number;
  /** Deep verifications that could not be made (no answer in time, the sequence passed it). */
  readonly deepUnverified: number;
  /** Crossed and locked episodes of the book, as seen at sampling boundaries; an episode crossed at any boundary counts as crossed. */
  readonly crossedEpisodes: number;
  readonly lockedEpisodes: number;
  /** The longest crossed-or-locked episode, first to last boundary, ms. */
  readonly longestCrossedMs: number;
  readonly spreadBps: number | null;
  /** Quote notional within 10 bps of the mid (USD for inverse contracts). */
  readonly depthBid10bps: number | null;
  readonly depthAsk10bps: number | null;
  readonly depthCovered10bps: { readonly bid: boolean; readonly ask: boolean };
  readonly lagMs: number | null;
  readonly alerts: readonly ReportAlert[];
  /** Each rule of the instrument: its final status and the samples it spent in each status kind. */
  readonly rules: readonly RuleSummaryEntry[];
}

/** One venue's feed health over the replay. */
export interface ReportVenue {
  readonly venue: string;
  /** Times the venue went silent past the stale timeout (features.yaml). */
  readonly staleEpisodes: number;
  readonly sequenceGaps: number;
  readonly checksumFailures: number;
  readonly resyncs: number;
  readonly driftChecks: number;
  readonly driftMismatches: number;
  readonly bookDrifts: number;
  readonly deepChecks: number;
  readonly deepMismatches: number;
  readonly deepUnverified: number;
}

/** How a `--speed N` replay kept to its clock: jumps forward that would have waited past `maxWaitMs` were replayed at once. */
export interface ReplayPacing {
  readonly speed: number;
  readonly maxWaitMs: number;
  readonly jumpsSkipped: number;
  /** The largest such jump in capture time (ms, from the frame before); null when none. */
  readonly largestJumpMs: number | null;
}

/** A cut tail as the report gives it (the reader's {@link CaptureTruncation}). */
export type ReportTruncation = CaptureTruncation;

export interface ReplayReport {
  readonly capture: string;
  /** Where an imported capture came from (`surveil import`: format, dataset, files, rows, refused); null for a recording. */
  readonly source: CaptureSource | null;
  readonly frames: number;
  readonly ignored: number;
  /** `ignored` by reason (`trade`, `kline`, `pong`, `subscription ack`, ...). */
  readonly ignoredBy: Readonly<Record<string, number>>;
  /** The recording ends where its writer was killed: what was read; null for a whole file. */
  readonly truncated: ReportTruncation | null;
  /** Null at `--speed max`. */
  readonly pacing: ReplayPacing | null;
  readonly rejected: Readonly<Record<string, number>>;
  readonly firstFrameAt: number | null;
  readonly lastFrameAt: number | null;
  readonly venues: readonly ReportVenue[];
  readonly instruments: readonly ReportInstrument[];
  /** Market alerts that fired (pending ones that were cancelled are left out), in order. */
  readonly alerts: readonly ReportAlert[];
  /** Feed-integrity alerts that fired (gaps, checksum failures, resyncs, stale, crossed books...), in order. */
  readonly feedAlerts: readonly ReportFeedAlert[];
  readonly alertEvents: number;
}

function reportAlert(alert: Alert): ReportAlert {
  return {
    id: alert.id,
    instrumentId: alert.instrumentId,
    venue: alert.venue,
    metric: alert.metric,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    openedAt: alert.openedAt,
    firedAt: alert.firedAt,
    resolvedAt: alert.resolvedAt,
    value: alert.value,
    zscore: alert.zscore,
    threshold: alert.threshold,
  };
}

/** Severity an alert reached at its worst, from the audit trail. */
function worstSeverity(events: readonly AlertEvent[], alert: Alert): Alert {
  const critical = events.some((e) => e.alertId === alert.id && e.severity === 'critical' && e.kind !== 'cancelled');
  return critical ? { ...alert, severity: 'critical' } : alert;
}

export function buildReplayReport(
  capture: string,
  pipeline: SurveillancePipeline,
  firstFrameAt: number | null,
  lastFrameAt: number | null,
  rules?: RuleSummary,
  read: { readonly truncated?: CaptureTruncation | null; readonly pacing?: ReplayPacing | null; readonly source?: CaptureSource | null } = {},
): ReplayReport {
  const trail = pipeline.auditTrail();
  const firedAll = pipeline
    .allAlerts()
    .filter((a) => a.firedAt !== null)
    .sort((a, b) => a.openedAt - b.openedAt);
  const fired = firedAll.filter((a) => !isFeedMetricName(a.metric)).map((a) => reportAlert(worstSeverity(trail, a)));
  const feedAlerts = firedAll
    .filter((a) => isFeedMetricName(a.metric))
    .map((a): ReportFeedAlert => ({ ...reportAlert(worstSeverity(trail, a)), key: a.key, detail: a.detail ?? null }));
  const instruments = pipeline.instrumentStates().map((state): ReportInstrument => {
    const sync = state.sync;
    const book = sync?.book;
    const metrics = book ? bookMetrics(book, state.instrument, [10]) : null;
    const stats = sync?.stats;
    return {
      id: state.instrument.id,
      venue: state.instrument.venue,
      symbol: state.instrument.symbol,
      type: state.instrument.type,
      metadata: pipeline.directory.guessed.has(state.key) ? 'guessed' : 'venue',
      bestBid: book?.bestBid()?.priceText ?? null,
      bestAsk: book?.bestAsk()?.priceText ?? null,
      bidLevels: book?.levelCount('bid') ?? 0,
      askLevels: book?.levelCount('ask') ?? 0,
      bookValid: sync ? sync.valid && metrics?.state !== 'crossed' : false,
      bookUpdates: stats?.bookUpdates ?? 0,
      sequenceGaps: stats?.sequenceGaps ?? 0,
      resyncs: stats?.resyncs ?? 0,
      checksumChecks: stats?.checksumChecks ?? 0,
      checksumFailures: stats?.checksumFailures ?? 0,
      rejectedLevels: stats?.rejectedLevels ?? 0,
      driftChecks: state.truth?.checks ?? 0,
      driftMismatches: state.truth?.mismatches ?? 0,
      // A deep mismatch is a drift too, as the venue's count has it.
      bookDrifts: (state.truth?.drifts ?? 0) + (state.deep?.mismatches ?? 0),
      deepChecks: state.deep?.checks ?? 0,
      deepMismatches: state.deep?.mismatches ?? 0,
      deepUnverified: state.deep?.unverified ?? 0,
      ...episodeFields(pipeline.books.bookEpisodes(state.key)),
      spreadBps: metrics?.values.spread_bps ?? null,
      depthBid10bps: metrics?.values.depth_bid_10bps ?? null,
      depthAsk10bps: metrics?.values.depth_ask_10bps ?? null,
      depthCovered10bps: {
        bid: metrics?.covered.depth_bid_10bps ?? false,
        ask: metrics?.covered.depth_ask_10bps ?? false,
      },
      lagMs: state.lagMs,
      alerts: fired.filter((a) => a.venue === state.instrument.venue && a.instrumentId === state.instrument.id),
      rules: rules?.forInstrument(state.key) ?? [],
    };
  });
  const rejected: Record<string, number> = { ...pipeline.counters.rejected };
  const badLevels = instruments.reduce((sum, i) => sum + i.rejectedLevels, 0);
  if (badLevels > 0) rejected.bad_level = badLevels;
  return {
    capture,
    source: read.source ?? null,
    frames: pipeline.counters.frames,
    ignored: pipeline.counters.ignored,
    ignoredBy: sortedCounts(pipeline.counters.ignoredBy),
    truncated: read.truncated ?? null,
    pacing: read.pacing ?? null,
    rejected,
    firstFrameAt,
    lastFrameAt,
    venues: pipeline.venueStates().map((v) => ({
      venue: v.venue,
      staleEpisodes: v.staleEpisodes,
      sequenceGaps: v.gaps,
      checksumFailures: v.checksumFailures,
      resyncs: v.resyncs,
      driftChecks: v.driftChecks,
      driftMismatches: v.driftMismatches,
      bookDrifts: v.bookDrifts,
      deepChecks: v.deepChecks,
      deepMismatches: v.deepMismatches,
      deepUnverified: v.deepUnverified,
    })),
    instruments,
    alerts: fired,
    feedAlerts,
    alertEvents: trail.length,
  };
}

function episodeFields(e: BookEpisodes): Pick<ReportInstrument, 'crossedEpisodes' | 'lockedEpisodes' | 'longestCrossedMs'> {
  return { crossedEpisodes: e.crossed, lockedEpisodes: e.locked, longestCrossedMs: e.longestMs };
}

/** Largest count first, so the summary leads with what most of the ignored frames were. */
function sortedCounts(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
