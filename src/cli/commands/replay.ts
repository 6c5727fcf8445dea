import { existsSync, writeFileSync } from 'node:fs';
import { CaptureError, checkCaptureFile } from '../../engine/capture/capture-reader';
import { pipelineSettingsFrom } from '../../engine/pipeline/pipeline-settings';
import { replayCapture, type ReplaySpeed } from '../../engine/replay/replay-capture';
import type { ReplayReport } from '../../engine/replay/replay-report';
import { displayZ } from '../../shared/core/rule-status';
import { checkpointHistoryDb, HistoryCorruptError, openHistoryDb, resolveHistoryPath, type HistoryDatabase } from '../../engine/storage/history-db';
import { HistoryWriter } from '../../engine/storage/history-writer';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import { outputPathProblem } from '../output-path';
import type { CliCommand, CliIo } from '../index';

/** `replay FILE [--speed max|N] [--max-wait S] [--report OUT.json] [--db FILE] [--config DIR]` */
export const replay: CliCommand = {
  name: 'replay',
  summary: 'Replay a capture through the engine: books, metrics, rules; print a summary, write a JSON report',
  positionals: '<capture.jsonl[.gz]>',
  options: {
    speed: { type: 'string', valueName: 'max|N', description: 'max (as fast as possible, default) or a wall-clock multiple such as 10' },
    'max-wait': { type: 'string', valueName: 'S', description: 'with --speed N: the longest wait for one frame, in seconds (default 5); a longer jump forward in time is replayed at once and reported' },
    report: { type: 'string', valueName: 'OUT.json', description: 'write the replay report as JSON (schema: docs/replay-report.md)' },
    db: { type: 'string', valueName: 'FILE', description: "write the replay's history (samples, alerts, audit trail, feed events) to this SQLite database" },
    config: CONFIG_OPTION,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.err('surveil replay: expected exactly one capture file');
      return 2;
    }
    const file = args.positionals[0]!;
    const speed = parseSpeed(args.values.speed);
    if (speed === null) {
      io.err(`surveil replay: --speed must be "max" or a positive number, got "${String(args.values.speed)}"`);
      return 2;
    }
    const maxWait = parseMaxWait(args.values['max-wait']);
    if (maxWait === null) {
      io.err(`surveil replay: --max-wait must be a number of seconds, 0 or more, got "${String(args.values['max-wait'])}"`);
      return 2;
    }
    if (!existsSync(file)) {
      io.err(`surveil replay: ${file}: no such file`);
      return 1;
    }
    try {
      checkCaptureFile(file);
    } catch (error) {
      if (!(error instanceof CaptureError)) throw error;
      io.err(`surveil replay: ${error.message}`);
      return 1;
    }
    const reportPath = typeof args.values.report === 'string' ? args.values.report : undefined;
    const reportProblem = reportPath === undefined ? null : outputPathProblem(reportPath);
    if (reportProblem !== null) {
      io.err(`surveil replay: --report ${reportProblem}`);
      return 1;
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;
    let db: HistoryDatabase | undefined;
    let dbPath: string | undefined;
    if (typeof args.values.db === 'string') {
      dbPath = resolveHistoryPath({ explicit: args.values.db });
      try {
        db = openHistoryDb(dbPath);
      } catch (error) {
        // A damaged file's message names it and says what to do, before any replay work.
        if (error instanceof HistoryCorruptError) io.err(`surveil replay: ${error.message}`);
        else io.err(`surveil replay: ${dbPath}: cannot open the history database: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
    }
    const writer = db ? new HistoryWriter(db) : undefined;
    const bar = process.stderr.isTTY ? progressBar() : undefined;
    let report: ReplayReport;
    try {
      ({ report } = await replayCapture(file, {
        speed,
        settings: pipelineSettingsFrom(config),
        onProgress: bar?.update,
        listener: writer,
        ...(maxWait === undefined ? {} : { maxWaitMs: maxWait * 1000 }),
      }));
    } catch (error) {
      bar?.done();
      if (error instanceof CaptureError) {
        io.err(`surveil replay: ${error.message}`);
        return 1;
      }
      throw error;
    } finally {
      // What was replayed up to a failure is still history worth keeping.
      writer?.close();
      if (db) checkpointHistoryDb(db);
      db?.close();
    }
    bar?.done();
    if (report.truncated) io.err(`surveil replay: warning: ${report.truncated.message}`);
    printSummary(report, io);
    if (reportPath !== undefined) {
      try {
        writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        io.err(`surveil replay: --report ${reportPath}: cannot write: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        return 1;
      }
      io.out(`report written to ${reportPath}`);
    }
    if (writer) {
      // Replayed into a database that has the capture already: each event is kept once, and the operator is told.
      const known = writer.stats.alreadyStored;
      io.out(`history written to ${dbPath}: ${writer.stats.committedSamples} samples${known > 0 ? ` (${known} rows already there, kept once)` : ''}`);
    }
    return 0;
  },
};

function parseSpeed(value: string | boolean | undefined): ReplaySpeed | null {
  if (value === undefined || value === 'max') return 'max';
  if (typeof value !== 'string') return null;
  const n = Number(value.replace(/^x/i, ''));
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Seconds; undefined when not given (the replay's default applies). */
function parseMaxWait(value: string | boolean | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** A one-line progress bar on stderr, redrawn in place. */
function progressBar(): { update: (fraction: number) => void; done: () => void } {
  let last = -1;
  return {
    update(fraction) {
      const pct = Math.floor(fraction * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\rreplaying [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(pct).padStart(3)}%`);
    },
    done() {
      if (last >= 0) process.stderr.write('\n');
    },
  };
}

function fmt(value: number | null, digits: number): string {
  return value === null ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The summary's deep check cell: agreeing verifications of all made, and those that could not be made; `-` when none was asked for. */
export function deepCell(i: Pick<ReplayReport['instruments'][number], 'deepChecks' | 'deepMismatches' | 'deepUnverified'>): string {
  if (i.deepChecks + i.deepUnverified === 0) return '-';
  const made = `${i.deepChecks - i.deepMismatches}/${i.deepChecks} ok`;
  return i.deepUnverified === 0 ? made : `${made}, ${i.deepUnverified} not made`;
}

function printSummary(report: ReplayReport, io: CliIo): void {
  const span = report.firstFrameAt !== null && report.lastFrameAt !== null ? (report.lastFrameAt - report.firstFrameAt) / 1000 : 0;
  const rejected = Object.entries(report.rejected);
  io.out(`${report.capture}: ${report.frames} frames over ${span.toFixed(1)} s, ${report.ignored} ignored, ${rejected.length === 0 ? 'none rejected' : `rejected ${rejected.map(([r, n]) => `${r} ${n}`).join(', ')}`}`);
  if (report.source) io.out(`  source: ${report.source.text}`);
  // What the ignored frames were: trades and klines are expected, an unknown channel is worth a look.
  const ignored = Object.entries(report.ignoredBy);
  if (ignored.length > 0) io.out(`  ignored (not used by the console): ${ignored.map(([what, n]) => `${what} ${n}`).join(', ')}`);
  if (report.truncated) io.out(`  cut short: ${report.truncated.message}`);
  const pacing = report.pacing;
  if (pacing && pacing.jumpsSkipped > 0) {
    io.out(`  --speed ${pacing.speed}: ${pacing.jumpsSkipped} jump${pacing.jumpsSkipped === 1 ? '' : 's'} forward in time replayed at once instead of waiting more than ${(pacing.maxWaitMs / 1000).toFixed(1)} s (largest ${((pacing.largestJumpMs ?? 0) / 1000).toFixed(1)} s)`);
  }
  io.out('');
  const rows: string[][] = [
    ['venue', 'symbol', 'id', 'best bid', 'best ask', 'levels', 'updates', 'gaps', 'resyncs', 'checksums', 'top check', 'deep check', 'crossed/locked', 'spread bps', 'depth 10bps bid/ask', 'alerts'],
  ];
  for (const i of report.instruments) {
    rows.push([
      i.venue,
      i.symbol,
      i.id + (i.metadata === 'guessed' ? ' (no metadata)' : ''),
      i.bestBid ?? '-',
      i.bestAsk ?? '-',
      `${i.bidLevels}/${i.askLevels}`,
      String(i.bookUpdates),
      String(i.sequenceGaps),
      String(i.resyncs),
      i.checksumChecks === 0 ? '-' : `${i.checksumChecks - i.checksumFailures}/${i.checksumChecks} ok`,
      // Book top vs the venue's own top of book: agreeing checks, and sustained drifts (each forced a resync).
      i.driftChecks === 0 ? '-' : `${i.driftChecks - i.driftMismatches}/${i.driftChecks} ok${i.bookDrifts > 0 ? `, ${i.bookDrifts} drift${i.bookDrifts === 1 ? '' : 's'}` : ''}`,
      // Whole book vs a REST snapshot at the same seqId (docs/book-truth.md): agreeing checks, and the ones not made.
      deepCell(i),
      // Episodes seen at sampling boundaries, with the longest.
      i.crossedEpisodes + i.lockedEpisodes === 0 ? '-' : `${i.crossedEpisodes}/${i.lockedEpisodes}, longest ${(i.longestCrossedMs / 1000).toFixed(0)} s`,
      fmt(i.spreadBps, 2),
      `${fmt(i.depthBid10bps, 0)}${i.depthCovered10bps.bid ? '' : '*'} / ${fmt(i.depthAsk10bps, 0)}${i.depthCovered10bps.ask ? '' : '*'}`,
      String(i.alerts.length),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) io.out(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  if (report.instruments.some((i) => !i.depthCovered10bps.bid || !i.depthCovered10bps.ask)) {
    io.out('* the book does not reach the band: depth is a lower bound');
  }
  io.out('');
  if (report.alerts.length === 0) io.out('No alerts fired.');
  else {
    io.out(`${report.alerts.length} alert${report.alerts.length === 1 ? '' : 's'} fired:`);
    for (const a of report.alerts) {
      io.out(`  ${new Date(a.firedAt ?? a.openedAt).toISOString()}  ${a.severity.padEnd(8)} ${a.venue} ${a.instrumentId} ${a.rule} value ${fmt(a.value, 2)} (threshold ${a.threshold}${a.zscore === null ? '' : `, z ${displayZ(a.zscore)}`})${a.resolvedAt ? ' resolved' : ''}`);
    }
  }
  if (report.feedAlerts.length === 0) io.out('No feed alerts fired.');
  else {
    io.out(`${report.feedAlerts.length} feed alert${report.feedAlerts.length === 1 ? '' : 's'} fired:`);
    for (const a of report.feedAlerts) {
      io.out(`  ${new Date(a.firedAt ?? a.openedAt).toISOString()}  ${a.severity.padEnd(8)} ${a.key} ${a.rule}: ${a.detail ?? fmt(a.value, 0)}${a.resolvedAt ? ' resolved' : ''}`);
    }
  }
}
