import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { HistoryDatabase } from '../storage/history-db';
import { renderReportHtml } from './report-html';
import { buildMarketReport, type MarketReport } from './report-model';
import { ChromiumMissingError, printReportPdf } from './report-pdf';
import { readReportInput, type ReportReadOptions, type ReportRequest } from './report-reader';

/** What writing a report did. */
export interface ReportSummary {
  readonly html: string;
  /** The PDF written, or null (none asked, or no Chromium: `pdfProblem` says why). */
  readonly pdf: string | null;
  readonly pdfProblem: string | null;
  readonly report: MarketReport;
}

/** The report of one day as HTML text, with its model. */
export function buildReport(db: HistoryDatabase, request: ReportRequest, options: ReportReadOptions): { report: MarketReport; html: string } {
  const report = buildMarketReport(readReportInput(db, request, options));
  return { report, html: renderReportHtml(report) };
}

/**
 * Writes the day's report to `out` (HTML) and, when asked, prints it to
 * `pdf` with Chromium. No Chromium is not an error: the HTML is written and
 * `pdfProblem` says why there is no PDF. Throws ReportRequestError for a
 * request the history cannot answer.
 */
export async function writeReport(db: HistoryDatabase, request: ReportRequest, options: ReportReadOptions & { readonly out: string; readonly pdf?: string }): Promise<ReportSummary> {
  const { report, html } = buildReport(db, request, options);
  writeFileSync(options.out, html);
  if (options.pdf === undefined) return { html: options.out, pdf: null, pdfProblem: null, report };
  try {
    await printReportPdf(html, options.pdf);
    return { html: options.out, pdf: options.pdf, pdfProblem: null, report };
  } catch (error) {
    if (error instanceof ChromiumMissingError) return { html: options.out, pdf: null, pdfProblem: error.message, report };
    throw error;
  }
}

/**
 * The name the console gives a report: the day and the instruments asked
 * (all: none named), so the same request writes the same file again; a long
 * list is shortened to a digest of it.
 */
export function marketReportFileName(request: ReportRequest): string {
  const names = (request.instruments ?? []).map((n) => n.replace(/[^A-Za-z0-9._-]+/g, '_'));
  let part = names.length === 0 ? 'all' : names.join('+');
  if (part.length > 100) part = `${names.length}-instruments-${createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 16)}`;
  return `market-report_${request.day.replace(/[^0-9-]/g, '')}_${part}.html`;
}
