import { existsSync } from 'node:fs';
import type { TierConfig } from '../../shared/config';
import { openHistoryDb } from '../storage/history-db';
import { hourOf } from '../storage/rollup-hourly';
import { restingDepthMedians } from '../storage/rollup-queries';

/** The window tiers by depth read: the last day of closed hours. */
export const RESTING_DEPTH_WINDOW_MS = 24 * 3_600_000;

/**
 * The observed median resting depth of each listing, for tiers with
 * `min_depth_usd`: read once from the local history (read-only) over the
 * closed hours of the last day before `now`, for every band a tier names.
 * Null when no tier has a depth bar or the file does not exist (a first
 * start: tiers by volume alone until the history has a day).
 */
export function historyRestingDepth(path: string, tiers: readonly TierConfig[], now: number): ((key: string, bandBps: number) => number | null) | null {
  const bands = [...new Set(tiers.filter((t) => t.minDepthUsd != null).map((t) => t.depthBandBps ?? 10))];
  if (bands.length === 0 || !existsSync(path)) return null;
  const db = openHistoryDb(path, { readonly: true, integrityCheck: 'off' });
  try {
    const until = hourOf(now);
    const byBand = new Map(bands.map((band) => [band, restingDepthMedians(db, band, until - RESTING_DEPTH_WINDOW_MS, until)] as const));
    return (key, band) => byBand.get(band)?.get(key) ?? null;
  } finally {
    db.close();
  }
}
