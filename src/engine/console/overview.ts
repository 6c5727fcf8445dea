import type { Config } from '../../shared/config';
import { EXCHANGE_NAMES, venueIdOf } from '../venues/registry';
import type { FeedView, InstrumentStatus, OverviewRow, ZScoreView } from '../../shared/contract';
import type { Alert, InstrumentType, MetricName } from '../../shared/core/model';
import type { ZScoreResult } from '../../shared/core/rolling-zscore';
import type { FrameCounters, VenueHealth } from '../pipeline/venue-books';
import type { FeedStatus } from '../feed/feed-status';
import type { ShownEvaluation } from '../workers/ui-evaluation';

/** How an overview row is made: config-derived facts the evaluation does not carry. */
export interface RowContext {
  /** Instrument type by `venue:symbol`, from instruments.yaml; unknown keys are guessed from the id. */
  readonly types: ReadonlyMap<string, InstrumentType>;
  /** Liquidity tier by `venue:symbol`, where instruments.yaml (or discovery) gave one. */
  readonly tiers?: ReadonlyMap<string, string>;
  /** Base units per contract by `venue:symbol`, where instruments.yaml (or discovery) gave one. */
  readonly contractValues?: ReadonlyMap<string, number>;
  /** Samples a z-score window needs before it scores (features.yaml min_samples). */
  readonly zNeeded: number;
  /** False when z-scores are switched off: nothing is ever warming up. */
  readonly zEnabled: boolean;
}

/** The row context of a config. */
export function rowContext(config: Config): RowContext {
  const types = new Map<string, InstrumentType>();
  const tiers = new Map<string, string>();
  const contractValues = new Map<string, number>();
  for (const instrument of Object.values(config.instruments)) {
    for (const exchange of EXCHANGE_NAMES) {
      const listing = instrument.venues[exchange];
      if (!listing) continue;
      const key = `${venueIdOf(exchange, instrument.type)}:${listing.symbol}`;
      types.set(key, instrument.type);
      if (listing.tier) tiers.set(key, listing.tier);
      if (listing.contractValue !== null && listing.contractValue > 0) contractValues.set(key, listing.contractValue);
    }
  }
  return { types, tiers, contractValues, zNeeded: config.features.zscore.minSamples, zEnabled: config.features.zscore.enabled };
}

/** The type of an instrument nobody configured (a replayed capture's), from its canonical id. */
function guessType(instrumentId: string): InstrumentType {
  if (instrumentId.endsWith('-PERP')) return 'perpetual';
  if (/-\d{6,8}$|-FUT$/.test(instrumentId)) return 'future';
  return 'spot';
}

function zView(result: ZScoreResult, needed: number): ZScoreView {
  return result.ready ? { z: result.z, samples: needed, needed } : { z: null, samples: result.samples, needed: result.needed };
}

/**
 * Worst first: a firing alert's severity, then data that cannot be judged
 * (invalid book, stale feed, spread z-score still warming up), else normal.
 * Pending alerts count in `openAlerts` but do not colour the row: their
 * persistence is not met yet, and painting them would undo what persistence is for.
 */
export function instrumentStatus(evaluation: ShownEvaluation, open: readonly Alert[], context: RowContext): InstrumentStatus {
  const firing = open.filter((a) => a.state === 'firing');
  if (firing.some((a) => a.severity === 'critical')) return 'critical';
  if (firing.length > 0) return 'warning';
  const health = evaluation.sample.health;
  if (!health.bookValid) return 'invalid';
  if (health.stale) return 'stale';
  const spread = evaluation.zscores.spread_bps;
  if (context.zEnabled && (spread === undefined || !spread.ready)) return 'warming_up';
  return 'normal';
}

