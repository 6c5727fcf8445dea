export { csvField, csvHeader, writeCsv } from './csv-writer';
export { EXPORT_FORMATS, exportFileName, exportHistoryFile, type ExportFormat, type ExportSummary } from './export-file';
export { EXPORT_BATCH_ROWS, type ExportCell, type ExportColumn, type ExportColumnType, type ExportRow, type ExportTable } from './export-table';
export {
  EXPORT_WHATS,
  ExportRequestError,
  matchInstruments,
  prepareExport,
  seriesResolution,
  type ExportResolution,
  type ExportWhat,
  type HistoryExportRequest,
  type PreparedExport,
} from './history-export';
export { PARQUET_ROW_GROUP_ROWS, writeParquet } from './parquet-writer';
