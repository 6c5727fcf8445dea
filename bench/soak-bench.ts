/**
 * CPU and RSS of the live engine on the whole simulated market (issue 11,
 * item 7), the simulator in its own process (not counted):
 *
 *   npx tsx bench/soak-bench.ts [--minutes 3] [--warmup 60] [--extra-assets 623] [--diff-assets 200] [--every 10]
 *   npm run bench -- live           (with these defaults; the issue's figure is --minutes 60)
 *
 * Every `--every` seconds: the engine process's CPU since the last sample
 * (process.cpuUsage covers the main thread and every worker thread: feeds,
 * analytics, history) as cores, its RSS, and how many books are valid. After
 * `--warmup` seconds (bootstrap, first z-score windows): mean and peak cores,
 * RSS at the end of warmup and its least-squares slope in MB per hour.
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { BenchModule, BenchResult } from './index';
import { sleep, startLiveRun, validBooks, WHOLE_MARKET_DIFF_ASSETS, WHOLE_MARKET_EXTRA_ASSETS } from './live-run';

export interface SoakOptions {
  readonly minutes: number;
  readonly warmupSeconds: number;
  readonly extraAssets: number;
  /** Assets with full books; the rest on partial-book streams (live-run.ts). */
  readonly diffAssets: number;
  readonly everySeconds: number;
  readonly log: (line: string) => void;
}

interface SoakSample {
  readonly second: number;
  readonly cores: number;
  /** The simulator process's, for telling an engine that idles from a simulator that cannot feed it. */
  readonly simCores: number | null;
  readonly rssMb: number;
  readonly valid: number;
  /** Frames the engine's feeds took per second since the last sample: what the CPU was spent on. */
  readonly framesPerSecond: number;
}

export interface SoakResult {
  readonly instruments: number;
  readonly samples: readonly SoakSample[];
  readonly meanCores: number;
  readonly peakCores: number;
  readonly rssAfterWarmupMb: number;
  readonly rssEndMb: number;
  readonly rssSlopeMbPerHour: number;
  readonly lines: readonly string[];
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const run = await startLiveRun({ extraAssets: options.extraAssets, diffAssets: options.diffAssets, demo: 'calm', probeInstruments: 0 });
  const started = Date.now();
  const samples: SoakSample[] = [];
  try {
    let lastCpu = process.cpuUsage();
    let lastAt = performance.now();
    let lastSim = run.simCpuMs();
    const framesNow = async (): Promise<number> => (await run.running.service.snapshot()).feeds.reduce((n, f) => n + f.frames, 0);
    // How far behind the history is: a writer that falls behind holds its rows in memory.
    const historyLagSeconds = (): number | null => {
      try {
        const db = new Database(run.dbPath, { readonly: true, fileMustExist: true });
        try {
          const last = (db.prepare('SELECT max(time) AS t FROM samples').get() as { t: number | null }).t;
          return last === null ? null : (Date.now() - last) / 1000;
        } finally {
          db.close();
        }
      } catch {
        return null;
      }
    };
    let lastFrames = await framesNow();
    while (Date.now() - started < options.minutes * 60_000) {
      await sleep(options.everySeconds * 1000);
      run.assertSimulatorUp();
      const cpu = process.cpuUsage(lastCpu);
      const now = performance.now();
      const cores = (cpu.user + cpu.system) / 1000 / (now - lastAt);
      const sim = run.simCpuMs();
      const simCores = sim === null || lastSim === null ? null : (sim - lastSim) / (now - lastAt);
      lastCpu = process.cpuUsage();
      lastAt = now;
      lastSim = sim;
      const books = await validBooks(run.running);
      const frames = await framesNow();
      const framesPerSecond = (frames - lastFrames) / options.everySeconds;
      lastFrames = frames;
      const sample = { second: Math.round((Date.now() - started) / 1000), cores, simCores, rssMb: process.memoryUsage().rss / 2 ** 20, valid: books.valid, framesPerSecond };
      samples.push(sample);
      const lag = historyLagSeconds();
      const memory = run.running.service.engine.memoryByThread();
      const heaps = Object.entries(memory)
        .map(([thread, m]) => `${thread} ${(m.heapUsedBytes / 2 ** 20).toFixed(0)}${m.historyPending ? ` (${m.historyPending} rows queued)` : ''}`)
        .join(', ');
      options.log(`  ${String(sample.second).padStart(5)} s  cpu ${sample.cores.toFixed(2)} cores (simulator ${sample.simCores?.toFixed(2) ?? 'n/a'})  ${framesPerSecond.toFixed(0)} frames/s  rss ${sample.rssMb.toFixed(0)} MB  books valid ${sample.valid}/${run.instruments}  history ${lag === null ? 'n/a' : `${lag.toFixed(0)} s behind`}  heap MB ${heaps}`);
    }
  } finally {
    await run.stop();
  }
  const steady = samples.filter((s) => s.second > options.warmupSeconds);
  const meanCores = steady.reduce((sum, s) => sum + s.cores, 0) / Math.max(1, steady.length);
  const peakCores = Math.max(0, ...steady.map((s) => s.cores));
  const rssAfterWarmupMb = steady[0]?.rssMb ?? Number.NaN;
  const rssEndMb = samples.at(-1)?.rssMb ?? Number.NaN;
  const rssSlopeMbPerHour = slope(steady.map((s) => [s.second / 3600, s.rssMb] as const));
  const simSteady = steady.flatMap((s) => (s.simCores === null ? [] : [s.simCores]));
  const framesPerSecond = steady.reduce((sum, s) => sum + s.framesPerSecond, 0) / Math.max(1, steady.length);
  // CPU per frame: comparable across runs where a starved simulator sent less.
  const cpuMsPerThousandFrames = framesPerSecond > 0 ? (meanCores * 1000 * 1000) / framesPerSecond : Number.NaN;
  const lines = [
    `soak: ${run.instruments} simulated instruments (calm), ${options.minutes} min, warmup ${options.warmupSeconds} s, sampled every ${options.everySeconds} s, node ${process.version}`,
    `  engine process (main + feed, analytics and history threads; the simulator runs apart), MALLOC_ARENA_MAX ${process.env.MALLOC_ARENA_MAX ?? "unset (glibc's default; the console's launcher sets 2)"}`,
    `  cpu after warmup              mean ${meanCores.toFixed(2)} cores, peak ${peakCores.toFixed(2)} cores (${steady.length} samples)`,
    `  frames taken                  ${framesPerSecond.toFixed(0)} per second; engine cpu ${cpuMsPerThousandFrames.toFixed(1)} ms per 1,000 frames`,
    `  simulator process cpu         mean ${simSteady.length > 0 ? (simSteady.reduce((a, b) => a + b, 0) / simSteady.length).toFixed(2) : 'n/a'} cores`,
    `  rss after warmup              ${rssAfterWarmupMb.toFixed(0)} MB, at the end ${rssEndMb.toFixed(0)} MB, slope ${rssSlopeMbPerHour.toFixed(0)} MB/h`,
    `  books valid at the end        ${samples.at(-1)?.valid ?? 0}/${run.instruments}`,
  ];
  return { instruments: run.instruments, samples, meanCores, peakCores, rssAfterWarmupMb, rssEndMb, rssSlopeMbPerHour, lines };
}

