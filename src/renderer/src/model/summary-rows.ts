import { SUMMARY_METRICS, SUMMARY_ZSCORES, type OverviewRow, type RowSummary, type ZScoreView } from '../../../shared/contract';
import type { MetricName } from '../../../shared/core/model';

/**
 * A row as the console keeps it: the engine's full row, or one rebuilt from
 * a summary (`brief`) for an instrument the console does not show in detail.
 * A brief row has no rules, coverage or funding: views that need them ask
 * for the instrument's full row (interest-keys.ts) before showing it.
 */
export interface ShownRow extends OverviewRow {
  readonly brief?: true;
}

/** The overview row a summary stands for; `rules` and `covered` are empty (not sent in brief). */
export function rowFromSummary(summary: RowSummary): ShownRow {
  const at = summary.key.indexOf(':');
  const values: Partial<Record<MetricName, number>> = {};
  SUMMARY_METRICS.forEach((metric, i) => {
    const value = summary.values[i];
    if (value !== null && value !== undefined) values[metric] = value;
  });
  const zscores: Partial<Record<MetricName, ZScoreView>> = {};
  SUMMARY_ZSCORES.forEach((metric, i) => {
    const z = summary.z[i];
    if (z === null || z === undefined) return;
    zscores[metric] = typeof z === 'number' ? { z, samples: 1, needed: 1 } : { z: null, samples: z[0], needed: z[1] };
  });
  return {
    key: summary.key,
    venue: summary.key.slice(0, at),
    symbol: summary.key.slice(at + 1),
    instrumentId: summary.instrumentId,
    type: summary.type,
    ...(summary.tier ? { tier: summary.tier } : {}),
    time: summary.time,
    values,
    covered: {},
    zscores,
    health: { stale: summary.stale, bookValid: summary.bookValid },
    status: summary.status,
    openAlerts: summary.openAlerts,
    rules: [],
    brief: true,
  };
}

/**
 * Whether `next` should replace `current`: a newer sample always does, an
 * older never; at the same sample time a brief row does not replace a full
 * one (the engine sends both for a key that just left the client's interest).
 */
export function replacesRow(current: ShownRow | undefined, next: ShownRow): boolean {
  if (!current) return true;
  if (current.time !== next.time) return next.time > current.time;
  return !(next.brief && !current.brief);
}
