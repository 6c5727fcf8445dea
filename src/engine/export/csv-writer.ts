import { closeSync, openSync, writeSync } from 'node:fs';
import type { ExportCell, ExportColumn, ExportTable } from './export-table';

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line
 * break, quotes doubled. Numbers as JavaScript prints them (no locale).
 */
export function csvField(value: ExportCell, type: ExportColumn['type']): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (type === 'timestamp') return new Date(value).toISOString();
    return Number.isFinite(value) ? String(value) : '';
  }
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Header names: a timestamp column is two, `time` (ISO-8601 UTC) and `time_ms` (epoch ms). */
export function csvHeader(columns: readonly ExportColumn[]): string[] {
  return columns.flatMap((c) => (c.type === 'timestamp' ? [c.name, `${c.name}_ms`] : [c.name])).map((n) => csvField(n, 'string'));
}

/** Writes the table as CSV (header row, CRLF line ends) a batch at a time; returns the rows written. */
export function writeCsv(path: string, table: ExportTable): number {
  const fd = openSync(path, 'w');
  let rows = 0;
  try {
    writeSync(fd, `${csvHeader(table.columns).join(',')}\r\n`);
    const { columns } = table;
    for (const batch of table.batches) {
      let text = '';
      for (const row of batch) {
        const fields: string[] = [];
        columns.forEach((c, i) => {
          const v = row[i] ?? null;
          fields.push(csvField(v, c.type));
          if (c.type === 'timestamp') fields.push(v === null ? '' : String(v));
        });
        text += `${fields.join(',')}\r\n`;
      }
      writeSync(fd, text);
      rows += batch.length;
    }
  } finally {
    closeSync(fd);
  }
  return rows;
}
