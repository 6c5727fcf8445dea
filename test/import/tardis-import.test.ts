import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config/load-config';
import { importFiles } from '../../src/engine/import/import-files';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { PipelineSettings, SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { RECORDINGS, realRecording, repoRoot } from '../support/shared-data';
import { binanceToTardis, INCREMENTAL_HEADER, okxToTardis } from './real-to-tardis';

let settings: PipelineSettings;
let dir: string;
const frames: Record<keyof typeof RECORDINGS, RawFrame[]> = {} as never;

beforeAll(async () => {
  settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
  dir = mkdtempSync(join(tmpdir(), 'tardis-import-'));
  for (const key of Object.keys(RECORDINGS) as (keyof typeof RECORDINGS)[]) frames[key] = await readCaptureFrames(realRecording(RECORDINGS[key]));
});

type Side = [number, number][];
/** Every level of a book, as numbers (Tardis-written strings may differ in trailing zeros), and its validity. */
function bookOf(pipeline: SurveillancePipeline, venue: string, symbol: string): { valid: boolean; bids: Side; asks: Side } | null {
  const state = pipeline.instrumentStates().find((s) => s.instrument.venue === venue && s.instrument.symbol === symbol);
  if (!state?.sync) return null;
  const side = (s: 'bid' | 'ask'): Side => state.sync!.book.top(s, 100_000).map((l) => [l.price, l.size]);
  return { valid: state.sync.valid, bids: side('bid'), asks: side('ask') };
}

async function bookAt(capture: string, venue: string, symbol: string, time: number | null) {
  const { pipeline } = await replayCapture(capture, { speed: 'max', settings, ...(time === null ? {} : { until: { time } }) });
  return bookOf(pipeline, venue, symbol);
}

function writeCsv(name: string, header: string, rows: readonly string[], gzip: boolean): string {
  const path = join(dir, name);
  const text = `${header}\n${rows.join('\n')}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

/** Instants inside the capture's span, between frames, where the book of `symbol` exists in the original. */
function instants(list: readonly RawFrame[]): number[] {
  const first = list[0]!.t;
  const last = list[list.length - 1]!.t;
  return [0.3, 0.55, 0.8].map((f) => Math.floor(first + (last - first) * f) + 0.5);
}

describe('Tardis.dev incremental_book_L2 import replays to the books of the original capture', () => {
  it.each([
    ['binanceSpot', 'binance', 'binance-spot', 'NKNUSDT', true],
    ['binanceUsdm', 'binance-futures', 'binance-usdm', 'SUSHIUSDT', false],
    ['binanceUsdm', 'binance-futures', 'binance-usdm', 'AKROUSDT', true],
    ['okx', 'okex-swap', 'okx', 'UNI-USD-SWAP', false],
    ['binanceCoinm', 'binance-delivery', 'binance-coinm', 'XRPUSD_PERP', true],
  ] as const)('%s %s (%s) %s, gzip %s', async (key, exchange, venue, symbol, gzip) => {
    const list = frames[key];
    const rows = venue === 'okx' ? okxToTardis(list, exchange) : binanceToTardis(list, exchange, [symbol]);
    expect(rows.length).toBeGreaterThan(500);
    const csv = writeCsv(`${exchange}_incremental_book_L2_${symbol}.csv${gzip ? '.gz' : ''}`, INCREMENTAL_HEADER, rows, gzip);
    const out = join(dir, `${symbol}.jsonl${gzip ? '' : '.gz'}`);
    const summary = await importFiles({ files: [csv], out });
    expect(summary.rejectedRows).toBe(0);
    expect(summary.rows).toBe(rows.length);
    expect(summary.books.map((b) => [b.venue, b.symbol, b.snapshots, b.breaks])).toEqual([[venue, symbol, expect.any(Number), 0]]);
    for (const time of [...instants(list), null]) {
      const original = await bookAt(realRecording(RECORDINGS[key]), venue, symbol, time);
      const imported = await bookAt(out, venue, symbol, time);
      expect(original, `original book at ${time}`).not.toBeNull();
      expect(imported, `imported book at ${time ?? 'the end'}`).toEqual(original);
    }
    // At the end: the figures ../shared/capture-format.md gives for the real file.
    const { report } = await replayCapture(out, { speed: 'max', settings });
    const i = report.instruments.find((x) => x.symbol === symbol)!;
    expect([i.sequenceGaps, i.resyncs, i.checksumChecks, i.bookValid]).toEqual([0, 0, 0, true]);
  });
});
