/**
 * The shape every history export is written in: typed columns and rows in
 * batches, so a writer (CSV, Parquet) never holds more than one batch.
 */

/** A column's type: how CSV prints it and which Parquet type it gets. */
export type ExportColumnType = 'timestamp' | 'double' | 'int' | 'string' | 'boolean';

export interface ExportColumn {
  readonly name: string;
  readonly type: ExportColumnType;
}

/** One value: epoch ms for timestamps, null for none. */
export type ExportCell = number | string | boolean | null;

export type ExportRow = readonly ExportCell[];

/** Rows per batch: a Parquet row group is a few of these, a CSV write one. */
export const EXPORT_BATCH_ROWS = 8192;

/** A table to write: its columns and its rows, produced a batch at a time. */
export interface ExportTable {
  readonly columns: readonly ExportColumn[];
  readonly batches: Iterable<readonly ExportRow[]>;
}

/** Groups rows into batches of {@link EXPORT_BATCH_ROWS}. */
export function* inBatches(rows: Iterable<ExportRow>, size = EXPORT_BATCH_ROWS): Generator<ExportRow[]> {
  let batch: ExportRow[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
