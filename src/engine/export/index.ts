export { csvField } from './csv-writer';
export { EXPORT_FORMATS, exportFileName, exportHistoryFile, type ExportFormat } from './export-file';
export {
  EXPORT_WHATS,
  ExportRequestError,
  matchInstruments,
  type ExportWhat,
} from './history-export';
