import { readLineBatches, type LongLine } from './line-reader';

// Streaming CSV for imports (RFC 4180 subset: comma separated, LF or CRLF,
// double-quoted fields with "" escapes, no newline inside a field). Tardis.dev
// datasets never quote (https://docs.tardis.dev/downloadable-csv-files: comma
// delimiter, LF new line, dot decimal mark); the quoted path is there so a file
// re-saved by a spreadsheet still reads.

/** Rows of one chunk of the file, each with its line number. */
export interface CsvBatch {
  readonly rows: readonly (readonly string[])[];
  readonly lines: readonly number[];
}

/** A line that is not a CSV row of the header's width. */
export interface CsvProblem {
  readonly line: number;
  readonly reason: 'bad_csv' | 'wrong_column_count' | 'line_too_long';
  readonly detail: string;
}

export interface ReadCsvOptions {
  /** The header row (line 1), before any batch. */
  readonly onHeader: (columns: readonly string[]) => void;
  readonly onProblem: (problem: CsvProblem) => void;
  readonly maxLineBytes?: number;
}

/**
 * Splits one CSV line; null when a quote is not closed. The common case (no
 * quote in the line) is a plain split.
 */
export function splitCsvLine(line: string): string[] | null {
  if (line.indexOf('"') < 0) return line.split(',');
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) return null;
        value += line.slice(i, close);
        if (line.charCodeAt(close + 1) === 34) {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < n && line.charCodeAt(i) !== 44 /* , */) return null;
      out.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= n) return out;
    i++; // the comma
    if (i === n) {
      out.push('');
      return out;
    }
  }
}

/**
 * Streams the data rows of a CSV file (plain or gzip) after its header. Blank
 * lines are skipped; a line that does not split, or splits to another width
 * than the header, goes to `onProblem` and is not in any batch.
 */
export async function* readCsvBatches(path: string, options: ReadCsvOptions): AsyncGenerator<CsvBatch, void, undefined> {
  let width = -1;
  const onLongLine = (long: LongLine): void => {
    options.onProblem({ line: long.line, reason: 'line_too_long', detail: `${long.bytes} bytes without a newline` });
  };
  for await (const batch of readLineBatches(path, { onLongLine, ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }) })) {
    const rows: string[][] = [];
    const lines: number[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const line = batch.firstLine + i;
      if (width < 0) {
        const header = splitCsvLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        if (header === null) {
          options.onProblem({ line, reason: 'bad_csv', detail: 'header: a quote is not closed' });
          return;
        }
        width = header.length;
        options.onHeader(header.map((c) => c.trim()));
        continue;
      }
      if (text === '') continue;
      const fields = splitCsvLine(text);
      if (fields === null) {
        options.onProblem({ line, reason: 'bad_csv', detail: `a quote is not closed: ${text}` });
        continue;
      }
      if (fields.length !== width) {
        options.onProblem({ line, reason: 'wrong_column_count', detail: `${fields.length} columns, the header has ${width}: ${text}` });
        continue;
      }
      rows.push(fields);
      lines.push(line);
    }
    if (rows.length > 0) yield { rows, lines };
  }
}
