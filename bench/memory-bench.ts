/**
 * Memory soak: a calm simulated market with BTC, ETH and synthetic assets
 * (~52 instruments) streamed frame by frame (no capture file) through one
 * SurveillancePipeline with a real HistoryWriter on a temp SQLite file, as
 * the console's engine runs for hours. RSS and heapUsed (after a full GC,
 * when `--expose-gc` is given) are taken every few simulated minutes; the
 * heap's slope after the warmup says whether anything grows without bound.
 *
 * `npm run bench` runs a 10-minute version (this module); the one-hour run
 * is `npx tsx --expose-gc bench/memory-soak.ts`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../src/engine/pipeline/surveillance-pipeline';
import { simInstruments, simInstrumentsConfig, simulateFrames } from '../src/engine/simulator';
import { openHistoryDb } from '../src/engine/storage/history-db';
import { HistoryWriter } from '../src/engine/storage/history-writer';
import type { BenchModule, BenchResult } from './index';

const MB = 1024 * 1024;

/** What a soak run simulates and how often it looks at memory. */
export interface MemorySoakOptions {
  /** Simulated minutes of market (default 60). */
  readonly minutes?: number;
  /** Synthetic assets beside BTC and ETH, 4 listings each (default 11: 52 instruments). */
  readonly extraAssets?: number;
  readonly seed?: number;
  /** A memory sample every this many simulated minutes (default 5). */
  readonly sampleEveryMinutes?: number;
  /** The heap slope is fitted over samples from this minute on (default 10: z-score windows and books are full by then). */
  readonly slopeFromMinute?: number;
  /** Called with each memory sample as it is taken (progress output). */
  readonly onSample?: (sample: MemorySample) => void;
}

/** Memory at one simulated minute. */
export interface MemorySample {
  readonly minute: number;
  /** Resident set size now, MB. */
  readonly rssMb: number;
  /** V8 heap in use after a full GC (only when gc is exposed: otherwise it includes garbage), MB. */
  readonly heapUsedMb: number;
  /** V8 heap reserved (used plus free space V8 keeps), MB. */
  readonly heapTotalMb: number;
  /** Memory outside the JS heap: buffers, SQLite's page cache. */
  readonly externalMb: number;
  /** Highest RSS seen so far (checked every simulated 10 s, and the OS's own peak), MB. */
  readonly peakRssMb: number;
  readonly frames: number;
  /**
   * Price levels held by the engine's books, all instruments: what the
   * engine's memory should scale with (about flat: the simulator keeps its
   * books' shape stationary).
   */
  readonly bookLevels: number;
  /** Sample rows the history writer has committed so far. */
  readonly samplesWritten: number;
  /** Wall-clock seconds since the start. */
  readonly wallSeconds: number;
}

/** The outcome of a soak run. */
export interface MemorySoakResult {
  readonly instruments: number;
  readonly minutes: number;
  readonly samples: readonly MemorySample[];
  readonly frames: number;
  readonly samplesWritten: number;
  /** Least-squares slope of heapUsed over the samples from `slopeFromMinute` on, MB per hour. */
  readonly heapSlopeMbPerHour: number;
  /** Slope of the engine's book levels over the same samples, levels per hour. */
  readonly levelSlopePerHour: number;
  /** Peak RSS up to a simulated minute (undefined when the run was shorter). */
  peakRssAt(minute: number): number | undefined;
  readonly alerts: number;
  readonly rejectedFrames: number;
  readonly historyFileMb: number;
  readonly wallSeconds: number;
  /** Whether heap figures were taken after a forced GC (`--expose-gc`, or the flag set at run time). */
  readonly gcExposed: boolean;
}

/**
 * A full-GC function: the global one under `--expose-gc`, else one obtained
 * by turning the flag on at run time (a new context then sees `gc`), so
 * `npm run bench`, which passes no flags, still measures live heap, not garbage.
 */
function gcFunction(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return Number.NaN;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}

/** Price levels in every book the pipeline holds. */
function bookLevels(pipeline: SurveillancePipeline): number {
  let n = 0;
  for (const state of pipeline.instrumentStates()) if (state.sync) n += state.sync.book.levelCount('bid') + state.sync.book.levelCount('ask');
  return n;
}

/**
 * Runs the soak synchronously (the simulator calls back per frame): frames
 * go through `advance` + `ingest` exactly as a replay does, every sample row
 * into SQLite through the writer. The writer's own timer cannot fire inside
 * the synchronous run, so it is flushed once per simulated second instead,
 * as its 1 s timer does in the console: otherwise up to 5,000 queued rows
 * (~5 MB) would saw-tooth the heap figures and hide a slow leak.
 */
