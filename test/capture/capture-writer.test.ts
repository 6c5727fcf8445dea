import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaptureError, readCapture, readCaptureFrames } from '../../src/engine/capture/capture-reader';
import {
  CaptureWriteError,
  captureLine,
  capturePartPath,
  capturePartPaths,
  openCaptureWriter,
  type CaptureWriterOptions,
} from '../../src/engine/capture/capture-writer';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { REAL, realRecording, repoRoot } from '../support/shared-data';

const root = mkdtempSync(join(tmpdir(), 'surveil-capture-writer-'));
let dirs = 0;
/** A fresh folder per test: writers refuse to overwrite, and parts must not mix. */
const tmp = (): string => mkdtempSync(join(root, `t${dirs++}-`));

let okx: RawFrame[];

beforeAll(async () => {
  okx = await readCaptureFrames(realRecording(REAL.okx));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Header line of a capture file, plain or gzip. */
function headerOf(path: string): Record<string, unknown> {
  const raw = readFileSync(path);
  const text = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8');
  return JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
}

async function record(frames: readonly RawFrame[], options: CaptureWriterOptions) {
  const writer = await openCaptureWriter({ flushIntervalMs: 0, ...options });
  for (const frame of frames) writer.onFrame(frame);
  await writer.close();
  return writer;
}

/** Reads a capture until its end or its first error; the error is returned, not thrown. */
async function readUntilError(path: string): Promise<{ frames: RawFrame[]; error: unknown }> {
  const frames: RawFrame[] = [];
  try {
    for await (const { frame } of readCapture(path)) frames.push(frame);
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: null };
}

describe('capture writer: round trip through the real reader', () => {
  it.each(['okx.jsonl', 'okx.jsonl.gz'])('%s: frames of a real OKX recording come back identical', async (name) => {
    const path = join(tmp(), name);
    const writer = await record(okx, { path, header: { source: 'test', venue: 'okx', instruments: ['UNI-USD-SWAP'] } });
    expect(await readCaptureFrames(path)).toEqual(okx);
    const stats = writer.stats();
    expect(stats.frames).toBe(okx.length);
    expect(stats.files).toEqual([path]);
    expect(stats.bufferedBytes).toBe(0);
    expect(stats.diskBytes).toBe(statSync(path).size);
    const raw = readFileSync(path);
    const text = name.endsWith('.gz') ? gunzipSync(raw) : raw;
    expect(stats.bytes).toBe(text.length);
    // gzip only when the name says so (the reader decides by content).
    expect(raw[0] === 0x1f && raw[1] === 0x8b).toBe(name.endsWith('.gz'));
    if (name.endsWith('.gz')) expect(raw.length).toBeLessThan(text.length / 4);
  });

  it('writes the header first: capture 1, source, created, then the free fields', async () => {
    const path = join(tmp(), 'h.jsonl');
    const now = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    await record([], { path, now: () => now, header: { source: 'surveil record', venue: 'okx', instruments: ['UNI-USD-SWAP'], note: 'n' } });
    const header = headerOf(path);
    expect(Object.keys(header)).toEqual(['capture', 'source', 'created', 'venue', 'instruments', 'note']);
    expect(header).toEqual({
      capture: 1,
      source: 'surveil record',
      created: '2024-01-02T03:04:05.678Z',
      venue: 'okx',
      instruments: ['UNI-USD-SWAP'],
      note: 'n',
    });
    // Fields the writer owns cannot be overridden by the caller.
    const other = join(tmp(), 'h2.jsonl');
    await record([], { path: other, header: { capture: 2, part: 7, previous: 'x' } as never });
    expect(headerOf(other)).toMatchObject({ capture: 1, source: 'recorded' });
    expect(headerOf(other)).not.toHaveProperty('part');
    // An empty recording is still a valid capture.
    expect(await readCaptureFrames(other)).toEqual([]);
  });

  it('writes frame keys in the order of the format: t, venue, kind, url, data, conn, status', async () => {
    const frames: RawFrame[] = [
      { t: 1.5, venue: 'binance-usdm', kind: 'rest', url: 'https://x/fapi/v1/depth?symbol=A', data: '{"code":-1003}', status: 429, conn: 'rest-1' },
      { t: 2, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data: 'pong', conn: 'okx-0' },
      { t: 3, venue: 'okx', kind: 'ws', url: 'wss://u', data: 'line\nbreak "quoted" \u00e9\u2603' },
    ];
    const path = join(tmp(), 'k.jsonl');
    await record(frames, { path });
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(frames.length + 2); // header, frames, and the final newline
    expect(lines[1]).toBe(
      '{"t":1.5,"venue":"binance-usdm","kind":"rest","url":"https://x/fapi/v1/depth?symbol=A","data":"{\\"code\\":-1003}","conn":"rest-1","status":429}',
    );
    expect(Object.keys(JSON.parse(lines[2]!))).toEqual(['t', 'venue', 'kind', 'url', 'data', 'conn']);
    expect(lines[3]).toBe(captureLine(frames[2]!));
    expect(await readCaptureFrames(path)).toEqual(frames);
  });

  it('refuses frames the reader would refuse, so one bad frame cannot spoil a recording', async () => {
    const good = okx[0]!;
    const bad = [
      { ...good, t: Number.NaN },
      { ...good, t: Infinity },
      { ...good, kind: 'http' },
      { ...good, venue: '' },
      { ...good, data: Buffer.from('x') },
    ] as unknown as RawFrame[];
    const path = join(tmp(), 'bad.jsonl');
    const writer = await record([good, ...bad, good], { path });
    expect(writer.stats()).toMatchObject({ frames: 2, invalid: bad.length });
    expect(await readCaptureFrames(path)).toEqual([good, good]);
  });

  it('close() resolves with everything on disk, is idempotent, and later frames are counted as dropped', async () => {
    const path = join(tmp(), 'c.jsonl.gz');
    const writer = await openCaptureWriter({ path });
    for (const frame of okx) writer.onFrame(frame);
    const closing = writer.close();
    expect(writer.close()).toBe(closing);
    writer.onFrame(okx[0]!);
    await closing;
    expect(writer.stats()).toMatchObject({ frames: okx.length, dropped: 1 });
    expect(await readCaptureFrames(path)).toEqual(okx);
  });

  it('onFrame is a bound FeedSink method: it can be handed to a feed as is', async () => {
    const path = join(tmp(), 'sink.jsonl');
    const writer = await openCaptureWriter({ path });
    const { onFrame } = writer;
    for (const frame of okx.slice(0, 5)) onFrame(frame);
    await writer.close();
    expect(await readCaptureFrames(path)).toEqual(okx.slice(0, 5));
  });

  it('never overwrites a recording unless asked to, and says which file', async () => {
    const path = join(tmp(), 'exists.jsonl');
    writeFileSync(path, 'precious\n');
    const failed = openCaptureWriter({ path });
    await expect(failed).rejects.toBeInstanceOf(CaptureWriteError);
    await expect(failed).rejects.toThrow(`${path}: cannot write: EEXIST`);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    await record(okx.slice(0, 3), { path, overwrite: true });
    expect(await readCaptureFrames(path)).toEqual(okx.slice(0, 3));
    await expect(openCaptureWriter({ path: join(tmp(), 'no/such/dir.jsonl') })).rejects.toThrow(/cannot write: ENOENT/);
  });

  it('a part that cannot be created stops the recording loudly: onError once, close() rejects, what was written stays readable', async () => {
    const dir = tmp();
    const path = join(dir, 'fail.jsonl');
    writeFileSync(capturePartPath(path, 1), 'someone else\n');
    const errors: Error[] = [];
    const writer = await openCaptureWriter({ path, rotateBytes: 20_000, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    for (const frame of okx.slice(0, 60)) writer.onFrame(frame);
    // The part is created asynchronously: frames keep being accepted until the failure is known.
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    for (const frame of okx.slice(60)) writer.onFrame(frame);
    await expect(writer.close()).rejects.toThrow(`${capturePartPath(path, 1)}: cannot write: EEXIST`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CaptureWriteError);
    expect(writer.error).toBe(errors[0]);
    expect(writer.stats().dropped).toBe(okx.length - 60);
    expect(readFileSync(capturePartPath(path, 1), 'utf8')).toBe('someone else\n');
    const first = await readCaptureFrames(path);
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(okx.slice(0, first.length));
  });

  it('fails rather than hold more than maxBufferedBytes in memory', async () => {
    const errors: Error[] = [];
    const writer = await openCaptureWriter({ path: join(tmp(), 'slow.jsonl.gz'), maxBufferedBytes: 1, onError: (e) => errors.push(e) });
    for (const frame of okx) writer.onFrame(frame);
    await expect(writer.close()).rejects.toThrow(/the disk does not keep up/);
    expect(errors).toHaveLength(1);
  });

  it('replaying a written copy of a real recording gives the same report instruments as the original', async () => {
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    const path = join(tmp(), 'copy.jsonl.gz');
    await record(okx, { path, header: { venue: 'okx' } });
    const original = await replayCapture(realRecording(REAL.okx), { speed: 'max', settings });
    const copy = await replayCapture(path, { speed: 'max', settings });
    expect(copy.report.instruments).toEqual(original.report.instruments);
    expect(copy.report.frames).toBe(original.report.frames);
    expect(copy.report.instruments.find((i) => i.symbol === 'UNI-USD-SWAP')).toMatchObject({ bestBid: '5.137', checksumChecks: 93, checksumFailures: 0 });
  });
});

describe('capture writer: rotation', () => {
  it('names parts before the extension', () => {
    expect(capturePartPath('/d/rec.jsonl.gz', 1)).toBe('/d/rec.0001.jsonl.gz');
    expect(capturePartPath('/d/rec.jsonl', 12)).toBe('/d/rec.0012.jsonl');
    expect(capturePartPath('/d/rec.gz', 3)).toBe('/d/rec.0003.gz');
    expect(capturePartPath('/d/rec', 2)).toBe('/d/rec.0002');
    expect(capturePartPath('/d/rec.jsonl', 12345)).toBe('/d/rec.12345.jsonl');
  });

  it.each(['rot.jsonl', 'rot.jsonl.gz'])('%s: parts each read back and together hold every frame in order', async (name) => {
    const path = join(tmp(), name);
    const rotateBytes = 20_000; // the OKX recording is about 500 kB, three REST bodies over 60 kB: many parts
    const writer = await record(okx, { path, rotateBytes, header: { venue: 'okx', instruments: ['UNI-USD-SWAP'] } });
    const files = writer.stats().files;
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(files).toEqual(capturePartPaths(path));
    expect(files.slice(1)).toEqual(files.slice(1).map((_, i) => capturePartPath(path, i + 1)));
    const all: RawFrame[] = [];
    for (const [i, file] of files.entries()) {
      const frames = await readCaptureFrames(file);
      expect(frames.length).toBeGreaterThan(0);
      all.push(...frames);
      const header = headerOf(file);
      expect(header).toMatchObject({ capture: 1, source: 'recorded', venue: 'okx', instruments: ['UNI-USD-SWAP'] });
      if (i === 0) expect(header).not.toHaveProperty('part');
      else expect(header).toMatchObject({ part: i, previous: basename(files[i - 1]!) });
      // A part is closed once it passes rotateBytes: only the last frame may take it past.
      const size = name.endsWith('.gz') ? gunzipSync(readFileSync(file)).length : statSync(file).size;
      if (i < files.length - 1) {
        const lastLine = captureLine(frames.at(-1)!).length + 1;
        expect(size).toBeGreaterThanOrEqual(rotateBytes);
        expect(size - lastLine).toBeLessThan(rotateBytes);
      }
    }
    expect(all).toEqual(okx);
    expect(existsSync(capturePartPath(path, files.length))).toBe(false);
  });
});

describe('capture writer: a crash loses at most what was not yet flushed', () => {
  it('a .gz copied after a periodic flush, writer still open, yields every completed frame, then a CaptureError', async () => {
    const dir = tmp();
    const path = join(dir, 'live.jsonl.gz');
    const writer = await openCaptureWriter({ path, flushIntervalMs: 20 });
    try {
      const before = writer.stats().flushes;
      for (const frame of okx.slice(0, 50)) writer.onFrame(frame);
      // Two ticks: the first may have started before these frames were handed over.
      await vi.waitFor(() => expect(writer.stats().flushes).toBeGreaterThanOrEqual(before + 2), { timeout: 5000, interval: 10 });
      const crashed = join(dir, 'crashed.jsonl.gz');
      copyFileSync(path, crashed);
      const { frames, error } = await readUntilError(crashed);
      expect(frames).toEqual(okx.slice(0, 50));
      expect(error).toBeInstanceOf(CaptureError);
      expect((error as Error).message).toContain('unexpected end of file');
    } finally {
      await writer.close();
    }
    expect(await readCaptureFrames(path)).toEqual(okx.slice(0, 50));
  });

  it('a .gz cut anywhere after a flush yields at least the frames flushed before it, and only a CaptureError', async () => {
    const dir = tmp();
    const path = join(dir, 'live.jsonl.gz');
    const writer = await openCaptureWriter({ path, flushIntervalMs: 0 });
    for (const frame of okx.slice(0, 40)) writer.onFrame(frame);
    await writer.flush();
    const flushedSize = statSync(path).size;
    for (const frame of okx.slice(40, 70)) writer.onFrame(frame);
    await writer.flush();
    const secondSize = statSync(path).size;
    const snapshot = readFileSync(path);
    await writer.close();
    expect(secondSize).toBeGreaterThan(flushedSize);
    const cut = join(dir, 'cut.jsonl.gz');
    for (const size of [flushedSize, flushedSize + 1, Math.floor((flushedSize + secondSize) / 2), secondSize - 1, secondSize]) {
      writeFileSync(cut, snapshot.subarray(0, size));
      const { frames, error } = await readUntilError(cut);
      expect(frames.length).toBeGreaterThanOrEqual(size === secondSize ? 70 : 40);
      expect(frames).toEqual(okx.slice(0, frames.length));
      expect(error).toBeInstanceOf(CaptureError);
    }
  });

  it('a plain file copied after a flush reads back completely', async () => {
    const dir = tmp();
    const path = join(dir, 'live.jsonl');
    const writer = await openCaptureWriter({ path, flushIntervalMs: 0 });
    for (const frame of okx.slice(0, 30)) writer.onFrame(frame);
    await writer.flush();
    const crashed = join(dir, 'crashed.jsonl');
    copyFileSync(path, crashed);
    await writer.close();
    expect(await readCaptureFrames(crashed)).toEqual(okx.slice(0, 30));
    // A line cut in half is named by the reader, never read as a frame.
    truncateSync(crashed, statSync(crashed).size - 10);
    const { frames, error } = await readUntilError(crashed);
    expect(frames).toEqual(okx.slice(0, 29));
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as Error).message).toContain(`${crashed}:31:`);
  });
});