/** One overview row from the latest evaluation of an instrument and its open alerts. */
export function overviewRow(evaluation: ShownEvaluation, open: readonly Alert[], context: RowContext): OverviewRow {
  const { sample } = evaluation;
  const zscores: Partial<Record<MetricName, ZScoreView>> = {};
  for (const [metric, result] of Object.entries(evaluation.zscores) as [MetricName, ZScoreResult][]) {
    zscores[metric] = zView(result, context.zNeeded);
  }
  return {
    key: sample.key,
    venue: sample.venue,
    symbol: sample.key.slice(sample.key.indexOf(':') + 1),
    instrumentId: sample.instrumentId,
    type: context.types.get(sample.key) ?? guessType(sample.instrumentId),
    time: sample.time,
    values: sample.values,
    covered: sample.covered,
    zscores,
    health: sample.health,
    status: instrumentStatus(evaluation, open, context),
    openAlerts: open.length,
    rules: evaluation.rules ?? [],
    ...(context.tiers?.has(sample.key) ? { tier: context.tiers.get(sample.key)! } : {}),
    ...(sample.funding ? { funding: sample.funding } : {}),
    ...(sample.tickSize !== undefined && sample.tickSize > 0 ? { tickSize: sample.tickSize } : {}),
    ...(sample.lotSize !== undefined && sample.lotSize > 0 && Number.isFinite(sample.lotSize) ? { lotSize: sample.lotSize } : {}),
    ...(context.contractValues?.has(sample.key) ? { contractValue: context.contractValues.get(sample.key)! } : {}),
  };
}

/** What a feed reports: the worker's feed status, or none in replay (no sockets). */
export interface FeedReport {
  readonly venue: string;
  readonly status: FeedStatus | null;
  readonly counters: FrameCounters;
  readonly health: readonly VenueHealth[];
  /** Worker restarts that took this venue's data down. */
  readonly restarts?: { readonly count: number; readonly last: { readonly time: number; readonly worker: string; readonly reason: string } };
}

/** The least warmed z-score window across a venue's rows; null before any row. */
export function venueWarmup(rows: readonly OverviewRow[]): FeedView['warmup'] {
  let least: { samples: number; needed: number } | null = null;
  for (const row of rows) {
    for (const z of Object.values(row.zscores)) {
      if (z && (least === null || z.samples / z.needed < least.samples / least.needed)) least = { samples: z.samples, needed: z.needed };
    }
  }
  return least;
}

/** A feed's health view from its status, frame counters and venue health, with the warmup of its rows. */
export function feedView(report: FeedReport, rows: readonly OverviewRow[]): FeedView {
  const health = report.health.filter((h) => h.venue === report.venue);
  const sum = (pick: (h: VenueHealth) => number) => health.reduce((n, h) => n + pick(h), 0);
  const venueRows = rows.filter((r) => r.venue === report.venue);
  let valid = 0;
  for (const row of venueRows) if (row.health.bookValid) valid += 1;
  return {
    venue: report.venue,
    connections: report.status?.connections ?? [],
    frames: report.counters.frames,
    rejected: { ...report.counters.rejected },
    sequenceGaps: sum((h) => h.gaps),
    resyncs: sum((h) => h.resyncs),
    checksumFailures: sum((h) => h.checksumFailures),
    staleEpisodes: sum((h) => h.staleEpisodes),
    driftChecks: sum((h) => h.driftChecks),
    driftMismatches: sum((h) => h.driftMismatches),
    bookDrifts: sum((h) => h.bookDrifts),
    deepChecks: sum((h) => h.deepChecks),
    deepMismatches: sum((h) => h.deepMismatches),
    deepUnverified: sum((h) => h.deepUnverified),
    snapshotsRequested: report.status?.snapshotsRequested ?? 0,
    snapshotsFailed: report.status?.snapshotsFailed ?? 0,
    tooLarge: report.status?.tooLarge ?? 0,
    books: { valid, total: venueRows.length },
    warmup: venueWarmup(venueRows),
    workerRestarts: report.restarts?.count ?? 0,
    lastWorkerRestart: report.restarts?.last ?? null,
  };
}
