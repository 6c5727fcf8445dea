// The T+1 market-quality report (docs/report.md): model, history reader, HTML renderer, PDF printer.
export { buildMarketReport, buildInstrumentReport, weightedPercentile, DAY_MS, type MarketReport, type InstrumentReport, type ReportInput } from './report-model';
export { readReportInput, reportDayRange, ReportRequestError, type ReportRequest, type ReportReadOptions } from './report-reader';
export { renderReportHtml, REPORT_CSP } from './report-html';
export { printReportPdf, ChromiumMissingError, CHROMIUM_ARGS, chromiumPath } from './report-pdf';
export { buildReport, marketReportFileName, writeReport, type ReportSummary } from './report-file';
