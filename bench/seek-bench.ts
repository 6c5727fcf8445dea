/**
 * Seek in a large capture (issue 13, docs/seek.md): the real USD-M recording
 * cloned end to end to 1 M+ frames by the large-replay bench's helper, then
 * the capture index built (once, cold) and loaded (validated against the
 * capture), and seeks to instants spread over the file: the book alone
 * (no warmup) and with the z-score windows warmed (one window before the
 * instant). The same for the capture gzip-compressed as one stream, where a
 * seek inflates the file from its start up to the checkpoint, and written by
 * the capture writer in 16 MB gzip members, where it inflates from the
 * nearest member. For scale, one full replay to a late instant.
 *
 * Then the books with a single snapshot (docs/seek.md, book-state
 * checkpoints): the clone with every REST depth snapshot but the first of each
 * symbol removed (and bookTicker, which no longer matches books whose diffs
 * go on across clones without a snapshot), indexed without book states
 * (`bookStateSpacingMs: 0`, a seek replays from the one snapshot) and with them
 * (every 60 s), and seeks deep into it.
 *
 * `npm run bench -- seek`; SEEK_BENCH_FRAMES sets the size (default 1,050,000);
 * SEEK_BENCH_ONLY=single runs the single-snapshot rows alone.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { bookStatesPath, openCaptureIndex, type OpenedCaptureIndex } from '../src/engine/capture/capture-index';
import { readCapture } from '../src/engine/capture/capture-reader';
import { openCaptureWriter } from '../src/engine/capture/capture-writer';
import { seekCapture } from '../src/engine/capture/capture-seek';
import { loadConfig } from '../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../src/engine/pipeline/pipeline-settings';
import type { PipelineSettings } from '../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../src/engine/replay/replay-capture';
import { REAL, repoRoot } from '../test/support/shared-data';
import type { BenchModule, BenchResult } from './index';

const FRAMES = Number(process.env.SEEK_BENCH_FRAMES ?? 1_050_000);
/** Instants per kind of seek, spread evenly over the capture (the ends left out). */
const INSTANTS = Number(process.env.SEEK_BENCH_INSTANTS ?? 12);
/** The capture writer's gzipMemberBytes for the seekable gzip rows. */
const MEMBER_BYTES = 16 << 20;

/**
 * The large-replay helper reads its size from the environment when it is
 * loaded, and the bench runner has loaded it already: the clone is written
 * by a child process with the size set.
 */
