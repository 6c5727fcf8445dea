// Where an imported capture came from, as the replay report and the
// console's replay view say it: the capture header's `source` and
// `import.sources` (format and dataset of each file, written before the
// rows are read), with each file's rows and refused rows from the sidecar
// `<capture>.import.json` that `surveil import` writes when it is done.
// docs/imports.md, docs/replay-report.md.

import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCaptureHeader } from '../capture/capture-reader';
import type { TardisDataset } from './tardis-csv';

/** The sidecar beside an imported capture: `<capture>` + this. */
export const IMPORT_SIDECAR_SUFFIX = '.import.json';

/** One input file as the capture header lists it. */
export interface ImportSourceFile {
  readonly file: string;
  readonly format: 'tardis' | 'cryptofeed' | null;
  /** Tardis: the dataset its header line is; null for cryptofeed or an unreadable header. */
  readonly dataset: TardisDataset | null;
}

/** One input file as the sidecar has it, after the import. */
export interface ImportSidecarFile extends ImportSourceFile {
  /** Data rows (Tardis) or log lines (cryptofeed) read. */
  readonly rows: number;
  /** Rows the import refused (docs/imports.md: per reason in its summary). */
  readonly refused: number;
  readonly error: string | null;
}

export interface ImportSidecar {
  /** The capture's file name: a sidecar beside another capture's copy is not read. */
  readonly capture: string;
  readonly frames: number;
  readonly sources: readonly ImportSidecarFile[];
}

/** The replay report's `source` (docs/replay-report.md). */
export interface CaptureSource {
  /** The header's `source`: `import:tardis`, `import:cryptofeed`, `import:tardis+cryptofeed`. */
  readonly kind: string;
  /** The input files: format and dataset from the header; rows and refused from the sidecar, null without it. */
  readonly files: readonly (ImportSourceFile & { readonly rows: number | null; readonly refused: number | null })[];
  /** In words: `imported from Tardis.dev incremental_book_L2 file X (N rows, M refused)`. */
  readonly text: string;
}

/**
 * The source of a capture from its header (and the sidecar beside `path`),
 * or null when the header says nothing of an import (a recording, the
 * simulator's).
 */
export function captureSourceOf(header: Readonly<Record<string, unknown>> | null, path: string): CaptureSource | null {
  const kind = header?.['source'];
  if (typeof kind !== 'string' || !kind.startsWith('import:')) return null;
  const block = header?.['import'];
  const listed = isObject(block) ? block : {};
  const sources = Array.isArray(listed['sources']) ? listed['sources'].filter(isSourceFile) : [];
  const names = Array.isArray(listed['files']) ? listed['files'].filter((f): f is string => typeof f === 'string') : [];
  const formats = kind.slice('import:'.length).split('+');
  const base: ImportSourceFile[] =
    sources.length > 0 ? sources : names.map((file) => ({ file, format: formats.length === 1 && (formats[0] === 'tardis' || formats[0] === 'cryptofeed') ? formats[0] : null, dataset: null }));
  const sidecar = readSidecar(path);
  const files = base.map((f, i) => {
    const counted = sidecar?.sources[i]?.file === f.file ? sidecar.sources[i] : undefined;
    return { ...f, rows: counted?.rows ?? null, refused: counted?.refused ?? null };
  });
  return { kind, files, text: sourceText(kind, files) };
}

/** {@link captureSourceOf} of the capture at `path` (its first part); null when its header cannot be read. */
export async function readCaptureSource(path: string): Promise<CaptureSource | null> {
  try {
    return captureSourceOf(await readCaptureHeader(path), path);
  } catch {
    return null;
  }
}

function sourceText(kind: string, files: CaptureSource['files']): string {
  if (files.length === 0) return `imported (${kind})`;
  const one = (f: CaptureSource['files'][number]): string => {
    const what =
      f.format === 'tardis' ? `Tardis.dev ${f.dataset ?? 'CSV'} file` : f.format === 'cryptofeed' ? 'cryptofeed log' : 'file';
    const unit = f.format === 'cryptofeed' ? 'lines' : 'rows';
    const counts = f.rows === null ? '' : ` (${f.rows} ${unit}, ${f.refused ?? 0} refused)`;
    return `${what} ${f.file}${counts}`;
  };
  if (files.length === 1) return `imported from ${one(files[0]!)}`;
  return `imported from ${files.length} files: ${files.map(one).join('; ')}`;
}

function readSidecar(path: string): ImportSidecar | null {
  const file = `${path}${IMPORT_SIDECAR_SUFFIX}`;
  if (!existsSync(file)) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed) || parsed['capture'] !== basename(path) || !Array.isArray(parsed['sources'])) return null;
    const sources = parsed['sources'].filter(
      (s): s is ImportSidecarFile => isSourceFile(s) && Number.isSafeInteger((s as { rows?: unknown }).rows) && Number.isSafeInteger((s as { refused?: unknown }).refused),
    );
    return sources.length === parsed['sources'].length ? { capture: basename(path), frames: Number(parsed['frames']) || 0, sources } : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DATASETS = new Set(['incremental_book_L2', 'book_snapshot', 'quotes', 'derivative_ticker']);

function isSourceFile(value: unknown): value is ImportSourceFile {
  if (!isObject(value) || typeof value['file'] !== 'string') return false;
  const format = value['format'];
  const dataset = value['dataset'];
  return (format === null || format === 'tardis' || format === 'cryptofeed') && (dataset === null || (typeof dataset === 'string' && DATASETS.has(dataset)));
}