export function runMemorySoak(options: MemorySoakOptions = {}): MemorySoakResult {
  const minutes = options.minutes ?? 60;
  const extraAssets = options.extraAssets ?? 11;
  const every = options.sampleEveryMinutes ?? 5;
  const slopeFrom = options.slopeFromMinute ?? 10;
  const gc = gcFunction();
  const config = loadConfig();
  const settings = pipelineSettingsFrom({ ...config, instruments: simInstrumentsConfig(extraAssets) });
  const dir = mkdtempSync(join(tmpdir(), 'surveil-memory-soak-'));
  const dbPath = join(dir, 'history.sqlite');
  const db = openHistoryDb(dbPath);
  const writer = new HistoryWriter(db);
  const pipeline = new SurveillancePipeline(settings, writer);
  const samples: MemorySample[] = [];
  const wallStart = performance.now();
  let frames = 0;
  let startT: number | null = null;
  // Every `every` minutes, and the last minute whether or not it falls on that grid.
  const due: number[] = [];
  for (let m = every; m < minutes; m += every) due.push(m);
  due.push(minutes);
  let nextRssCheck = 0;
  let nextFlush = 1_000;
  let peakRss = 0;
  const peaks: [minute: number, peakMb: number][] = [];

  const take = (minute: number): void => {
    // Twice: the first pass may leave finalizable objects for the second.
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    // The OS's high-water mark catches peaks between the 10 s checks (maxRSS is in KiB).
    peakRss = Math.max(peakRss, usage.rss, process.resourceUsage().maxRSS * 1024);
    const sample: MemorySample = {
      minute,
      rssMb: usage.rss / MB,
      heapUsedMb: usage.heapUsed / MB,
      heapTotalMb: usage.heapTotal / MB,
      externalMb: usage.external / MB,
      peakRssMb: peakRss / MB,
      frames,
      bookLevels: bookLevels(pipeline),
      samplesWritten: writer.stats.committedSamples,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
    samples.push(sample);
    peaks.push([minute, sample.peakRssMb]);
    options.onSample?.(sample);
  };

  try {
    // A little past the last minute, so the last sample too is taken mid-run (with the simulator alive, like every other).
    simulateFrames({ scenario: 'calm', seed: options.seed ?? 1, durationMs: minutes * 60_000 + 2_000, extraAssets }, (frame) => {
      startT ??= frame.t;
      const elapsed = frame.t - startT;
      if (elapsed >= nextFlush) {
        nextFlush += 1_000;
        writer.flush();
      }
      if (elapsed >= nextRssCheck) {
        nextRssCheck += 10_000;
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }
      while (due.length > 0 && elapsed >= due[0]! * 60_000) take(due.shift()!);
      pipeline.advance(frame.t);
      pipeline.ingest(frame);
      frames += 1;
    });
    writer.flush();
    // A run whose frames stop short of the last minute still gets its last sample (after the run).
    for (const minute of due) take(minute);
    const fit = samples.filter((s) => s.minute >= slopeFrom).map((s) => [s.minute / 60, s.heapUsedMb] as const);
    const rejectedFrames = Object.values(pipeline.counters.rejected).reduce((n, v) => n + v, 0);
    return {
      instruments: simInstruments(extraAssets).length,
      minutes,
      samples,
      frames,
      samplesWritten: writer.stats.committedSamples,
      heapSlopeMbPerHour: slope(fit),
      levelSlopePerHour: slope(samples.filter((s) => s.minute >= slopeFrom).map((s) => [s.minute / 60, s.bookLevels] as const)),
      peakRssAt: (minute) => peaks.find(([m]) => m >= minute)?.[1],
      alerts: pipeline.allAlerts().length,
      rejectedFrames,
      historyFileMb: statSync(dbPath).size / MB,
      wallSeconds: (performance.now() - wallStart) / 1000,
      gcExposed: gc !== undefined,
    };
  } finally {
    writer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per memory sample, for progress output. */
export function formatMemorySample(s: MemorySample): string {
  return [
    `min ${String(s.minute).padStart(3)}`,
    `rss ${s.rssMb.toFixed(1).padStart(7)} MB`,
    `heapUsed ${s.heapUsedMb.toFixed(1).padStart(6)} MB`,
    `heapTotal ${s.heapTotalMb.toFixed(1).padStart(6)} MB`,
    `external ${s.externalMb.toFixed(1).padStart(6)} MB`,
    `peak rss ${s.peakRssMb.toFixed(1).padStart(7)} MB`,
    `samples written ${s.samplesWritten.toLocaleString('en-US').padStart(9)}`,
    `book levels ${s.bookLevels.toLocaleString('en-US').padStart(7)}`,
    `frames ${s.frames.toLocaleString('en-US').padStart(10)}`,
    `wall ${s.wallSeconds.toFixed(1)} s`,
  ].join('  ');
}

/** 10 simulated minutes over 52 instruments, heap sampled every minute; its slope from minute 5 (warm z-score windows) on. */
export const memoryBench: BenchModule = {
  name: 'memory',
  run(): BenchResult[] {
    const result = runMemorySoak({ minutes: 10, extraAssets: 11, sampleEveryMinutes: 1, slopeFromMinute: 5 });
    const last = result.samples[result.samples.length - 1]!;
    const gcNote = result.gcExposed ? '' : ' (no --expose-gc: heap includes garbage)';
    process.stderr.write(`memory: ${result.samples.map(formatMemorySample).join('\nmemory: ')}\n`);
    return [
      {
        name: `soak, ${result.minutes} simulated min, ${result.instruments} instruments, SQLite history`,
        ops: result.frames,
        seconds: result.wallSeconds,
        unit: 'frames',
        note:
          `heap slope ${result.heapSlopeMbPerHour.toFixed(1)} MB/h (min 5-10)${gcNote}, book levels ${Math.round(result.levelSlopePerHour).toLocaleString('en-US')}/h, heapUsed ${last.heapUsedMb.toFixed(1)} MB, ` +
          `peak RSS ${last.peakRssMb.toFixed(0)} MB, ${result.samplesWritten.toLocaleString('en-US')} samples written, ${result.alerts} alerts`,
      },
    ];
  },
};
