import { decodeRollupStats } from '../storage/rollup-codec';
import type { RollupSeriesCatalogue } from '../storage/rollup-series';

/**
 * One local rollup row (id, instrument_id, minute, samples, flags, book_ms,
 * stats BLOB) as the central rows it becomes: one per series, in the order
 * of the central `rollups` columns (local_id first), so SQL users get
 * plain columns instead of a BLOB only this build can read. A z-score's
 * mean is not kept (NULL).
 */
export function expandRollupRow(row: readonly unknown[], catalogue: RollupSeriesCatalogue): unknown[][] {
  const [localId, instrumentId, minute, samples, flags, bookMs, stats] = row as [number, number, number, number, number, number, Uint8Array];
  const out: unknown[][] = [];
  decodeRollupStats(stats, { samples, bookMs }, (id) => catalogue.isZ(id), null, (id, s) => {
    out.push([localId, instrumentId, minute, catalogue.nameOf(id), samples, flags, bookMs, s.n, s.validMs, s.min, s.max, Number.isNaN(s.mean) ? null : s.mean, s.last]);
  });
  return out;
}
