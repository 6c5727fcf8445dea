import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { VenueId } from '../../shared/core/model';
import type { InstrumentsConfig } from '../../shared/config';
import { openCaptureWriter, type CaptureWriter } from '../capture/capture-writer';
import { InstrumentDirectory } from '../pipeline/instrument-directory';
import type { RawFrame } from '../feed/raw-frame';
import { isCryptofeedLine, readCryptofeedFile, type CryptofeedFileResult } from './cryptofeed-log';
import { ReasonTally, type ImportReasonCount } from './import-tally';
import type { ImportRecord } from './import-records';
import { ImportFileError, readLineBatches } from './line-reader';
import { mergeByTime } from './merge-by-time';
import { readTardisFile, tardisDatasetOf, type TardisDataset } from './tardis-csv';
import { IMPORT_SIDECAR_SUFFIX, type ImportSidecar, type ImportSourceFile } from './import-source';
import { TardisFrames } from './tardis-frames';

// `surveil import`: Tardis.dev CSV datasets and cryptofeed raw logs -> one
// capture (../shared/capture-format.md), written by the capture writer, that
// `surveil replay` plays through the venue mappers and book syncs. Files are
// streamed and merged by time; nothing holds a whole file. docs/imports.md.

export type ImportFormat = 'tardis' | 'cryptofeed';

export interface ImportOptions {
  readonly files: readonly string[];
  /** Capture to write (`.jsonl` or `.jsonl.gz`). */
  readonly out: string;
  /** `auto` (default): by each file's first line. */
  readonly format?: ImportFormat | 'auto';
  readonly overwrite?: boolean;
  /** Clock for the capture header's `created`; defaults to Date.now. */
  readonly now?: () => number;
  /** instruments.yaml: the summary gives each instrument the id replay will (the config's, else the guess). */
  readonly instruments?: InstrumentsConfig;
}

/** One input file, as the summary reports it. */
export interface ImportedFile {
  readonly path: string;
  format: ImportFormat | null;
  /** Tardis: the dataset its header is. */
  dataset: TardisDataset | null;
  /** Data rows (Tardis) or log lines (cryptofeed) read. */
  rows: number;
  /** Why the file could not be read (whole or from some line on), if so. */
  error: string | null;
}

/** One book built from Tardis rows. */
export interface ImportedBookSummary {
  readonly venue: VenueId;
  readonly symbol: string;
  /** The id replay gives it without venue metadata: instruments.yaml's, else the guess of instrument-directory.ts. */
  readonly id: string;
  readonly dataset: string;
  readonly snapshots: number;
  readonly updates: number;
  readonly breaks: number;
}

export interface ImportSummary {
  readonly out: string;
  /** Every capture file written (the first, then rotation parts). */
  readonly captureFiles: readonly string[];
  readonly files: readonly ImportedFile[];
  readonly framesWritten: number;
  /** Rows or lines read from all files. */
  readonly rows: number;
  /** Rows the format does not allow, per reason, with the first examples. */
  readonly rejected: readonly ImportReasonCount[];
  readonly rejectedRows: number;
  /** Well-formed rows the capture does not carry (before the first snapshot of a book, no value used, ...). */
  readonly skipped: readonly ImportReasonCount[];
  readonly books: readonly ImportedBookSummary[];
  /** Venue symbols with quotes or derivative tickers (Tardis). */
  readonly instruments: readonly { readonly venue: VenueId; readonly symbol: string; readonly id: string }[];
  readonly firstFrameAt: number | null;
  readonly lastFrameAt: number | null;
  readonly seconds: number;
}

/** gzip members of the capture written (16 MB of text, as the seek bench writes them). */
const GZIP_MEMBER_BYTES = 16 * 1024 * 1024;

/** Bytes in the capture writer's buffer past which the import waits for the disk. */
const MAX_BUFFERED = 16 * 1024 * 1024;

/** The format of a file by its first non-empty line; null when it is neither. */
export async function detectImportFormat(path: string): Promise<ImportFormat | null> {
  for await (const batch of readLineBatches(path)) {
    for (const line of batch.lines) {
      if (line.trim() === '') continue;
      if (isCryptofeedLine(line)) return 'cryptofeed';
      const header = line.replace(/^\uFEFF/, '').split(',').map((c) => c.trim());
      return header.includes('local_timestamp') && header.includes('exchange') ? 'tardis' : null;
    }
  }
  return null;
}

