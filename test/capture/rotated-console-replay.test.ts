import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { captureAllowed, findCaptures } from '../../src/engine/console/capture-files';
import { ReplaySession } from '../../src/engine/console/replay-session';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { ReplayState } from '../../src/shared/contract';
import { CONFIG } from '../simulator/helpers';
import { REAL, realRecording } from '../support/shared-data';

// A rotated recording written by the real writer, as the console offers and plays it (issue 12):
// listed as one capture with all its parts, and replayed over every part as `surveil replay` does.

let dir: string;
let first: string;
let files: readonly string[];
let framesPerPart: number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'surveil-rotated-'));
  first = join(dir, 'usdm.jsonl.gz');
  const writer = await openCaptureWriter({ path: first, rotateBytes: 150_000, flushIntervalMs: 0, header: { source: 'test: rotated', venue: 'binance-usdm' } });
  for (const frame of await readCaptureFrames(realRecording(REAL.binanceUsdm))) writer.write(frame);
  await writer.close();
  files = writer.stats().files;
  framesPerPart = await Promise.all(files.map(async (file) => (await readCaptureFrames(file)).length));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The books at the end: top of book and depth per instrument. */
function books(pipeline: SurveillancePipeline): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const state of pipeline.instrumentStates()) {
    const book = state.sync?.book;
    out[state.key] = { bid: book?.bestBid()?.priceText ?? null, ask: book?.bestAsk()?.priceText ?? null, bids: book?.levelCount('bid') ?? 0, asks: book?.levelCount('ask') ?? 0, valid: state.sync?.valid ?? false };
  }
  return out;
}

describe('a rotated recording on the console (issue 12)', () => {
  it('is written in several parts', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(framesPerPart.every((n) => n > 0)).toBe(true);
  });

  it('is listed as one capture with all its parts, beside strangers that are not parts', () => {
    // Names the writer never makes: not parts of the recording, and (but for the other capture) not captures.
    writeFileSync(join(dir, 'usdm.jsonl.0001.gz'), '{"capture":1}\n');
    writeFileSync(join(dir, 'usdm.1.jsonl.gz'), '{"capture":1}\n');
    writeFileSync(join(dir, 'usdm.0001.jsonl.gz.idx'), '{}');
    writeFileSync(join(dir, 'other.0001.jsonl.gz'), '{"capture":1}\n');
    const listed = findCaptures([dir]);
    const byPath = new Map(listed.map((c) => [c.path, c]));
    expect(byPath.get(first)?.parts).toEqual(files);
    for (const part of files.slice(1)) expect(byPath.has(part), part).toBe(false);
    expect(byPath.has(join(dir, 'usdm.jsonl.0001.gz'))).toBe(false);
    expect(byPath.has(join(dir, 'usdm.0001.jsonl.gz.idx'))).toBe(false);
    // A stranger with a capture's name is a capture of its own, never a part of this one.
    expect(byPath.get(join(dir, 'usdm.1.jsonl.gz'))?.parts).toEqual([join(dir, 'usdm.1.jsonl.gz')]);
    expect(byPath.get(join(dir, 'other.0001.jsonl.gz'))?.parts).toEqual([join(dir, 'other.0001.jsonl.gz')]);
    expect(listed).toHaveLength(3);
    expect(captureAllowed(join(dir, 'usdm.jsonl.0001.gz'), [dir])).toBe(false);
    expect(captureAllowed(files[1]!, [dir])).toBe(true);
  });

  it('replays every part in order on the console, to the books a CLI replay of the same recording ends with', async () => {
    const states: ReplayState[] = [];
    const session = new ReplaySession(first, 'max', CONFIG, { onEvaluation: () => undefined, onState: (s) => states.push(s) });
    const started = performance.now();
    let consoleBooks: Record<string, unknown>;
    try {
      await session.start();
      consoleBooks = books(session.pipeline);
    } finally {
      await session.close();
    }
    const final = states[states.length - 1]!;
    expect(final.error).toBeNull();
    expect(final.state).toBe('done');
    const total = framesPerPart.reduce((a, b) => a + b, 0);
    expect(final.frames).toBe(total);
    expect(final.frames).toBeGreaterThan(framesPerPart[0]!);
    // The progress bar counts the frames of every part, and ends on the last part's last frame.
    expect(final.framesTotal).toBe(total);
    expect(final.lastT).toBe(final.frameTime);
    expect(final.progress).toBe(1);

    const cli = await replayCapture(first, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
    expect(cli.report.frames).toBe(total);
    expect(consoleBooks).toEqual(books(cli.pipeline));
    // The books a correct builder reports for this recording (../shared/capture-format.md).
    expect(consoleBooks['binance-usdm:SUSHIUSDT']).toEqual({ bid: '7.6120', ask: '7.6160', bids: 1006, asks: 1000, valid: true });
    expect(consoleBooks['binance-usdm:AKROUSDT']).toEqual({ bid: '0.01734', ask: '0.01735', bids: 613, asks: 761, valid: true });
    process.stdout.write(`rotated-console-replay: ${files.length} parts, ${total} frames, console replay ${(performance.now() - started).toFixed(0)} ms\n`);
  }, 60_000);
});
