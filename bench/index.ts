/**
 * `npm run bench`: runs every registered bench module and prints one table.
 * A module gets the shared {@link BenchHarness} (timing with warmup) instead
 * of importing it, so modules never import this entry file at run time.
 * Later benches (replay throughput, DB writes) add themselves to `MODULES`.
 */
import { performance } from 'node:perf_hooks';
import { bookTruthBench } from './book-truth-bench';
import { bootstrapBench } from './bootstrap-bench';
import { coreBench } from './core-bench';
import { evaluatorBench } from './evaluator-bench';
import { historyBench } from './history-bench';
import { largeReplayBench } from './large-replay-bench';
import { liveLatencyBench } from './live-latency-bench';
import { soakBench } from './soak-bench';
import { memoryBench } from './memory-bench';
import { replayBench } from './replay-bench';
import { importBench } from './import-bench';
import { seekBench } from './seek-bench';
import { boundaryBench } from './boundary-bench';
import { exportBench } from './export-bench';

/** One measured figure: `ops` operations in `seconds`. */
export interface BenchResult {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  /** What one op is: `level updates`, `evaluations`. */
  readonly unit: string;
  readonly note?: string;
}

export interface MeasureOptions {
  /** Untimed run first so the JIT has compiled the hot path. Default 300 ms. */
  readonly warmupMs?: number;
  /** Timed run length. Default 1,500 ms. */
  readonly runMs?: number;
}

/** What a bench module gets from the runner. */
export interface BenchHarness {
  /**
   * Calls `batch` until `runMs` of timed work has run, after a warmup.
   * `batch` does some work and returns how many ops it did; only the time
   * inside `batch` counts, so untimed resets can go in `between`.
   */
  measure(
    name: string,
    unit: string,
    batch: () => number,
    options?: MeasureOptions & { readonly between?: () => void; readonly note?: string },
  ): BenchResult;
}

export interface BenchModule {
  readonly name: string;
  /** Runs only when named (`npm run bench -- live`): benches that take minutes stay out of a plain run. */
  readonly group?: string;
  run(harness: BenchHarness): Promise<BenchResult[]> | BenchResult[];
}

/** The benches `npm run bench` runs, in order. */
export const MODULES: readonly BenchModule[] = [coreBench, bookTruthBench, evaluatorBench, boundaryBench, replayBench, largeReplayBench, historyBench, memoryBench, liveLatencyBench, soakBench, bootstrapBench, seekBench, importBench, exportBench];

export const harness: BenchHarness = {
  measure(name, unit, batch, options = {}) {
    const { warmupMs = 300, runMs = 1500, between, note } = options;
    const warmEnd = performance.now() + warmupMs;
    while (performance.now() < warmEnd) {
      batch();
      between?.();
    }
    let ops = 0;
    let timed = 0;
    while (timed < runMs) {
      const start = performance.now();
      ops += batch();
      timed += performance.now() - start;
      between?.();
    }
    return { name, unit, ops, seconds: timed / 1000, ...(note === undefined ? {} : { note }) };
  },
};

/** Formats results as an aligned text table. */
export function formatTable(rows: readonly (BenchResult & { module: string })[]): string {
  const header = ['module', 'bench', 'ops/s', 'unit', 'ops', 'time', 'note'];
  const body = rows.map((r) => [
    r.module,
    r.name,
    Math.round(r.ops / r.seconds).toLocaleString('en-US'),
    r.unit,
    r.ops.toLocaleString('en-US'),
    `${r.seconds.toFixed(2)} s`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  // Numbers right-aligned so magnitudes line up.
  const numeric = new Set([2, 4, 5]);
  const line = (cells: string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: (BenchResult & { module: string })[] = [];
  const started = performance.now();
  for (const module of MODULES) {
    const named = only.includes(module.name) || (module.group !== undefined && only.includes(module.group));
    if (only.length > 0 ? !named : module.group !== undefined) continue;
    process.stderr.write(`running ${module.name}...\n`);
    for (const result of await module.run(harness)) rows.push({ ...result, module: module.name });
  }
  console.log(formatTable(rows));
  console.log(`\nnode ${process.version}, total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
