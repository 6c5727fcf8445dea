import { existsSync } from 'node:fs';
import { EXPORT_FORMATS, EXPORT_WHATS, ExportRequestError, exportHistoryFile, matchInstruments, type ExportFormat, type ExportWhat } from '../../engine/export';
import { HistoryCorruptError, openHistoryDb, type HistoryDatabase } from '../../engine/storage/history-db';
import { UnknownSeriesError } from '../../engine/storage/history-queries';
import type { CliCommand } from '../index';
import { outputPathProblem } from '../output-path';
import { parseAt } from './explain';

/** `export --db HISTORY --instrument ID|KEY --what series|alerts|feed-events [--from T] [--to T] [--metrics a,b] [--format csv|parquet] --out FILE` */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: "Export an instrument's series, alerts with their audit trail, or feed events from a history database, as CSV or Parquet",
  options: {
    db: { type: 'string', valueName: 'HISTORY', description: 'the SQLite history to read (read-only)' },
    instrument: { type: 'string', valueName: 'ID|KEY', description: 'canonical id (BTC-USDT-PERP: every venue listing it), venue:symbol or venue symbol' },
    what: { type: 'string', valueName: 'WHAT', description: 'series | alerts | feed-events' },
    from: { type: 'string', valueName: 'TIME', description: "start (inclusive): epoch ms, ISO time, or +330s after the instrument's first history; default: the beginning" },
    to: { type: 'string', valueName: 'TIME', description: 'end (exclusive), same forms; default: the end' },
    metrics: { type: 'string', valueName: 'm1,m2', description: 'series only: metrics and z-scores (z_spread_bps); default: every metric with a column' },
    format: { type: 'string', valueName: 'csv|parquet', description: 'default: csv' },
    out: { type: 'string', valueName: 'FILE', description: 'the file to write' },
  },
  async run(args, io) {
    const fail = (message: string, code = 2): number => {
      io.err(`surveil export: ${message}`);
      return code;
    };
    const text = (name: string): string | undefined => (typeof args.values[name] === 'string' ? (args.values[name] as string).trim() : undefined);
    const dbPath = text('db');
    const instrument = text('instrument');
    const what = text('what');
    const out = text('out');
    const format = text('format') ?? 'csv';
    if (!dbPath) return fail('--db HISTORY is required');
    if (!instrument) return fail('--instrument ID|KEY is required');
    if (!what || !EXPORT_WHATS.includes(what as ExportWhat)) return fail(`--what must be ${EXPORT_WHATS.join(', ')}${what ? `, got "${what}"` : ''}`);
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) return fail(`--format must be ${EXPORT_FORMATS.join(' or ')}, got "${format}"`);
    if (!out) return fail('--out FILE is required');
    const metricsText = text('metrics');
    if (metricsText !== undefined && what !== 'series') return fail('--metrics is for --what series');
    const metrics = metricsText?.split(',').map((m) => m.trim()).filter((m) => m !== '');
    if (!existsSync(dbPath)) return fail(`${dbPath}: no such file`, 1);
    const problem = outputPathProblem(out);
    if (problem) return fail(problem, 1);

    let db: HistoryDatabase;
    try {
      db = openHistoryDb(dbPath, { readonly: true });
    } catch (error) {
      if (error instanceof HistoryCorruptError) return fail(error.message, 1);
      return fail(`${dbPath}: cannot open: ${(error as Error).message}`, 1);
    }
    try {
      // TIME as `surveil explain --at` reads it; an offset counts from the instrument's first history.
      const times: Partial<Record<'from' | 'to', number>> = {};
      for (const name of ['from', 'to'] as const) {
        const value = text(name);
        if (value === undefined) continue;
        const parsed = parseAt(value);
        if (parsed === null) return fail(`--${name} must be +SECONDSs, epoch ms or an ISO time, got "${value}"`);
        if ('time' in parsed) times[name] = parsed.time;
        else {
          const firsts = matchInstruments(db, instrument).map((i) => i.firstSample).filter((t): t is number => t !== null);
          if (firsts.length === 0) return fail(`--${name} ${value}: ${instrument} has no samples to count from`, 1);
          times[name] = Math.min(...firsts) + parsed.offsetMs;
        }
      }
      const summary = await exportHistoryFile(db, { instrument, what: what as ExportWhat, ...times, ...(metrics ? { metrics } : {}) }, format as ExportFormat, out);
      const range = `${iso(summary.from, 'the beginning')} to ${iso(summary.to, 'the end')}`;
      const resolution = summary.resolution === undefined ? '' : `, resolution ${summary.resolution === 'sample' ? 'raw samples' : `${summary.resolution} rollups`}`;
      if (summary.rows === 0) io.err(`surveil export: no ${what} for ${summary.keys.join(', ')} from ${range}: wrote ${format === 'csv' ? 'the header only' : 'an empty table'}`);
      io.out(`${summary.rows} rows of ${what} (${summary.keys.join(', ')}${resolution}) from ${range} written to ${out} (${format})`);
      return 0;
    } catch (error) {
      if (error instanceof ExportRequestError || error instanceof UnknownSeriesError) return fail(error.message, 1);
      throw error;
    } finally {
      db.close();
    }
  },
};

function iso(t: number, open: string): string {
  return t <= 0 || t >= Number.MAX_SAFE_INTEGER ? open : new Date(t).toISOString();
}
