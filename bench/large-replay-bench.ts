/**
 * Replay throughput of a large capture (issue 11, item 7): the real USD-M
 * recording cloned end to end to 200 k+ frames, written to a temp file, then
 * replayed from the file through the whole engine (`replayCapture`: capture
 * reader, mappers, book sync, metrics, z-scores, rules, report) and, in the
 * same run, merely read and JSON.parse'd (each line and the frame text it
 * carries): the yardstick any JSON consumer of the file pays. The figure is
 * the ratio of the two rates, taken pair by pair over alternating rounds.
 *
 * The clone is gap-free: clone k is shifted in time by k recording spans and,
 * per symbol, its update ids by k times the ids the recording spans, so the
 * first diff of clone k chains (`pu`, spot `U - 1`) on the last diff of clone
 * k - 1 and the REST snapshots and bookTicker ids stay in step with the diffs.
 * The bench checks the replay saw no gap, resync, drift or refused frame.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { CAPTURE_READ_CHUNK_BYTES, readCaptureFrames } from '../src/engine/capture/capture-reader';
import { loadConfig } from '../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../src/engine/replay/replay-capture';
import { BinanceMapper } from '../src/engine/venues/binance/binance-mapper';
import { OkxMapper } from '../src/engine/venues/okx/okx-mapper';
import type { RawFrame } from '../src/engine/feed/raw-frame';
import type { VenueMapper } from '../src/engine/venues/venue';
import { REAL, realRecording, repoRoot, sharedDir } from '../test/support/shared-data';
import type { BenchHarness, BenchModule, BenchResult } from './index';

/** At least this many frames in the clone. */
const TARGET_FRAMES = Number(process.env.LARGE_REPLAY_FRAMES ?? 240_000);
/** Alternating rounds of (read + parse, replay); the median pair ratio is reported. */
const ROUNDS = Number(process.env.LARGE_REPLAY_ROUNDS ?? 3);

type Json = Record<string, unknown>;

const isMetadata = (frame: RawFrame): boolean => /exchangeInfo|public\/instruments/.test(frame.url);

/** The update-id fields of one Binance payload, for its symbol: diff `U u pu`, bookTicker `u`. */
function binanceSymbol(frame: RawFrame, payload: Json | undefined): string | undefined {
  if (frame.kind === 'rest') return new URL(frame.url).searchParams.get('symbol') ?? undefined;
  return typeof payload?.s === 'string' ? payload.s : undefined;
}

function payloadOf(message: unknown): Json | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Json;
  return typeof m.stream === 'string' && typeof m.data === 'object' ? (m.data as Json) : m;
}

/**
 * Per symbol, how far its ids move in one clone: last diff `u` minus the id
 * the first diff chains on (`pu` on USD-M, `U - 1` on spot).
 */
function idSpans(frames: readonly RawFrame[], usdm: boolean): Map<string, number> {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const frame of frames) {
    if (frame.kind !== 'ws') continue;
    const p = payloadOf(JSON.parse(frame.data));
    if (p?.e !== 'depthUpdate' || typeof p.s !== 'string') continue;
    if (!first.has(p.s)) first.set(p.s, usdm ? (p.pu as number) : (p.U as number) - 1);
    last.set(p.s, p.u as number);
  }
  const spans = new Map<string, number>();
  for (const [symbol, from] of first) spans.set(symbol, last.get(symbol)! - from);
  return spans;
}

/** One frame of clone k: times shifted by `dt`, the symbol's ids by its span times k. */
function shiftBinance(frame: RawFrame, dt: number, k: number, spans: Map<string, number>): RawFrame {
  const message = JSON.parse(frame.data) as Json;
  const p = payloadOf(message);
  const symbol = binanceSymbol(frame, p);
  const di = symbol === undefined ? 0 : (spans.get(symbol) ?? 0) * k;
  if (p !== undefined) {
    for (const key of ['E', 'T']) if (typeof p[key] === 'number') p[key] = (p[key] as number) + dt;
    if (di !== 0) {
      for (const key of ['U', 'u', 'pu', 'lastUpdateId']) if (typeof p[key] === 'number') p[key] = (p[key] as number) + di;
    }
  }
  return { ...frame, t: frame.t + dt, data: JSON.stringify(message) };
}

