import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureIndex } from '../../src/engine/capture/capture-index';
import { readLineRange } from '../../src/engine/capture/capture-range';
import { readCapture, readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { seekCapture } from '../../src/engine/capture/capture-seek';
import { openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { memberFor } from '../../src/engine/capture/gzip-members';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { realRecording, REAL, repoRoot } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';

/**
 * A seekable gzip layout: the capture writer's `gzipMemberBytes` ends the gzip
 * member every N bytes of text; the file is still one gzip file to the
 * existing reader, and the capture index records where each member starts
 * so that a seek inflates from the nearest one.
 */
const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
const dir = mkdtempSync(join(tmpdir(), 'surveil-gzip-members-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const books = wholeBooks;

/** A capture written through the writer, from `source` (default the real USD-M recording). */
async function write(name: string, gzipMemberBytes?: number, source = realRecording(REAL.binanceUsdm)): Promise<string> {
  const frames = await readCaptureFrames(source);
  const path = join(dir, name);
  const writer = await openCaptureWriter({ path, flushIntervalMs: 0, header: { source: 'test' }, ...(gzipMemberBytes === undefined ? {} : { gzipMemberBytes }) });
  for (let i = 0; i < frames.length; i++) {
    writer.write(frames[i]!);
    // Periodic flushes as a recording makes them (sync-flush blocks inside members).
    if (i % 37 === 0) await writer.flush();
  }
  await writer.close();
  return path;
}

describe('gzip captures written in members', () => {
  it('stay one capture to the existing reader, and the index finds every member', async () => {
    const frames = await readCaptureFrames(realRecording(REAL.binanceUsdm));
    const path = await write('members.jsonl.gz', 64 * 1024);
    expect(await readCaptureFrames(path)).toEqual(frames);
    let header: Record<string, unknown> | undefined;
    for await (const chunk of readLineRange(path, true, 0)) {
      header = JSON.parse(chunk.texts[0]!) as Record<string, unknown>;
      break;
    }
    expect(header).toMatchObject({ capture: 1, source: 'test', gzipMemberBytes: 65536 });
    const opened = await openCaptureIndex(path);
    const members = opened.index.parts[0]!.members!;
    // 930 kB of text in members of 64 kB (a member ends at the first write past the limit).
    expect(members.compressed.length).toBeGreaterThan(8);
    // Each member inflates on its own to the text at its decompressed offset, starting at a line.
    const whole = gunzipSync(readFileSync(path));
    const file = readFileSync(path);
    for (let i = 0; i < members.compressed.length; i++) {
      const alone = gunzipSync(file.subarray(members.compressed[i]!));
      expect(alone.equals(whole.subarray(members.decompressed[i]!)), `member ${i}`).toBe(true);
      expect(alone.subarray(0, i === 0 ? 12 : 5).toString(), `member ${i}`).toBe(i === 0 ? '{"capture":1' : '{"t":');
    }
  });

  it('seek from the nearest member: the same books as a full replay, reading a fraction of the file', async () => {
    // The real recording cloned 7 times end to end (the large-replay helper), so that there are snapshots late in the file.
    process.env.LARGE_REPLAY_FRAMES = '6000';
    const { writeClone } = await import('../../bench/large-replay-bench');
    const clone = await writeClone(dir, REAL.binanceUsdm);
    const path = await write('seek-members.jsonl.gz', 256 * 1024, clone.path);
    const opened = await openCaptureIndex(path);
    expect(opened.index.parts[0]!.members!.compressed.length).toBeGreaterThan(10);
    for (const offsetMs of [3_000, 70_000, 150_000, 215_000]) {
      const seek = await seekCapture(path, { at: { offsetMs }, settings, index: opened, warmupMs: 0 });
      const full = await replayCapture(path, { speed: 'max', settings, until: { offsetMs } });
      expect(books(seek.pipeline), `+${offsetMs} ms`).toEqual(books(full.pipeline));
    }
    // Far into the file the seek starts inflating at a member well past the start.
    const late = await seekCapture(path, { at: { offsetMs: 215_000 }, settings, index: opened, warmupMs: 0 });
    const start = memberFor(opened.index.parts[0]!.members, late.start.offset);
    expect(start!.decompressed).toBeGreaterThan(opened.index.parts[0]!.bytes * 0.7);
    // And inflating really starts there: with every byte before that member wiped, the line at the seek's start still reads.
    const wiped = readFileSync(path);
    wiped.fill(0, 0, start!.compressed);
    writeFileSync(join(dir, 'wiped.jsonl.gz'), wiped);
    const line = async (file: string, from?: typeof start) => {
      for await (const chunk of readLineRange(file, true, late.start.offset, undefined, from)) return chunk.texts[0];
      return undefined;
    };
    expect(await line(join(dir, 'wiped.jsonl.gz'), start)).toBe(await line(path));
    await expect(line(join(dir, 'wiped.jsonl.gz'))).rejects.toThrow(/gzip stream is corrupt/);
  });

  it('cut short by a killed writer: the members before the cut are kept and the seek reads up to it, as the replay does', async () => {
    const path = await write('cut-members.jsonl.gz', 64 * 1024);
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const opened = await openCaptureIndex(cut);
    const whole = await openCaptureIndex(path);
    expect(opened.index.parts[0]!.cut).toBe('no_gzip_trailer');
    const members = opened.index.parts[0]!.members!.compressed;
    expect(members.length).toBeGreaterThan(3);
    expect(members).toEqual(whole.index.parts[0]!.members!.compressed.slice(0, members.length));
    const full = await replayCapture(cut, { speed: 'max', settings, until: { offsetMs: 3_600_000 } });
    expect(full.truncated?.kind).toBe('no_gzip_trailer');
    const seek = await seekCapture(cut, { at: { offsetMs: 3_600_000 }, settings, index: opened, warmupMs: 0 });
    expect(seek.pastEnd).toBe(true);
    expect(seek.stoppedAt).toBe(full.stoppedAt);
    expect(books(seek.pipeline)).toEqual(books(full.pipeline));
  });

  it('killed right after a flush (every line written is whole, no trailer): the seek sees every frame the replay sees', async () => {
    const frames = await readCaptureFrames(realRecording(REAL.binanceUsdm));
    const path = join(dir, 'killed.jsonl.gz');
    const writer = await openCaptureWriter({ path, flushIntervalMs: 0, gzipMemberBytes: 64 * 1024 });
    for (const frame of frames.slice(0, 700)) writer.write(frame);
    await writer.flush();
    const copy = join(dir, 'killed-copy.jsonl.gz');
    writeFileSync(copy, readFileSync(path));
    await writer.close();
    const full = await replayCapture(copy, { speed: 'max', settings });
    expect(full.truncated?.kind).toBe('no_gzip_trailer');
    expect(full.report.frames).toBe(700);
    const seek = await seekCapture(copy, { at: { time: frames[699]!.t }, settings, warmupMs: 0 });
    expect(seek.index.index.frames).toBe(700);
    expect(books(seek.pipeline)).toEqual(books(full.pipeline));
  });

  it('are not looked for in a gzip capture written as one stream', async () => {
    const path = await write('one-stream.jsonl.gz');
    const opened = await openCaptureIndex(path);
    expect(opened.index.parts[0]!.members).toBeUndefined();
    let frames = 0;
    for await (const _ of readCapture(path)) frames++;
    expect(frames).toBe(918);
  });
});
