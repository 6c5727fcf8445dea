import { existsSync } from 'node:fs';
import { CaptureWriteError } from '../../engine/capture/capture-writer';
import { importFiles, type ImportFormat, type ImportSummary } from '../../engine/import/import-files';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import { outputPathProblem } from '../output-path';
import type { CliCommand, CliIo } from '../index';

/**
 * `import FILE... --out CAPTURE [--format tardis|cryptofeed|auto] [--overwrite]`:
 * Tardis.dev CSV datasets and cryptofeed raw logs into one capture that
 * `surveil replay` plays through the venue mappers and book syncs
 * (docs/imports.md). Refused rows are counted per reason, with the first
 * examples as file:line.
 */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import Tardis.dev CSV datasets or cryptofeed raw logs into a capture that replay reads',
  positionals: '<file>...',
  options: {
    out: { type: 'string', valueName: 'CAPTURE', description: 'capture to write (.jsonl, or .jsonl.gz for gzip)' },
    format: { type: 'string', valueName: 'tardis|cryptofeed|auto', description: 'the input format (default auto: by each file\'s first line)' },
    overwrite: { type: 'boolean', description: 'replace CAPTURE if it exists (default: refuse)' },
    config: { ...CONFIG_OPTION, description: `${CONFIG_OPTION.description}: instruments.yaml names the instruments in the summary as replay will` },
  },
  async run(args, io) {
    const files = args.positionals;
    const out = args.values.out;
    const format = args.values.format ?? 'auto';
    if (files.length === 0) {
      io.err('surveil import: give one or more files to import');
      return 2;
    }
    if (typeof out !== 'string') {
      io.err('surveil import: --out CAPTURE is required');
      return 2;
    }
    if (format !== 'auto' && format !== 'tardis' && format !== 'cryptofeed') {
      io.err(`surveil import: --format must be tardis, cryptofeed or auto, got "${String(format)}"`);
      return 2;
    }
    const missing = files.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      io.err(`surveil import: no such file: ${missing.join(', ')}`);
      return 1;
    }
    const problem = outputPathProblem(out);
    if (problem !== null) {
      io.err(`surveil import: --out ${problem}`);
      return 1;
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;
    let summary: ImportSummary;
    try {
      summary = await importFiles({ files, out, format: format as ImportFormat | 'auto', overwrite: args.values.overwrite === true, instruments: config.instruments });
    } catch (error) {
      if (error instanceof CaptureWriteError) {
        io.err(`surveil import: ${error.message}${/EEXIST/.test(error.message) ? ' (it exists: --overwrite replaces it)' : ''}`);
        return 1;
      }
      throw error;
    }
    printSummary(summary, io);
    if (summary.framesWritten === 0) {
      io.err('surveil import: nothing to replay: no row or line became a frame');
      return 1;
    }
    return 0;
  },
};

function printSummary(s: ImportSummary, io: CliIo): void {
  const span = s.firstFrameAt !== null && s.lastFrameAt !== null ? `${new Date(s.firstFrameAt).toISOString()} .. ${new Date(s.lastFrameAt).toISOString()}` : 'no frames';
  const rate = s.seconds > 0 ? Math.round(s.rows / s.seconds) : 0;
  io.out(`${s.out}: ${s.framesWritten} frames from ${s.rows} rows/lines of ${s.files.length} file${s.files.length === 1 ? '' : 's'} (${span}) in ${s.seconds.toFixed(1)} s, ${rate.toLocaleString('en-US')} rows/s`);
  for (const f of s.files) {
    io.out(`  ${f.path}: ${f.format ?? 'not imported'}${f.dataset ? ` ${f.dataset}` : ''}, ${f.rows} rows${f.error ? `; ${f.error}` : ''}`);
  }
  if (s.captureFiles.length > 1) io.out(`  written in ${s.captureFiles.length} parts: ${s.captureFiles.join(', ')}`);
  if (s.books.length > 0) {
    io.out('');
    io.out('books (Tardis rows carry no venue sequence numbers: gaps of the venue cannot be seen; a break is a refused row):');
    for (const b of s.books) io.out(`  ${b.venue} ${b.symbol} (${b.id}) from ${b.dataset}: ${b.snapshots} snapshots, ${b.updates} updates, ${b.breaks} breaks`);
  }
  if (s.instruments.length > 0) io.out(`quotes or tickers: ${s.instruments.map((i) => `${i.venue} ${i.symbol} (${i.id})`).join(', ')}`);
  io.out('');
  if (s.rejected.length === 0) io.out('No row refused.');
  else {
    io.out(`Refused ${s.rejectedRows} rows (the format does not allow them; none was guessed):`);
    for (const r of s.rejected) {
      io.out(`  ${r.reason}: ${r.count}`);
      for (const e of r.examples) io.out(`    ${e.file}:${e.line}: ${e.detail}`);
    }
  }
  if (s.skipped.length > 0) {
    io.out('Skipped (well-formed, not carried):');
    for (const r of s.skipped) io.out(`  ${r.reason}: ${r.count}${r.examples[0] ? ` (first ${r.examples[0].file}:${r.examples[0].line}: ${r.examples[0].detail})` : ''}`);
  }
}