/**
 * Imports the files into one capture. Never throws for what is in the files:
 * a bad row is counted, an unreadable file is reported in `files[].error`
 * (what was read of it before the damage is kept). Throws a
 * CaptureWriteError when the capture cannot be written.
 */
export async function importFiles(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const rejected = new FileTally();
  const skipped = new ReasonTally();
  const files: ImportedFile[] = [];
  /** Each file's dataset by its header line, known before the capture's header is written. */
  const datasets = new Map<ImportedFile, TardisDataset | null>();
  const tardisSources: AsyncIterable<ImportRecord[]>[] = [];
  const logSources: AsyncIterable<RawFrame[]>[] = [];
  for (const path of options.files) {
    const file: ImportedFile = { path, format: null, dataset: null, rows: 0, error: null };
    files.push(file);
    let format: ImportFormat | null = options.format === 'tardis' || options.format === 'cryptofeed' ? options.format : null;
    try {
      format ??= await detectImportFormat(path);
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      file.error = error.message;
      rejected.add('unreadable_file', basename(path), 0, error.message);
      continue;
    }
    if (format === null) {
      file.error = `${path}: neither a Tardis.dev CSV dataset (a header with exchange, symbol, timestamp, local_timestamp) nor a cryptofeed log`;
      rejected.add('unknown_format', basename(path), 1, file.error);
      continue;
    }
    file.format = format;
    if (format === 'tardis') {
      datasets.set(file, await peekTardisDataset(path));
      const result = { dataset: null as TardisDataset | null, rows: 0, records: 0 };
      tardisSources.push(guarded(readTardisFile(path, rejected, result), file, rejected, () => {
        file.dataset = result.dataset;
        file.rows = result.rows;
        if (result.dataset === null && file.error === null) file.error = result.rows === 0 ? `${path}: empty: no header line` : `${path}: the header is none of the datasets the import reads`;
      }));
    } else {
      const result: CryptofeedFileResult = { lines: 0, frames: 0, notFrames: 0 };
      logSources.push(guarded(readCryptofeedFile(path, rejected, result), file, rejected, () => {
        file.rows = result.lines;
      }));
    }
  }

  const tardis = new TardisFrames(skipped);
  const quoted = new Map<string, { venue: VenueId; symbol: string }>();
  async function* tardisFrames(): AsyncGenerator<RawFrame[], void, undefined> {
    for await (const records of mergeByTime(tardisSources)) {
      const out: RawFrame[] = [];
      for (const record of records) {
        if (record.kind === 'quote' || record.kind === 'derivative') quoted.set(`${record.venue}:${record.symbol}`, { venue: record.venue, symbol: record.symbol });
        tardis.frames(record, out);
      }
      if (out.length > 0) yield out;
    }
  }
  const sources = [...(tardisSources.length > 0 ? [tardisFrames()] : []), ...logSources];
  const formats = [...new Set(files.map((f) => f.format).filter((f) => f !== null))];
  const writer = await openCaptureWriter({
    path: options.out,
    overwrite: options.overwrite === true,
    flushIntervalMs: 0,
    // gzip in members of 16 MB of text: `surveil book` then seeks in a large import without inflating it from the start (docs/seek.md).
    gzipMemberBytes: GZIP_MEMBER_BYTES,
    ...(options.now ? { now: options.now } : {}),
    header: {
      source: `import:${formats.join('+') || 'none'}`,
      note: 'imported by surveil import (docs/imports.md)',
      import: {
        files: options.files.map((f) => basename(f)),
        // Where the frames came from, per file (rows and refused rows are only known after: the sidecar <capture>.import.json).
        sources: files.map((f): ImportSourceFile => ({ file: basename(f.path), format: f.format, dataset: datasets.get(f) ?? null })),
        ...(formats.includes('tardis')
          ? { tardis: 'book sequence ids are the importer\'s own: the venue\'s gaps cannot be seen; a gap means the import refused a row of that book; no checksums' }
          : {}),
      },
    },
  });
  let framesWritten = 0;
  let firstFrameAt: number | null = null;
  let lastFrameAt: number | null = null;
  try {
    for await (const frames of mergeByTime(sources)) {
      for (const frame of frames) writer.write(frame);
      framesWritten += frames.length;
      firstFrameAt ??= frames[0]!.t;
      lastFrameAt = frames[frames.length - 1]!.t;
      await keepUp(writer);
    }
  } finally {
    await writer.close();
  }
  const stats = writer.stats();
  writeSidecar(options.out, files, rejected, stats.frames);
  const directory = new InstrumentDirectory(options.instruments);
  const idOf = (venue: VenueId, symbol: string): string => directory.resolve(venue, symbol).id;
  return {
    out: options.out,
    captureFiles: stats.files,
    files,
    framesWritten: stats.frames,
    rows: files.reduce((sum, f) => sum + f.rows, 0),
    rejected: rejected.list(),
    rejectedRows: rejected.total,
    skipped: skipped.list(),
    books: [...tardis.books.values()].map((b) => ({ ...b, id: idOf(b.venue, b.symbol) })),
    instruments: [...quoted.values()].map((q) => ({ ...q, id: idOf(q.venue, q.symbol) })),
    firstFrameAt: framesWritten > 0 ? firstFrameAt : null,
    lastFrameAt: framesWritten > 0 ? lastFrameAt : null,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A ReasonTally that also counts refused rows per file (by the name the readers give: the file's base name). */
class FileTally extends ReasonTally {
  readonly byFile = new Map<string, number>();

  override add(reason: string, file: string, line: number, detail: string): void {
    super.add(reason, file, line, detail);
    this.byFile.set(file, (this.byFile.get(file) ?? 0) + 1);
  }

  override addMany(reason: string, n: number, file: string, line: number, detail: string): void {
    super.addMany(reason, n, file, line, detail);
    if (n > 1) this.byFile.set(file, (this.byFile.get(file) ?? 0) + n - 1);
  }
}

/** The dataset a Tardis file's header line names; null when it names none (the read says why). */
async function peekTardisDataset(path: string): Promise<TardisDataset | null> {
  try {
    for await (const batch of readLineBatches(path)) {
      for (const line of batch.lines) {
        if (line.trim() === '') continue;
        return tardisDatasetOf(line.replace(/^\uFEFF/, '').split(',').map((c) => c.trim()));
      }
    }
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
  }
  return null;
}

/**
 * `<capture>.import.json` beside the capture: each file's rows and refused
 * rows, which the capture's header (written first) cannot hold. The replay
 * report names them (docs/imports.md). Not written is not an error: the
 * header still says where the frames came from.
 */
function writeSidecar(out: string, files: readonly ImportedFile[], rejected: FileTally, frames: number): void {
  const sidecar: ImportSidecar = {
    capture: basename(out),
    frames,
    sources: files.map((f) => {
      const name = basename(f.path);
      return { file: name, format: f.format, dataset: f.dataset, rows: f.rows, refused: rejected.byFile.get(name) ?? 0, error: f.error };
    }),
  };
  try {
    writeFileSync(`${out}${IMPORT_SIDECAR_SUFFIX}`, `${JSON.stringify(sidecar, null, 2)}\n`);
  } catch {
    // The capture is what matters; its header names the sources all the same.
  }
}

/**
 * Waits for the disk (and gzip) when the writer holds too much: an import
 * runs faster than a disk, a feed does not. (Polling for the backlog to
 * shrink instead of flushing it, so that zlib compresses while rows are
 * read, measured no better on this loaded machine: 4.7-4.9 s of CPU against
 * 3.4-4.2 s for 300 k rows; kept simple.)
 */
async function keepUp(writer: CaptureWriter): Promise<void> {
  if (writer.stats().bufferedBytes > MAX_BUFFERED) await writer.flush();
}

/**
 * A file's stream that ends instead of throwing when the file turns out
 * unreadable part way (corrupt gzip): the error is reported, what came
 * before it is kept, and the other files go on.
 */
async function* guarded<T>(source: AsyncGenerator<T[], void, undefined>, file: ImportedFile, rejected: ReasonTally, done: () => void): AsyncGenerator<T[], void, undefined> {
  try {
    yield* source;
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    file.error = error.message;
    rejected.add('unreadable_file', basename(file.path), 0, error.message);
  } finally {
    done();
  }
}