function parse(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '60' },
      'extra-assets': { type: 'string', default: String(WHOLE_MARKET_EXTRA_ASSETS) },
      'diff-assets': { type: 'string', default: String(WHOLE_MARKET_DIFF_ASSETS) },
      every: { type: 'string', default: '10' },
    },
  });
  const options = {
    minutes: Number(values.minutes),
    warmupSeconds: Number(values.warmup),
    extraAssets: Number(values['extra-assets']),
    diffAssets: Number(values['diff-assets']),
    everySeconds: Number(values.every),
    log: (line: string) => process.stderr.write(`${line}\n`),
  };
  if (!(options.minutes > 0) || !(options.warmupSeconds >= 0) || !Number.isInteger(options.extraAssets) || options.extraAssets < 0 || !(options.everySeconds > 0)) {
    throw new Error('usage: npx tsx bench/soak-bench.ts [--minutes 3] [--warmup 60] [--extra-assets 623] [--diff-assets 200] [--every 10]');
  }
  return options;
}

export const soakBench: BenchModule = {
  name: 'soak',
  group: 'live',
  async run(): Promise<BenchResult[]> {
    const result = await runSoak(parse([]));
    console.log(result.lines.join('\n'));
    const seconds = result.samples.at(-1)?.second ?? 0;
    return [
      { name: `engine cpu (${result.instruments} instr.)`, ops: result.samples.length, seconds, unit: 'samples', note: `mean ${result.meanCores.toFixed(2)} cores, peak ${result.peakCores.toFixed(2)}` },
      { name: 'engine rss', ops: result.samples.length, seconds, unit: 'samples', note: `${result.rssAfterWarmupMb.toFixed(0)} MB after warmup, ${result.rssSlopeMbPerHour.toFixed(0)} MB/h` },
    ];
  },
};

if (process.argv[1] === import.meta.filename) {
  const result = await runSoak(parse(process.argv.slice(2)));
  console.log(result.lines.join('\n'));
}
