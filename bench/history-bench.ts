/**
 * History write throughput: sample rows per second through the
 * HistoryWriter (row encoding + one transaction per batch) into a WAL file
 * on the temp disk, at three batch sizes, and the size on disk of one
 * instrument-day (86,400 samples at 1 s) after a checkpoint; then the
 * whole-market figures of history-scale.ts (bytes a day and write rate at
 * 2,500 instruments, a 30-day series query on rollups).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistoryDb } from '../src/engine/storage/history-db';
import { HistoryWriter } from '../src/engine/storage/history-writer';
import type { SampleEvaluation } from '../src/shared/core/surveillance-evaluator';
import { DAY_SAMPLES, writeInstrumentDay } from '../test/storage/fixtures/instrument-day';
import { PERP, syntheticSamples } from '../test/storage/fixtures/synthetic';
import { measureScaleWrite, measureThirtyDayQuery } from './history-scale';
import type { BenchModule, BenchResult } from './index';

/** Simulated minutes of 2,500 instruments written for the scale figures (457,500 rows, under a minute here). */
const SCALE_MINUTES = 3;

export const historyBench: BenchModule = {
  name: 'history',
  run(harness): BenchResult[] {
    const dir = mkdtempSync(join(tmpdir(), 'surveil-history-bench-'));
    try {
      const results: BenchResult[] = [];
      for (const batchRows of [100, 1000, 5000]) {
        const db = openHistoryDb(join(dir, `batch-${batchRows}.sqlite`));
        // The batch size is what a flush commits; the timer never fires within a measured batch.
        const writer = new HistoryWriter(db, { flushIntervalMs: 3_600_000, maxBatchRows: Number.MAX_SAFE_INTEGER });
        const samples = syntheticSamples();
        let next: SampleEvaluation[] = [];
        // Samples are made outside the timed part: the figure is the writer and SQLite alone.
        const prepare = (): void => {
          next = Array.from({ length: batchRows }, () => samples.next());
        };
        prepare();
        results.push(
          harness.measure(
            `sample rows, ${batchRows.toLocaleString('en-US')} per transaction`,
            'rows',
            () => {
              for (const evaluation of next) writer.onEvaluation(evaluation, PERP);
              writer.flush();
              return next.length;
            },
            { between: prepare, note: 'WAL, synchronous=NORMAL' },
          ),
        );
        writer.close();
        db.close();
      }
      const day = writeInstrumentDay(join(dir, 'day.sqlite'));
      const mb = (day.fileBytes / 1e6).toFixed(1);
      const perRow = (day.fileBytes / DAY_SAMPLES).toFixed(0);
      process.stderr.write(`history: ${day.fileBytes.toLocaleString('en-US')} bytes per instrument-day (${mb} MB, ${perRow} B/row)\n`);
      results.push({
        name: 'one instrument-day, 86,400 rows',
        ops: day.rows,
        seconds: day.seconds,
        unit: 'rows',
        note: `${day.fileBytes.toLocaleString('en-US')} bytes per instrument-day (${mb} MB, ${perRow} B/row) after checkpoint`,
      });
      // Whole-market scale (issue 11): 3 simulated minutes of 2,500 instruments, then a 30-day query on rollups.
      results.push(...measureScaleWrite(dir, SCALE_MINUTES).results);
      results.push(...measureThirtyDayQuery(harness, dir));
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
