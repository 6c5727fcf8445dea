import { closeSync, openSync, writeSync } from 'node:fs';
import type { ExportColumn, ExportRow, ExportTable } from './export-table';

/**
 * Rows per Parquet row group. parquet-wasm's stream writer keeps the open row
 * group in WebAssembly memory; a few batches keep a 30-day export bounded.
 */
export const PARQUET_ROW_GROUP_ROWS = 16_384;

/**
 * Writes the table as Parquet: apache-arrow builds each batch (typed:
 * TIMESTAMP(ms, UTC), DOUBLE, INT64, UTF8, BOOLEAN, all nullable),
 * parquet-wasm (the Rust `parquet` crate in WebAssembly) encodes them as a
 * stream, snappy-compressed, pulled one batch at a time and appended to the
 * file. Both load on first use: the CLI does not pay for them elsewhere.
 */
export async function writeParquet(path: string, table: ExportTable): Promise<number> {
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm');
  const fields = table.columns.map((c) => new arrow.Field(c.name, arrowType(arrow, c), true));
  const schema = new arrow.Schema(fields);
  const toWasm = (batch: readonly ExportRow[]) => {
    const children = table.columns.map((c, i) => {
      if (c.type === 'double') return numericData(arrow, batch, i, false);
      if (c.type === 'int') return numericData(arrow, batch, i, true);
      const values = batch.map((row) => cellFor(c, row[i] ?? null));
      return arrow.vectorFromArray(values as never, fields[i]!.type).data[0]!;
    });
    const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.length, nullCount: 0, children });
    const ipc = arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(schema, data)]), 'stream');
    return pw.Table.fromIPCStream(ipc).recordBatch(0)!;
  };
  let rows = 0;
  const iterator = table.batches[Symbol.iterator]();
  let started = false;
  const input = new ReadableStream({
    pull(controller) {
      const next = iterator.next();
      if (next.done) {
        // An empty export still has its schema: one batch of no rows.
        if (!started) controller.enqueue(toWasm([]));
        controller.close();
        return;
      }
      started = true;
      rows += next.value.length;
      controller.enqueue(toWasm(next.value));
    },
  });
  const properties = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setMaxRowGroupSize(PARQUET_ROW_GROUP_ROWS)
    .setCreatedBy('surveil export')
    .build();
  const output = await pw.transformParquetStream(input, properties);
  const fd = openSync(path, 'w');
  try {
    for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return rows;
}

function arrowType(arrow: typeof import('apache-arrow'), column: ExportColumn) {
  switch (column.type) {
    case 'timestamp':
      return new arrow.TimestampMillisecond('UTC');
    case 'double':
      return new arrow.Float64();
    case 'int':
      return new arrow.Int64();
    case 'string':
      return new arrow.Utf8();
    case 'boolean':
      return new arrow.Bool();
  }
}

/** DOUBLE and INT64 columns straight into their buffers: they are most columns, and `vectorFromArray` builds them value by value. */
function numericData(arrow: typeof import('apache-arrow'), batch: readonly ExportRow[], index: number, int: boolean) {
  const doubles = int ? null : new Float64Array(batch.length);
  const ints = int ? new BigInt64Array(batch.length) : null;
  const valid = new Uint8Array(Math.ceil(batch.length / 8));
  let nulls = 0;
  for (let r = 0; r < batch.length; r++) {
    const v = batch[r]![index];
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (ints) ints[r] = BigInt(Math.trunc(v));
      else doubles![r] = v;
      valid[r >> 3]! |= 1 << (r & 7);
    } else nulls++;
  }
  return ints
    ? arrow.makeData({ type: new arrow.Int64(), length: batch.length, nullCount: nulls, data: ints, nullBitmap: valid })
    : arrow.makeData({ type: new arrow.Float64(), length: batch.length, nullCount: nulls, data: doubles!, nullBitmap: valid });
}

function cellFor(column: ExportColumn, value: ExportRow[number]): unknown {
  if (value === null) return null;
  if (column.type === 'int') return BigInt(Math.trunc(value as number));
  if (column.type === 'double' && typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
