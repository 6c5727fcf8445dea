/**
 * `npm run bench -- export`: history export throughput (docs/exports.md).
 * 30 days of minute rollups of one instrument (43,200 rows, every metric
 * with a column: 95 columns) and a day of raw samples at 1 s (86,400 rows),
 * each written once as CSV and as Parquet through the real export path.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportHistoryFile, type ExportFormat } from '../src/engine/export';
import { checkpointHistoryDb, openHistoryDb } from '../src/engine/storage/history-db';
import { encodeRollupStats, isZSeries } from '../src/engine/storage/rollup-codec';
import { RollupSeriesCatalogue } from '../src/engine/storage/rollup-series';
import { SAMPLE_METRIC_COLUMNS } from '../src/engine/storage/sample-columns';
import type { BenchModule, BenchResult } from './index';

const START = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;

export const exportBench: BenchModule = {
  name: 'export',
  group: 'export',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'surveil-export-bench-'));
    try {
      const path = join(dir, 'history.sqlite');
      const db = openHistoryDb(path);
      const catalogue = new RollupSeriesCatalogue(db);
      const ids = SAMPLE_METRIC_COLUMNS.map((n) => [catalogue.idOf(n)!, isZSeries(n)] as const);
      const addInstrument = db.prepare("INSERT INTO instruments (key, venue, symbol, canonical_id, type) VALUES (?, 'binance-usdm', ?, ?, 'perpetual') RETURNING id").pluck();
      const rolled = addInstrument.get('binance-usdm:ROLLUSDT', 'ROLLUSDT', 'ROLL-USDT-PERP') as number;
      const raw = addInstrument.get('binance-usdm:RAWUSDT', 'RAWUSDT', 'RAW-USDT-PERP') as number;
      const insertRollup = db.prepare('INSERT INTO rollups (instrument_id, minute, seq, samples, flags, book_ms, stats) VALUES (?, ?, ?, 60, 0, 60000, ?)');
      const insertSample = db.prepare(`INSERT INTO samples (instrument_id, time, flags, covered, ${SAMPLE_METRIC_COLUMNS.join(', ')})
        VALUES (?, ?, 0, 0, ${SAMPLE_METRIC_COLUMNS.map(() => '?').join(', ')})`);
      let x = 1;
      const rand = () => ((x = (x * 48_271) % 2_147_483_647) / 2_147_483_647) * 100;
      db.transaction(() => {
        for (let m = 0; m < 30 * 1440; m++) {
          const entries = ids.map(([sid, z]) => {
            const v = rand();
            return [sid, z, { n: 60, validMs: 60_000, min: v - 1, max: v + 1, mean: v, last: v }] as const;
          });
          insertRollup.run(rolled, START + m * 60_000, m + 1, encodeRollupStats(entries, { samples: 60, bookMs: 60_000 }));
        }
        for (let s = 0; s < DAY_MS / 1000; s++) insertSample.run(raw, START + s * 1000, ...SAMPLE_METRIC_COLUMNS.map((_, i) => (i % 5 === 4 ? null : rand())));
      })();
      checkpointHistoryDb(db);
      const results: BenchResult[] = [];
      const run = async (instrument: string, label: string, format: ExportFormat) => {
        const out = join(dir, `${label}.${format}`);
        const rssBefore = process.memoryUsage().rss;
        const started = performance.now();
        const summary = await exportHistoryFile(db, { instrument, what: 'series' }, format, out);
        const seconds = (performance.now() - started) / 1000;
        const mb = statSync(out).size / 1e6;
        const rss = (process.memoryUsage().rss - rssBefore) / 1e6;
        results.push({ name: `${label}, ${format} (${summary.resolution})`, ops: summary.rows, seconds, unit: 'rows', note: `${mb.toFixed(1)} MB file, RSS +${rss.toFixed(0)} MB` });
      };
      for (const format of ['csv', 'parquet'] as const) {
        await run('ROLL-USDT-PERP', '30 days of minute rollups, 18 metrics', format);
        await run('RAW-USDT-PERP', 'a day of raw samples at 1 s, 18 metrics', format);
      }
      db.close();
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
