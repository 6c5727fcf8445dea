import type { HistoryDatabase } from '../storage/history-db';
import { writeCsv } from './csv-writer';
import { prepareExport, type ExportResolution, type HistoryExportRequest } from './history-export';
import { writeParquet } from './parquet-writer';

export type ExportFormat = 'csv' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'parquet'];

/** What an export wrote. */
export interface ExportSummary {
  readonly path: string;
  readonly format: ExportFormat;
  readonly what: HistoryExportRequest['what'];
  readonly rows: number;
  /** Instrument keys exported. */
  readonly keys: readonly string[];
  readonly from: number;
  readonly to: number;
  /** Series only: raw samples, minute or hourly rollups. */
  readonly resolution?: ExportResolution;
}

/** Runs one export into `path` (CSV or Parquet); throws ExportRequestError / UnknownSeriesError for a request the history cannot answer. */
export async function exportHistoryFile(db: HistoryDatabase, request: HistoryExportRequest, format: ExportFormat, path: string): Promise<ExportSummary> {
  const table = prepareExport(db, request);
  const rows = format === 'parquet' ? await writeParquet(path, table) : writeCsv(path, table);
  return {
    path,
    format,
    what: request.what,
    rows,
    keys: table.instruments.map((i) => i.key),
    from: table.from,
    to: table.to,
    ...(table.resolution === undefined ? {} : { resolution: table.resolution }),
  };
}

/**
 * The name the console gives an export: instrument, what, range (UTC,
 * compact), so the same request writes the same file again.
 */
export function exportFileName(request: HistoryExportRequest, format: ExportFormat): string {
  const stamp = (t: number | undefined, open: string) => (t === undefined ? open : new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z'));
  const safe = request.instrument.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe}_${request.what}_${stamp(request.from, 'start')}_${stamp(request.to, 'end')}.${format}`;
}
