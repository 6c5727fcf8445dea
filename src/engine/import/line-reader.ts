import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { isGzipFile } from '../capture/capture-reader';

// The one way an import reads a file: plain or gzip (chosen by the magic
// bytes, as the capture reader chooses), a chunk of lines at a time, with a
// ceiling on a line's length so that a binary file or a file without
// newlines is refused in bounded memory instead of being held whole.

/** Bytes read from disk at a time. */
const CHUNK_BYTES = 1 << 16;

/** Longest line kept by default (a Binance exchangeInfo body is about 2 MB). */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Lines of one chunk of the file, numbered from `firstLine` (1-based). */
export interface LineBatch {
  readonly lines: readonly string[];
  readonly firstLine: number;
}

/** A line longer than the ceiling: left out whole, reported with its number. */
export interface LongLine {
  readonly line: number;
  readonly bytes: number;
}

/** A file an import cannot read (missing, not a file, corrupt gzip): the message names it. */
export class ImportFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ImportFileError';
  }
}

export interface ReadLinesOptions {
  readonly maxLineBytes?: number;
  /** Called for each line longer than the ceiling (it is not in any batch). */
  readonly onLongLine?: (long: LongLine) => void;
}

/**
 * Streams the lines of a text file, plain or gzip, without the newline (and
 * without a trailing `\r`). A read or gzip failure is an ImportFileError
 * thrown after every line before it was handed over.
 */
export async function* readLineBatches(path: string, options: ReadLinesOptions = {}): AsyncGenerator<LineBatch, void, undefined> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let gzip: boolean;
  try {
    gzip = isGzipFile(path);
  } catch (error) {
    throw new ImportFileError(path, (error as Error).message.replace(`${path}: `, ''));
  }
  const source = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const input: Readable = gzip ? pipeline(source, createGunzip({ chunkSize: 256 * 1024 }), () => undefined) : source;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  /** Skipping the rest of a line that went past the ceiling. */
  let skipping = false;
  let skippedBytes = 0;
  let lineNo = 0;
  const strip = (text: string): string => (text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text);
  try {
    try {
      for await (const chunk of input) {
        const text = decoder.write(chunk as Buffer);
        const lines: string[] = [];
        let start = 0;
        let nl = text.indexOf('\n');
        if (skipping) {
          if (nl < 0) {
            skippedBytes += text.length;
            continue;
          }
          lineNo++;
          options.onLongLine?.({ line: lineNo, bytes: skippedBytes + nl });
          skipping = false;
          start = nl + 1;
          nl = text.indexOf('\n', start);
        }
        const batchFirst = lineNo + 1;
        for (; nl >= 0; nl = text.indexOf('\n', start)) {
          const piece = pending === '' ? text.slice(start, nl) : pending + text.slice(start, nl);
          pending = '';
          lineNo++;
          lines.push(strip(piece));
          start = nl + 1;
        }
        pending = pending === '' ? text.slice(start) : pending + text.slice(start);
        if (pending.length > maxLine) {
          skipping = true;
          skippedBytes = pending.length;
          pending = '';
        }
        if (lines.length > 0) yield { lines, firstLine: batchFirst };
      }
      pending += decoder.end();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const what = gzip ? `the gzip stream is corrupt or cut short after line ${lineNo} (${code ?? (error as Error).message})` : `cannot read after line ${lineNo}: ${code ?? (error as Error).message}`;
      throw new ImportFileError(path, what);
    }
    if (skipping) {
      options.onLongLine?.({ line: lineNo + 1, bytes: skippedBytes + pending.length });
      return;
    }
    if (pending !== '') yield { lines: [strip(pending)], firstLine: lineNo + 1 };
  } finally {
    source.destroy();
    input.destroy();
  }
}
