import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaptureIndex, captureIndexPath, openCaptureIndex, type CaptureIndex } from '../../src/engine/capture/capture-index';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { seekCapture } from '../../src/engine/capture/capture-seek';
import { capturePartPath, openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { realRecording, REAL, repoRoot } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';

const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
const dir = mkdtempSync(join(tmpdir(), 'surveil-capture-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const books = wholeBooks;

/** The real spot recording written again through the capture writer, rotated into parts of about 60 kB. */
async function rotatedCopy(name: string): Promise<{ path: string; parts: number }> {
  const frames = await readCaptureFrames(realRecording(REAL.binanceSpot));
  const path = join(dir, name);
  const writer = await openCaptureWriter({ path, rotateBytes: 60_000, flushIntervalMs: 0, header: { source: 'test: spot recording rotated' } });
  for (const frame of frames) writer.write(frame);
  await writer.close();
  return { path, parts: writer.stats().files.length };
}

describe('capture index', () => {
  let plain: string;

  beforeAll(() => {
    plain = join(dir, 'usdm.jsonl');
    copyFileSync(realRecording(REAL.binanceUsdm), plain);
  });

  it('is built once, saved next to the capture and loaded while the capture is unchanged', async () => {
    const built = await openCaptureIndex(plain);
    expect([built.status, built.saved, built.path]).toEqual(['built', true, captureIndexPath(plain)]);
    expect(built.index.frames).toBe(918);
    // One checkpoint per symbol, at its REST snapshot (lines 5 and 7 of the recording); the metadata at line 2.
    expect(Object.fromEntries(Object.entries(built.index.books).map(([k, c]) => [k, c.line]))).toEqual({ 'binance-usdm:SUSHIUSDT': [5], 'binance-usdm:AKROUSDT': [7] });
    expect(built.index.metadata.line).toEqual([2]);
    const again = await openCaptureIndex(plain);
    expect(again.status).toBe('loaded');
    expect(again.index).toEqual(built.index);
  });

  it('starts a Binance spot book before its snapshot when diffs buffered ahead of it are still needed', async () => {
    const index = await buildCaptureIndex(realRecording(REAL.binanceSpot));
    // NKNUSDT's REST snapshot is line 4; the diff on line 3 arrived before it and is not covered by it.
    expect(index.books['binance-spot:NKNUSDT']!.line).toEqual([3]);
  });

  it('rebuilds a book whose REST snapshot came late from the diffs held before it, as a full replay does', async () => {
    // The real spot recording with NKNUSDT's REST snapshot (line 4, lastUpdateId ...752) answered later,
    // after the diffs of lines 5-7 (u ...754, ...757, ...759): those must be applied on top of it.
    const lines = readFileSync(realRecording(REAL.binanceSpot), 'utf8').split('\n');
    const snapshot = JSON.parse(lines[3]!) as { t: number };
    const seventh = JSON.parse(lines[6]!) as { t: number };
    const moved = JSON.stringify({ ...snapshot, t: seventh.t + 1 });
    const path = join(dir, 'spot-late-snapshot.jsonl');
    writeFileSync(path, [...lines.slice(0, 3), ...lines.slice(4, 7), moved, ...lines.slice(7)].join('\n'));
    const opened = await openCaptureIndex(path);
    expect(opened.index.books['binance-spot:NKNUSDT']!.line[0]).toBe(3);
    const at = { time: (JSON.parse(lines[9]!) as { t: number }).t };
    const seek = await seekCapture(path, { at, settings, index: opened, warmupMs: 0 });
    const full = await replayCapture(path, { speed: 'max', settings, until: at });
    const nkn = books(full.pipeline)['binance-spot:NKNUSDT'] as { valid: boolean; id: number };
    expect([nkn.valid, nkn.id]).toEqual([true, 499869767]);
    expect(books(seek.pipeline)).toEqual(books(full.pipeline));
    expect(seek.start.line).toBe(3);
  });

  const stale: [string, (path: string) => void, RegExp][] = [
    ['a frame appended (the recording went on)', (p) => appendFileSync(p, `${readFileSync(p, 'utf8').trimEnd().split('\n').pop()!}\n`), /is \d+ bytes, the index was built on \d+/],
    ['the file touched', (p) => utimesSync(p, new Date(), new Date(Date.now() + 5000)), /was modified after the index was built/],
  ];
  for (const [what, change, reason] of stale) {
    it(`is rebuilt, never trusted, when ${what}`, async () => {
      const path = join(dir, `stale-${what.length}.jsonl`);
      copyFileSync(realRecording(REAL.binanceUsdm), path);
      const first = await openCaptureIndex(path);
      change(path);
      const second = await openCaptureIndex(path);
      expect(second.status).toBe('rebuilt');
      expect(second.reason).toMatch(reason);
      const stats = statSync(path);
      expect(second.index.parts[0]).toMatchObject({ size: stats.size, mtimeMs: stats.mtimeMs });
      expect(second.index.parts[0]).not.toEqual(first.index.parts[0]);
      expect((await openCaptureIndex(path)).status).toBe('loaded');
    });
  }

  const corrupt: [string, (index: CaptureIndex, text: string) => string, RegExp][] = [
    ['cut short', (_i, text) => text.slice(0, text.length >> 1), /^corrupt index: not JSON$/],
    ['of another version', (i) => JSON.stringify({ ...i, version: 99 }), /^corrupt index: version 99/],
    ['with columns of different lengths', (i) => JSON.stringify({ ...i, timeline: { ...i.timeline, offset: i.timeline.offset.slice(1) } }), /^corrupt index: timeline: columns of different lengths$/],
    ['pointing past the end of the file', (i) => JSON.stringify({ ...i, books: { ...i.books, 'binance-usdm:SUSHIUSDT': { ...i.books['binance-usdm:SUSHIUSDT']!, offset: [10 ** 9] } } }), /^corrupt index: books\.binance-usdm:SUSHIUSDT: position 0 is past the end of its part$/],
    [
      'naming lines that are not the frames it says',
      (i) => {
        const offset = [...i.timeline.offset];
        const mid = offset.length >> 1;
        offset[mid] = offset[mid]! + 1;
        return JSON.stringify({ ...i, timeline: { ...i.timeline, offset } });
      },
      /^corrupt index: the frame at byte \d+ of usdm-corrupt\.jsonl is not the one it names$/,
    ],
  ];
  for (const [what, damage, reason] of corrupt) {
    it(`is rebuilt when the saved index is ${what}, and the seek is right`, async () => {
      const path = join(dir, 'usdm-corrupt.jsonl');
      copyFileSync(realRecording(REAL.binanceUsdm), path);
      const good = await openCaptureIndex(path, { rebuild: true });
      writeFileSync(good.path, damage(good.index, readFileSync(good.path, 'utf8')));
      const reopened = await openCaptureIndex(path);
      expect(reopened.status).toBe('rebuilt');
      expect(reopened.reason).toMatch(reason);
      expect(reopened.index).toEqual(good.index);
      const seek = await seekCapture(path, { at: { offsetMs: 20_000 }, settings, index: reopened, warmupMs: 0 });
      const full = await replayCapture(path, { speed: 'max', settings, until: { offsetMs: 20_000 } });
      expect(books(seek.pipeline)).toEqual(books(full.pipeline));
    });
  }

  it('is kept in memory, and says why, when it cannot be saved', async () => {
    const opened = await openCaptureIndex(plain, { indexPath: join(dir, 'no-such-folder', 'x.idx') });
    expect(opened.saved).toBe(false);
    expect(opened.saveError).toMatch(/^cannot write .*x\.idx: ENOENT$/);
  });

  for (const name of ['spot-rotated.jsonl', 'spot-rotated.jsonl.gz']) {
    it(`covers every part of a rotated recording (${name}) and seeks across them as a replay does`, async () => {
      const { path, parts } = await rotatedCopy(name);
      expect(parts).toBeGreaterThanOrEqual(3);
      const opened = await openCaptureIndex(path);
      expect(opened.index.parts.map((p) => p.name)).toEqual([name, ...Array.from({ length: parts - 1 }, (_, i) => capturePartPath(name, i + 1))]);
      expect(opened.index.parts.every((p) => p.gzip === name.endsWith('.gz'))).toBe(true);
      expect(opened.index.frames).toBe(270);
      // Checkpoints in later parts than the first.
      expect(Math.max(...Object.values(opened.index.books).flatMap((c) => c.part))).toBeGreaterThan(0);
      for (const offsetMs of [4_000, 12_000, 25_000, 3_600_000]) {
        const seek = await seekCapture(path, { at: { offsetMs }, settings, index: opened, warmupMs: 0 });
        const full = await replayCapture(path, { speed: 'max', settings, until: { offsetMs } });
        expect(books(seek.pipeline), `at +${offsetMs} ms`).toEqual(books(full.pipeline));
        expect(seek.stoppedAt).toBe(full.stoppedAt);
      }
      // A part added later (the recording rotated again) makes the index stale.
      const next = join(dir, capturePartPath(name, parts));
      copyFileSync(join(dir, capturePartPath(name, parts - 1)), next);
      const reopened = await openCaptureIndex(path);
      expect([reopened.status, reopened.reason]).toEqual(['rebuilt', `the capture has ${parts + 1} part(s), the index ${parts}`]);
    });
  }

  it('refuses a capture it cannot read, naming the file and line', async () => {
    const path = join(dir, 'damaged.jsonl');
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n');
    lines[20] = '{"t": 1, "venue": "okx"';
    writeFileSync(path, lines.join('\n'));
    await expect(buildCaptureIndex(path)).rejects.toThrow(`${path}:21: not a capture line: invalid JSON`);
  });
});
