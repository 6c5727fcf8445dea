import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AHEAD_BATCHES, readAheadStats, readRecordingAhead } from '../../src/engine/capture/capture-read-ahead';
import { openRecording, readRecordingBatches, type CaptureTruncation, type RecordingBatch } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { ReplaySession } from '../../src/engine/console/replay-session';
import type { ReplayState } from '../../src/shared/contract';
import { RECORDINGS, realRecording, repoRoot } from '../support/shared-data';

// The read-ahead thread must hand the replay exactly what reading on the replay's own thread does:
// the same batches, the same errors after the same frames, the same truncation report.

const dir = mkdtempSync(join(tmpdir(), 'surveil-read-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = (name: string): string => join(mkdtempSync(join(dir, `${files++}-`)), name);

interface Outcome {
  readonly batches: RecordingBatch[];
  readonly error: { name: string; message: string; file?: unknown; line?: unknown } | null;
  readonly truncations: CaptureTruncation[];
}

async function outcome(read: (onTruncated: ((cut: CaptureTruncation) => void) | undefined) => AsyncGenerator<RecordingBatch>, truncationAllowed: boolean): Promise<Outcome> {
  const batches: RecordingBatch[] = [];
  const truncations: CaptureTruncation[] = [];
  let error: Outcome['error'] = null;
  try {
    for await (const batch of read(truncationAllowed ? (cut) => truncations.push(cut) : undefined)) batches.push(batch);
  } catch (e) {
    const err = e as Error & { file?: unknown; line?: unknown };
    error = { name: err.name, message: err.message, file: err.file, line: err.line };
  }
  return { batches, error, truncations };
}

/**
 * A gzip file's compressed bytes read so far depend on how far the file
 * stream ran ahead of gunzip when the batch was cut: a progress figure, not
 * the same from run to run on either thread. It only has to grow.
 */
function withoutGzipProgress<T extends { bytesRead: number; recordingBytesRead?: number }>(value: T, gzip: boolean): T {
  return gzip ? { ...value, bytesRead: 0, ...(value.recordingBytesRead !== undefined ? { recordingBytesRead: 0 } : {}) } : value;
}

/** Both readers on one path; the ahead reader's outcome, after checking it is the in-thread one. */
async function expectSame(path: string, truncationAllowed = false): Promise<Outcome> {
  const recording = openRecording(path);
  const gzip = path.endsWith('.gz');
  const here = await outcome((onTruncated) => readRecordingBatches(recording, onTruncated ? { onTruncated } : {}), truncationAllowed);
  const ahead = await outcome((onTruncated) => readRecordingAhead(recording, onTruncated ? { onTruncated } : {}), truncationAllowed);
  expect(ahead.batches.length).toBe(here.batches.length);
  for (let i = 0; i < here.batches.length; i++) expect(withoutGzipProgress(ahead.batches[i]!, gzip), `batch ${i}`).toEqual(withoutGzipProgress(here.batches[i]!, gzip));
  const progress = ahead.batches.map((b) => b.recordingBytesRead);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress.at(-1)).toBeLessThanOrEqual(recording.bytes);
  expect(ahead.error).toEqual(here.error);
  expect(ahead.truncations.map((t) => withoutGzipProgress(t, gzip))).toEqual(here.truncations.map((t) => withoutGzipProgress(t, gzip)));
  return ahead;
}

const lines = (name: string): string[] => readFileSync(realRecording(name), 'utf8').split('\n');

let bigCache: { big: string; frames: number } | null = null;
/** About 16 MB (the USD-M recording 20 times over): read unchecked, the thread would post all of it (some 250 batches) while a replay sleeps. */
function bigCapture(): { big: string; frames: number } {
  if (bigCache) return bigCache;
  const usdm = lines(RECORDINGS.binanceUsdm).filter((l) => l !== '');
  const path = fresh('big.jsonl');
  writeFileSync(path, `${usdm[0]}\n${Array.from({ length: 20 }, () => usdm.slice(1).join('\n')).join('\n')}\n`);
  return (bigCache = { big: path, frames: (usdm.length - 1) * 20 });
}

describe('reading a recording ahead on a thread of its own', () => {
  it.each(Object.values(RECORDINGS))('%s: the same batches, frame for frame, as reading on the replay thread', async (name) => {
    const { batches, error } = await expectSame(realRecording(name));
    expect(error).toBeNull();
    expect(batches.length).toBeGreaterThan(1);
  });

  it('keeps conn and status, and reads gzip and a recording rotated into parts as one', async () => {
    const usdm = lines(RECORDINGS.binanceUsdm);
    const withExtras = usdm.map((line, i) => (i > 0 && i % 7 === 0 && line.endsWith('}') ? `${line.slice(0, -1)},"conn":"c${i}","status":${200 + (i % 3)}}` : line));
    const plain = fresh('extras.jsonl');
    writeFileSync(plain, withExtras.join('\n'));
    const { batches } = await expectSame(plain);
    const frames = batches.flatMap((b) => b.frames);
    expect(frames.filter((f) => f.conn !== undefined).length).toBeGreaterThan(100);
    expect(frames.filter((f) => f.status === 202).length).toBeGreaterThan(10);
    const gz = fresh('rec.jsonl.gz');
    writeFileSync(gz, gzipSync(usdm.join('\n')));
    await expectSame(gz);
    const first = fresh('rec.jsonl');
    writeFileSync(first, `${usdm.slice(0, 300).join('\n')}\n`);
    writeFileSync(first.replace('rec.jsonl', 'rec.0001.jsonl'), `{"capture":1,"part":1,"previous":"rec.jsonl"}\n${usdm.slice(300).join('\n')}`);
    const parts = await expectSame(first);
    expect(new Set(parts.batches.map((b) => b.part))).toEqual(new Set([0, 1]));
  });

  it('a damaged line: the frames before it, then the CaptureError naming file and line', async () => {
    const usdm = lines(RECORDINGS.binanceUsdm);
    usdm[400] = usdm[400]!.slice(0, 40);
    const path = fresh('damaged.jsonl');
    writeFileSync(path, usdm.join('\n'));
    const { batches, error } = await expectSame(path, true);
    expect(error).toMatchObject({ name: 'CaptureError', file: path, line: 401 });
    expect(error!.message).toContain(`${path}:401: not a capture line`);
    expect(batches.at(-1)!.lines.at(-1)).toBe(400);
  });

  it('a cut tail is a truncation when the replay accepts one, and an error when it does not; a cut part before another is a hole', async () => {
    const usdm = lines(RECORDINGS.binanceUsdm);
    const cut = fresh('cut.jsonl');
    writeFileSync(cut, `${usdm.slice(0, 500).join('\n')}\n${usdm[500]!.slice(0, 30)}`);
    const accepted = await expectSame(cut, true);
    expect(accepted.error).toBeNull();
    expect(accepted.truncations).toHaveLength(1);
    expect(accepted.truncations[0]).toMatchObject({ kind: 'cut_line', lastLine: 500 });
    const refused = await expectSame(cut, false);
    expect(refused.error).toMatchObject({ name: 'CaptureError', line: 501 });
    const gz = fresh('open.jsonl.gz');
    const whole = gzipSync(usdm.join('\n'));
    writeFileSync(gz, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect((await expectSame(gz, true)).truncations[0]).toMatchObject({ kind: 'no_gzip_trailer' });
    const first = fresh('rec.jsonl');
    writeFileSync(first, `${usdm.slice(0, 300).join('\n')}\n${usdm[300]!.slice(0, 20)}`);
    writeFileSync(first.replace('rec.jsonl', 'rec.0001.jsonl'), `{"capture":1,"part":1,"previous":"rec.jsonl"}\n${usdm.slice(301, 400).join('\n')}\n`);
    const hole = await expectSame(first, true);
    expect(hole.error!.message).toContain('continues it: frames are missing in the middle of the recording');
  });

  it(`holds at most ${AHEAD_BATCHES} batches ahead of a slow replay, and reuses its thread after a stop`, async () => {
    const { big, frames } = bigCapture();
    const before = readAheadStats();
    let taken = 0;
    for await (const batch of readRecordingAhead(openRecording(big))) {
      expect(batch.frames.length).toBeGreaterThan(0);
      if (taken++ === 0) await sleep(400);
      if (taken === 20) break;
    }
    const stats = readAheadStats();
    expect(stats.maxQueued).toBeGreaterThan(0);
    expect(stats.maxQueued).toBeLessThanOrEqual(AHEAD_BATCHES);
    // Stopped early, the thread finishes its read and goes back to the pool; the next read takes it.
    for (let i = 0; i < 100 && !readAheadStats().idle; i++) await sleep(20);
    expect(readAheadStats().idle).toBe(true);
    await expectSame(realRecording(RECORDINGS.okx));
    expect(readAheadStats().threadsStarted).toBe(before.threadsStarted + (before.idle ? 0 : 1));
    // Left in its last batches, when the read's end has already come with them: the thread is released at once, not left waiting for an end it was sent.
    let batches = 0;
    for await (const _ of readRecordingAhead(openRecording(big))) batches++;
    let at = 0;
    for await (const _ of readRecordingAhead(openRecording(big))) {
      if (++at < batches - 1) continue;
      await sleep(200);
      break;
    }
    // Polled, not read once: a loaded machine may not have sent the end within the sleep. The defect this guards (a thread never released) fails either way.
    for (let i = 0; i < 100 && !readAheadStats().idle; i++) await sleep(20);
    expect(readAheadStats().idle).toBe(true);
    // A replay of a file this large reads ahead without being told to; a small one reads on its own thread.
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    const reads = readAheadStats().reads;
    const { report } = await replayCapture(big, { speed: 'max', settings });
    expect(report.frames).toBe(frames);
    expect(readAheadStats().reads).toBe(reads + 1);
    await replayCapture(realRecording(RECORDINGS.okx), { speed: 'max', settings });
    expect(readAheadStats().reads).toBe(reads + 1);
  });

  it('replays a recording to the same report, alerts and rule statuses read and mapped ahead or not (`surveil evaluate` unchanged)', async () => {
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    for (const name of [RECORDINGS.binanceUsdm, RECORDINGS.okx]) {
      const path = realRecording(name);
      const here = await replayCapture(path, { speed: 'max', settings, readAhead: false });
      const before = readAheadStats();
      const ahead = await replayCapture(path, { speed: 'max', settings, readAhead: 'map-every-frame' });
      // Every frame was mapped ahead (none of these holds what the codec leaves out), and the replay took those results.
      const after = readAheadStats();
      expect(after.frames - before.frames).toBe(here.report.frames);
      expect(after.framesMapped - before.framesMapped).toBe(here.report.frames);
      expect(ahead.report).toEqual(here.report);
      expect(ahead.rules).toEqual(here.rules);
      expect(ahead.report.alerts.length).toBeGreaterThan(0);
      // Read ahead and mapped ahead only while the replay is the slower side (some frames, as the timing falls): the same again.
      const readOnly = await replayCapture(path, { speed: 'max', settings, readAhead: true });
      expect(readOnly.report).toEqual(here.report);
    }
  });

  it('the console replays a large recording read ahead too, to the end', async () => {
    const { big: path, frames } = bigCapture();
    const config = loadConfig(join(repoRoot, 'config'));
    const reads = readAheadStats().reads;
    const states: ReplayState[] = [];
    const session = new ReplaySession(path, 'max', config, { onEvaluation: () => undefined, onState: (s) => states.push(s) });
    try {
      await session.start();
    } finally {
      await session.close();
    }
    expect(states.at(-1)).toMatchObject({ state: 'done', frames, progress: 1 });
    expect(readAheadStats().reads).toBe(reads + 1);
  }, 60_000);
});
