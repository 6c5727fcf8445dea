import type { OverviewRow, ZScoreView } from '../../../shared/contract';

/** The least warmed z-score window of a row (null when every window is ready or there is none). */
export function leastWarmed(row: OverviewRow | undefined): ZScoreView | null {
  if (!row) return null;
  let worst: ZScoreView | null = null;
  for (const view of Object.values(row.zscores)) {
    if (!view || view.z !== null || view.samples >= view.needed) continue;
    if (worst === null || view.samples / view.needed < worst.samples / worst.needed) worst = view;
  }
  return worst;
}

/**
 * The z-score status line of the instrument view.
 * @example warmupLabel({ z: null, samples: 15, needed: 30 }) // 'Z-Score: warming up (15/30)'
 */
export function warmupLabel(view: ZScoreView | null | undefined): string {
  if (view === undefined) return 'Z-Score: no data';
  if (view === null) return 'Z-Score: ready';
  return `Z-Score: warming up (${view.samples}/${view.needed})`;
}