/** OKX 2022 books carry no seqId: only `ts` moves (checksums hash the unchanged levels). */
function shiftOkx(frame: RawFrame, dt: number): RawFrame {
  const message = JSON.parse(frame.data) as Json;
  if (Array.isArray(message.data)) {
    for (const entry of message.data as Json[]) if (typeof entry?.ts === 'string') entry.ts = String(Number(entry.ts) + dt);
  }
  return { ...frame, t: frame.t + dt, data: JSON.stringify(message) };
}

/** Writes the clone; returns its path, frame count and size. */
export async function writeClone(dir: string, name: string): Promise<{ path: string; frames: number; bytes: number; clones: number }> {
  const source = await readCaptureFrames(realRecording(name));
  const venue = source[0]!.venue;
  const usdm = venue === 'binance-usdm';
  const okx = venue === 'okx';
  const market = source.filter((f) => !isMetadata(f));
  const spans = okx ? new Map<string, number>() : idSpans(market, usdm);
  // Whole milliseconds, a sampling interval past the recording's end, so clones never interleave.
  const span = Math.ceil(market[market.length - 1]!.t - market[0]!.t) + 1000;
  const clones = Math.ceil(TARGET_FRAMES / market.length);
  const path = join(dir, `large-${venue}.jsonl`);
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${JSON.stringify({ capture: 1, source: `${name} cloned ${clones} times end to end (bench)`, venue })}\n`);
  let frames = 0;
  // Instrument metadata once, as a live session reads it.
  for (const frame of source.filter(isMetadata)) {
    await write(`${JSON.stringify(frame)}\n`);
    frames++;
  }
  for (let k = 0; k < clones; k++) {
    const dt = k * span;
    for (const frame of market) {
      const shifted = okx ? shiftOkx(frame, dt) : shiftBinance(frame, dt, k, spans);
      await write(`${JSON.stringify(shifted)}\n`);
      frames++;
    }
  }
  out.end();
  await once(out, 'finish');
  return { path, frames, bytes: statSync(path).size, clones };
}

/** The yardstick: read the file, split lines, JSON.parse each line and the frame text inside it. */
async function readAndParse(path: string): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let frames = 0;
  let first = true;
  // The reader's chunk size: the yardstick reads the file as the replay does.
  for await (const chunk of createReadStream(path, { highWaterMark: CAPTURE_READ_CHUNK_BYTES })) {
    pending += decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const line = JSON.parse(pending.slice(start, nl)) as { data?: string };
      start = nl + 1;
      if (first) {
        first = false;
        continue;
      }
      if (JSON.parse(line.data!) !== undefined) frames++;
    }
    pending = pending.slice(start);
  }
  return frames;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The hot frames of the real recordings (depth, bookTicker; OKX books, tickers): decoder vs JSON.parse of the same texts. */
async function decoderRows(harness: BenchHarness): Promise<BenchResult[]> {
  const sets: [string, RawFrame[], () => VenueMapper, () => VenueMapper][] = [];
  const hotOnly = (frames: RawFrame[]) => frames.filter((f) => f.kind === 'ws' && /@depth@|@bookTicker|"channel":"(books|tickers)"/.test(f.data.slice(0, 60)) && !f.data.startsWith('{"event"'));
  sets.push(['binance-usdm', hotOnly(await readCaptureFrames(realRecording(REAL.binanceUsdm))), () => new BinanceMapper('usdm'), () => new BinanceMapper('usdm', undefined, { hotDecoder: false })]);
  sets.push(['binance-spot', hotOnly(await readCaptureFrames(realRecording(REAL.binanceSpot))), () => new BinanceMapper('spot'), () => new BinanceMapper('spot', undefined, { hotDecoder: false })]);
  sets.push(['okx', hotOnly(await readCaptureFrames(realRecording(REAL.okx))), () => new OkxMapper(), () => new OkxMapper(undefined, { hotDecoder: false })]);
  const rows: BenchResult[] = [];
  for (const [venue, frames, hot, json] of sets) {
    const note = `${frames.length} hot frames of the real ${venue} recording`;
    const mapAll = (mapper: VenueMapper) => () => {
      for (const frame of frames) mapper.map(frame);
      return frames.length;
    };
    rows.push(
      harness.measure(`${venue}: JSON.parse of the hot frames`, 'frames', () => {
        for (const frame of frames) JSON.parse(frame.data);
        return frames.length;
      }, { note }),
      harness.measure(`${venue}: mapper, hot decoder`, 'frames', mapAll(hot()), { note: 'events, checked whole' }),
      harness.measure(`${venue}: mapper, JSON path`, 'frames', mapAll(json()), { note: 'JSON.parse + checks' }),
    );
  }
  return rows;
}

export const largeReplayBench: BenchModule = {
  name: 'large-replay',
  async run(harness): Promise<BenchResult[]> {
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    const dir = mkdtempSync(join(tmpdir(), 'surveil-large-replay-'));
    try {
      const names = (process.env.LARGE_REPLAY_CAPTURES ?? REAL.binanceUsdm).split(',');
      const results: BenchResult[] = await decoderRows(harness);
      for (const name of names) {
        process.stderr.write(`  cloning ${name} from ${sharedDir}/data/real...\n`);
        const clone = await writeClone(dir, name);
        const note = `${clone.frames} frames, ${(clone.bytes / 1e6).toFixed(0)} MB (${name} x${clone.clones})`;
        const parseRates: number[] = [];
        const replayRates: number[] = [];
        const ratios: number[] = [];
        let parseTime = 0;
        let replayTime = 0;
        // CPU time of the process too: on a shared machine the wall clock also counts other processes' turns.
        const cpuRatios: number[] = [];
        const cpuSeconds = (since: NodeJS.CpuUsage): number => {
          const used = process.cpuUsage(since);
          return (used.user + used.system) / 1e6;
        };
        for (let round = 0; round < ROUNDS; round++) {
          let start = performance.now();
          let cpu = process.cpuUsage();
          const parsed = await readAndParse(clone.path);
          const parseSeconds = (performance.now() - start) / 1000;
          const parseCpu = cpuSeconds(cpu);
          start = performance.now();
          cpu = process.cpuUsage();
          const { report } = await replayCapture(clone.path, { speed: 'max', settings });
          const replaySeconds = (performance.now() - start) / 1000;
          cpuRatios.push(parseCpu / cpuSeconds(cpu));
          const problems = [
            ...report.venues.flatMap((v) => (v.sequenceGaps + v.resyncs + v.bookDrifts + v.checksumFailures > 0 ? [`${v.venue}: ${JSON.stringify(v)}`] : [])),
            ...Object.entries(report.rejected).map(([reason, n]) => `${n} frames rejected (${reason})`),
            ...report.instruments.filter((i) => !i.bookValid).map((i) => `${i.id} book invalid at the end`),
          ];
          if (problems.length > 0 || report.frames !== parsed) {
            throw new Error(`the clone is not a clean replay (${report.frames} frames replayed, ${parsed} parsed): ${problems.join('; ')}`);
          }
          parseRates.push(parsed / parseSeconds);
          replayRates.push(report.frames / replaySeconds);
          ratios.push(parseSeconds / replaySeconds);
          parseTime += parseSeconds;
          replayTime += replaySeconds;
          process.stderr.write(
            `  round ${round + 1}: read + JSON.parse ${Math.round(parsed / parseSeconds)} frames/s, replay ${Math.round(report.frames / replaySeconds)} frames/s, ratio ${(parseSeconds / replaySeconds).toFixed(3)} (CPU time ${cpuRatios[round]!.toFixed(3)})\n`,
          );
        }
        const frames = clone.frames * ROUNDS;
        results.push(
          { name: `read + JSON.parse (line and frame), ${clone.frames} frames`, unit: 'frames', ops: frames, seconds: parseTime, note: `${note}; median ${Math.round(median(parseRates))}/s` },
          {
            name: 'replay from the file, end to end',
            unit: 'frames',
            ops: frames,
            seconds: replayTime,
            note: `median ${Math.round(median(replayRates))}/s; ratio to read + JSON.parse ${median(ratios).toFixed(3)} wall, ${median(cpuRatios).toFixed(3)} CPU time (medians of ${ROUNDS} pairs); 0 gaps, 0 resyncs, 0 refused`,
          },
        );
      }
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
