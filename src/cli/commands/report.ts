import { existsSync } from 'node:fs';
import { loadConfig } from '../../engine/config';
import { defaultConfigDir } from '../../engine/config/default-config-dir';
import { ReportRequestError, writeReport } from '../../engine/report';
import { HistoryCorruptError, openHistoryDb, type HistoryDatabase } from '../../engine/storage/history-db';
import { isConfigError, type Config } from '../../shared/config';
import { optionValues, type CliCommand } from '../index';
import { outputPathProblem } from '../output-path';

/** `report --db HISTORY --day YYYY-MM-DD [--instrument ID...] --out report.html [--pdf report.pdf] [--config DIR]` */
export const reportCommand: CliCommand = {
  name: 'report',
  summary: "T+1 market-quality report of one UTC day from a history database: spread, depth, basis, funding, alerts, feed incidents, coverage (HTML, and PDF via Chromium)",
  options: {
    db: { type: 'string', valueName: 'HISTORY', description: 'the SQLite history to read (read-only)' },
    day: { type: 'string', valueName: 'YYYY-MM-DD', description: 'the UTC day (midnight to midnight)' },
    instrument: { type: 'string', valueName: 'ID', description: 'canonical id, venue:symbol or venue symbol; repeat or comma-separate for several; default: every instrument with history in the day', multiple: true },
    out: { type: 'string', valueName: 'FILE', description: 'the HTML file to write' },
    pdf: { type: 'string', valueName: 'FILE', description: 'also print it to this PDF with Chromium' },
    config: { type: 'string', valueName: 'DIR', description: 'config folder for the alert rules and sampling interval (default: the shipped config/)' },
  },
  async run(args, io) {
    const fail = (message: string, code = 2): number => {
      io.err(`surveil report: ${message}`);
      return code;
    };
    const text = (name: string): string | undefined => (typeof args.values[name] === 'string' ? (args.values[name] as string).trim() : undefined);
    const dbPath = text('db');
    const day = text('day');
    const out = text('out');
    const pdf = text('pdf');
    if (!dbPath) return fail('--db HISTORY is required');
    if (!day) return fail('--day YYYY-MM-DD is required');
    if (!out) return fail('--out FILE is required');
    const instruments = optionValues(args, 'instrument');
    if (!existsSync(dbPath)) return fail(`${dbPath}: no such file`, 1);
    for (const path of [out, ...(pdf ? [pdf] : [])]) {
      const problem = outputPathProblem(path);
      if (problem) return fail(problem, 1);
    }
    const configDir = text('config') ?? defaultConfigDir();
    let config: Config;
    try {
      config = loadConfig(configDir);
    } catch (error) {
      if (isConfigError(error)) return fail(`config ${configDir}: ${error.message}`, 1);
      throw error;
    }

    let db: HistoryDatabase;
    try {
      db = openHistoryDb(dbPath, { readonly: true });
    } catch (error) {
      if (error instanceof HistoryCorruptError) return fail(error.message, 1);
      return fail(`${dbPath}: cannot open: ${(error as Error).message}`, 1);
    }
    try {
      const summary = await writeReport(db, { day, instruments }, { config, configSource: `${configDir}`, history: dbPath, out, ...(pdf ? { pdf } : {}) });
      const { report } = summary;
      if (report.empty) io.err(`surveil report: no data in ${dbPath} for ${day}${instruments.length > 0 ? ` (${instruments.join(', ')})` : ''}: the report says so`);
      const sources = [...new Set(report.instruments.map((i) => i.source))].join(', ') || 'none';
      io.out(`report of ${day} (${report.instruments.length} instrument${report.instruments.length === 1 ? '' : 's'}: ${report.instruments.map((i) => i.key).join(', ') || 'none'}; source ${sources}) written to ${out}`);
      if (summary.pdf) io.out(`PDF written to ${summary.pdf}`);
      if (summary.pdfProblem) io.err(`surveil report: no PDF: ${summary.pdfProblem}; the HTML is written`);
      return 0;
    } catch (error) {
      if (error instanceof ReportRequestError) return fail(error.message, error.message.startsWith('--day') ? 2 : 1);
      throw error;
    } finally {
      db.close();
    }
  },
};