function writeLargeClone(dir: string): { path: string; frames: number; bytes: number; clones: number } {
  const script = `const m = await import(${JSON.stringify(join(repoRoot, 'bench/large-replay-bench.ts'))}); process.stdout.write(JSON.stringify(await m.writeClone(${JSON.stringify(dir)}, ${JSON.stringify(REAL.binanceUsdm)})));`;
  const out = execFileSync(join(repoRoot, 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], {
    env: { ...process.env, LARGE_REPLAY_FRAMES: String(FRAMES) },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as { path: string; frames: number; bytes: number; clones: number };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

async function seeks(path: string, opened: OpenedCaptureIndex, settings: PipelineSettings, name: string, warmupMs: number | undefined, count: number, from = 0): Promise<BenchResult> {
  const first = opened.index.firstT!;
  const span = opened.index.lastT! - first;
  const times: number[] = [];
  const replayed: number[] = [];
  for (let i = 1; i <= count; i++) {
    // `from`: the instants spread over the capture after that fraction of it (deep seeks).
    const at = first + span * (from + ((1 - from) * i) / (count + 1));
    const start = performance.now();
    const result = await seekCapture(path, { at: { time: at }, settings, index: opened, ...(warmupMs === undefined ? {} : { warmupMs }) });
    times.push(performance.now() - start);
    replayed.push(result.framesReplayed);
  }
  const total = times.reduce((a, b) => a + b, 0) / 1000;
  process.stderr.write(`  ${name}: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
  return { name, unit: 'seeks', ops: count, seconds: total, note: `median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; ${Math.round(median(replayed))} frames replayed (median)` };
}

/** The clone with only the first REST depth snapshot of each symbol, and no bookTicker (see the header). */
async function stripSnapshots(path: string, out: string): Promise<{ frames: number; bytes: number }> {
  const stream = createWriteStream(out);
  const seen = new Set<string>();
  let frames = 0;
  let header = true;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    if (!header) {
      if (line.includes('@bookTicker\\"')) continue;
      const depth = /"kind":"rest","url":"[^"]*\/depth\?symbol=([A-Z0-9_]+)/.exec(line);
      if (depth) {
        if (seen.has(depth[1]!)) continue;
        seen.add(depth[1]!);
      }
      frames++;
    }
    header = false;
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return { frames, bytes: statSync(out).size };
}

/** Seeks deep into a capture whose books have a single snapshot: without book states, then with them. */
async function singleSnapshotRows(clonePath: string, dir: string, settings: PipelineSettings): Promise<BenchResult[]> {
  process.stderr.write('  stripping the clone to one REST snapshot per book...\n');
  const path = join(dir, 'single-snapshot.jsonl');
  const stripped = await stripSnapshots(clonePath, path);
  const what = `${stripped.frames} frames, ${mb(stripped.bytes)}, one REST snapshot per book`;
  const results: BenchResult[] = [];
  let start = performance.now();
  const bare = await openCaptureIndex(path, { indexPath: join(dir, 'bare.idx'), bookStateSpacingMs: 0, rebuild: true });
  results.push({ name: 'single snapshot: index build without book states', unit: 'frames', ops: stripped.frames, seconds: (performance.now() - start) / 1000, note: what });
  start = performance.now();
  const built = await openCaptureIndex(path, { rebuild: true });
  const ckpt = statSync(bookStatesPath(built.path)).size;
  const states = Object.values(built.index.bookStates.keys).reduce((n, c) => n + c.t.length, 0);
  results.push({
    name: 'single snapshot: index build with book states (60 s)',
    unit: 'frames',
    ops: stripped.frames,
    seconds: (performance.now() - start) / 1000,
    note: `${states} book states; sidecar ${(ckpt / 1e6).toFixed(1)} MB = ${((ckpt / stripped.bytes) * 1e9 / 1e6).toFixed(1)} MB per GB of capture; index ${(statSync(built.path).size / 1e3).toFixed(0)} kB`,
  });
  const loaded = await openCaptureIndex(path);
  if (loaded.status !== 'loaded') throw new Error(`the index just built was not loaded: ${loaded.reason}`);
  // Deep: instants over the last half of the capture.
  results.push(await seeks(path, bare, settings, 'single snapshot, before (snapshot only): seek, no warmup', 0, Math.min(INSTANTS, 4), 0.5));
  results.push(await seeks(path, loaded, settings, 'single snapshot, after (book states): seek, no warmup', 0, INSTANTS, 0.5));
  results.push(await seeks(path, loaded, settings, 'single snapshot, after (book states): seek, z-score windows warm', undefined, INSTANTS, 0.5));
  rmSync(path);
  return results;
}

export const seekBench: BenchModule = {
  name: 'seek',
  group: 'seek',
  async run(): Promise<BenchResult[]> {
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    const dir = mkdtempSync(join(tmpdir(), 'surveil-seek-bench-'));
    try {
      process.stderr.write(`  cloning ${REAL.binanceUsdm} to ${FRAMES} frames...\n`);
      const clone = writeLargeClone(dir);
      const results: BenchResult[] = [];
      const what = `${clone.frames} frames, ${mb(clone.bytes)}`;
      results.push(...(await singleSnapshotRows(clone.path, dir, settings)));
      if (process.env.SEEK_BENCH_ONLY === 'single') return results;

      let start = performance.now();
      const built = await openCaptureIndex(clone.path, { rebuild: true });
      const buildSeconds = (performance.now() - start) / 1000;
      const indexBytes = statSync(built.path).size;
      results.push({ name: 'capture index: build (one pass, mappers)', unit: 'frames', ops: clone.frames, seconds: buildSeconds, note: `${what}; index ${(indexBytes / 1e3).toFixed(0)} kB = ${((indexBytes / clone.bytes) * 1e9 / 1e6).toFixed(2)} MB per GB of capture` });
      start = performance.now();
      const loaded = await openCaptureIndex(clone.path);
      if (loaded.status !== 'loaded') throw new Error(`the index just built was not loaded: ${loaded.reason}`);
      results.push({ name: 'capture index: load and validate', unit: 'loads', ops: 1, seconds: (performance.now() - start) / 1000 });
      results.push(await seeks(clone.path, loaded, settings, 'seek: book and metrics (no warmup)', 0, INSTANTS));
      results.push(await seeks(clone.path, loaded, settings, 'seek: z-score windows warm (one window before)', undefined, INSTANTS));

      const late = loaded.index.firstT! + (loaded.index.lastT! - loaded.index.firstT!) * 0.9;
      start = performance.now();
      const full = await replayCapture(clone.path, { speed: 'max', settings, until: { time: late } });
      results.push({ name: 'for scale: full replay to 90 % of the capture', unit: 'frames', ops: full.report.frames, seconds: (performance.now() - start) / 1000 });

      process.stderr.write('  gzip-compressing the clone, as one stream and through the capture writer in 16 MB members...\n');
      const gz = `${clone.path}.gz`;
      await pipeline(createReadStream(clone.path), createGzip(), createWriteStream(gz));
      const membered = join(dir, 'members.jsonl.gz');
      const writer = await openCaptureWriter({ path: membered, gzipMemberBytes: MEMBER_BYTES, flushIntervalMs: 0, header: { source: 'seek bench' } });
      let written = 0;
      for await (const { frame } of readCapture(clone.path)) {
        writer.write(frame);
        // Waits for the disk now and then, as the writer's timer would: it refuses to hold more than 256 MB.
        if (++written % 20_000 === 0) await writer.flush();
      }
      await writer.close();
      rmSync(clone.path);
      rmSync(built.path);
      start = performance.now();
      const gzIndex = await openCaptureIndex(gz);
      const gzBuild = (performance.now() - start) / 1000;
      results.push({ name: 'gzip capture: index build', unit: 'frames', ops: clone.frames, seconds: gzBuild, note: `${mb(statSync(gz).size)} compressed; index ${(statSync(gzIndex.path).size / 1e3).toFixed(0)} kB` });
      results.push(await seeks(gz, gzIndex, settings, 'gzip capture: seek, no warmup (inflates from the start)', 0, Math.min(INSTANTS, 5)));
      start = performance.now();
      const memberIndex = await openCaptureIndex(membered);
      // The writer rotates at 256 MB of text: several parts, each in members.
      const members = memberIndex.index.parts.reduce((n, p) => n + (p.members?.compressed.length ?? 0), 0);
      const memberedBytes = memberIndex.index.parts.reduce((n, p) => n + p.size, 0);
      results.push({
        name: 'gzip in 16 MB members: index build (+ member walk)',
        unit: 'frames',
        ops: memberIndex.index.frames,
        seconds: (performance.now() - start) / 1000,
        note: `${memberIndex.index.parts.length} parts, ${mb(memberedBytes)} (${((memberedBytes / statSync(gz).size - 1) * 100).toFixed(2)} % over one stream), ${members} members`,
      });
      results.push(await seeks(membered, memberIndex, settings, 'gzip in 16 MB members: seek, no warmup', 0, INSTANTS));
      results.push(await seeks(membered, memberIndex, settings, 'gzip in 16 MB members: seek, z-score windows warm', undefined, INSTANTS));
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
