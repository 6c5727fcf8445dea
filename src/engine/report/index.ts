// The T+1 market-quality report (docs/report.md): model, history reader, HTML renderer, PDF printer.
export { ReportRequestError } from './report-reader';
export { buildReport, marketReportFileName, writeReport } from './report-file';
