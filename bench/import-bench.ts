/**
 * Import throughput (`npm run bench -- import`): rows per second from a
 * Tardis.dev incremental_book_L2 file (plain and gzip) and lines per second
 * from cryptofeed logs, through `importFiles` into a gzip capture: the
 * streaming read, the row checks, the merge by time and the capture writer,
 * as `surveil import` runs them. Files are generated into a temp folder
 * (IMPORT_BENCH_ROWS, default 3,000,000 rows: about 250 MB of CSV), then removed.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import { readCaptureFrames } from '../src/engine/capture/capture-reader';
import { importFiles } from '../src/engine/import/import-files';
import { REAL, realRecording } from '../test/support/shared-data';
import type { BenchModule, BenchResult } from './index';

const HEADER = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';

/** A random walk of a 1,000-level book for two symbols: a snapshot each, then messages of 1 to 8 rows. */
async function writeTardis(path: string, rows: number, gzip: boolean): Promise<void> {
  const file = createWriteStream(path);
  const sink = gzip ? createGzip() : null;
  if (sink) sink.pipe(file);
  const out = sink ?? file;
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let chunk = `${HEADER}\n`;
  let local = 1_633_998_512_000_000;
  let written = 0;
  const write = async (line: string): Promise<void> => {
    chunk += line;
    written++;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  };
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    for (let k = 1; k <= 1000; k++) {
      await write(`binance,${symbol},${local},${local},true,bid,${(30000 - k * 0.5).toFixed(2)},${(rand() * 5).toFixed(5)}\n`);
      await write(`binance,${symbol},${local},${local},true,ask,${(30000 + k * 0.5).toFixed(2)},${(rand() * 5).toFixed(5)}\n`);
    }
  }
  while (written < rows) {
    local += 1000 + Math.floor(rand() * 50_000);
    const symbol = rand() < 0.5 ? 'BTCUSDT' : 'ETHUSDT';
    const n = 1 + Math.floor(rand() * 8);
    for (let i = 0; i < n; i++) {
      const bid = rand() < 0.5;
      const price = bid ? 30000 - Math.floor(rand() * 400) * 0.5 : 30000 + Math.floor(1 + rand() * 400) * 0.5;
      await write(`binance,${symbol},${local - 3000},${local},false,${bid ? 'bid' : 'ask'},${price.toFixed(2)},${rand() < 0.2 ? '0' : (rand() * 5).toFixed(5)}\n`);
    }
  }
  out.end(chunk);
  await once(file, 'close');
}

/** The real spot recording's websocket frames repeated, shifted in time, as one cryptofeed log. */
async function writeCryptofeed(path: string, lines: number): Promise<number> {
  const frames = (await readCaptureFrames(realRecording(REAL.binanceSpot))).filter((f) => f.kind === 'ws');
  const file = createWriteStream(path);
  let chunk = `${frames[0]!.url} <-> 1633998511.000000\n`;
  let written = 0;
  const span = frames[frames.length - 1]!.t - frames[0]!.t + 1;
  for (let round = 0; written < lines; round++) {
    for (const frame of frames) {
      chunk += `${((frame.t + round * span) / 1000).toFixed(6)}: ${frame.data}\n`;
      if (++written >= lines) break;
      if (chunk.length > 1 << 20) {
        if (!file.write(chunk)) await once(file, 'drain');
        chunk = '';
      }
    }
  }
  file.end(chunk);
  await once(file, 'close');
  return written;
}

export const importBench: BenchModule = {
  name: 'import',
  group: 'import',
  async run(): Promise<BenchResult[]> {
    const rows = Number(process.env.IMPORT_BENCH_ROWS ?? 3_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
    const results: BenchResult[] = [];
    try {
      for (const gzip of [false, true]) {
        const input = join(dir, `binance_incremental_book_L2.csv${gzip ? '.gz' : ''}`);
        await writeTardis(input, rows, gzip);
        const out = join(dir, `tardis${gzip ? '-gz' : ''}.jsonl.gz`);
        const started = performance.now();
        const summary = await importFiles({ files: [input], out });
        const seconds = (performance.now() - started) / 1000;
        const mb = statSync(input).size / 1e6;
        results.push({ name: `tardis incremental_book_L2${gzip ? ' (gzip)' : ''}`, ops: summary.rows, seconds, unit: 'rows', note: `${mb.toFixed(0)} MB in, ${(mb / seconds).toFixed(0)} MB/s, ${summary.framesWritten.toLocaleString('en-US')} frames out, ${summary.rejectedRows} refused` });
        rmSync(out, { force: true });
        rmSync(input, { force: true });
      }
      const log = join(dir, 'BINANCE.ws.1.0');
      const lines = await writeCryptofeed(log, Math.max(100_000, Math.floor(rows / 6)));
      const out = join(dir, 'cryptofeed.jsonl.gz');
      const started = performance.now();
      const summary = await importFiles({ files: [log], out });
      const seconds = (performance.now() - started) / 1000;
      const mb = statSync(log).size / 1e6;
      results.push({ name: 'cryptofeed log (Binance spot frames)', ops: lines, seconds, unit: 'lines', note: `${mb.toFixed(0)} MB in, ${(mb / seconds).toFixed(0)} MB/s, ${summary.framesWritten.toLocaleString('en-US')} frames out` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
