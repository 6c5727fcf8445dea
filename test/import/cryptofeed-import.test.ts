import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config/load-config';
import { importFiles } from '../../src/engine/import/import-files';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { PipelineSettings } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { REAL, RECORDINGS, realRecording, repoRoot } from '../support/shared-data';

// cryptofeed's raw data collection layout (cryptofeed/raw_data_collection.py,
// AsyncFileCallback; the repository's sample_data/), written here from the
// real frames of ../shared/data/real: one file per connection, `<url> <-> <s>`
// when a socket opens, `<s>: <text>` per message received, `<url> -> <s>:
// <body>` per HTTP response, times in seconds.

let settings: PipelineSettings;
let root: string;
let n = 0;

beforeAll(() => {
  settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
  root = mkdtempSync(join(tmpdir(), 'cryptofeed-import-'));
});

/** ms -> cryptofeed's seconds, digit for digit. */
function seconds(t: number): string {
  const [int, frac = ''] = String(t).split('.');
  return `${int!.slice(0, -3)}.${int!.slice(-3)}${frac}`;
}

interface LogFiles {
  readonly dir: string;
  readonly files: string[];
  /** Lines of the websocket files, by URL, to tamper with. */
  readonly ws: Map<string, string[]>;
}

/** Writes a capture's frames as cryptofeed would have logged them. */
function writeLogs(frames: readonly RawFrame[], feed: string, tamper?: (ws: Map<string, string[]>) => void, gzip = false): LogFiles {
  const dir = join(root, `logs${++n}`);
  mkdirSync(dir);
  const meta = ['configuration: {"l2_book":["X"],"ticker":["X"]}'];
  const http: string[] = [];
  const ws = new Map<string, string[]>();
  for (const frame of frames) {
    if (frame.kind === 'rest') {
      (/exchangeInfo|public\/instruments/.test(frame.url) ? meta : http).push(`${frame.url} -> ${seconds(frame.t)}: ${frame.data}`);
      continue;
    }
    let lines = ws.get(frame.url);
    if (!lines) {
      ws.set(frame.url, (lines = [`${frame.url} <-> ${seconds(frame.t - 500)}`, `${frame.url} <- ${seconds(frame.t - 400)}: {"method":"SUBSCRIBE","id":1}`]));
    }
    lines.push(`${seconds(frame.t)}: ${frame.data}`);
  }
  tamper?.(ws);
  const files: string[] = [];
  const put = (name: string, lines: readonly string[]): void => {
    const path = join(dir, gzip ? `${name}.gz` : name);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path, gzip ? gzipSync(text) : text);
    files.push(path);
  };
  put(`${feed}.0`, meta);
  if (http.length > 0) put(`${feed}.http.0.0`, http);
  [...ws.values()].forEach((lines, i) => put(`${feed}.ws.${i + 1}.0`, lines));
  return { dir, files, ws };
}

describe('cryptofeed raw logs import as the venue frames they are', () => {
  it.each([
    ['binanceSpot', 'BINANCE', false],
    ['binanceUsdm', 'BINANCE_FUTURES', true],
    ['okx', 'OKX', false],
    ['binanceCoinm', 'BINANCE_DELIVERY', true],
  ] as const)('%s (%s logs, gzip %s) replays to the same report as the original capture', async (key, feed, gzip) => {
    const frames = await readCaptureFrames(realRecording(RECORDINGS[key]));
    const logs = writeLogs(frames, feed, undefined, gzip);
    const out = join(root, `${key}.jsonl.gz`);
    const summary = await importFiles({ files: logs.files, out });
    expect(summary.rejected).toEqual([]);
    expect(summary.framesWritten).toBe(frames.length);
    const original = (await replayCapture(realRecording(RECORDINGS[key]), { speed: 'max', settings })).report;
    const imported = (await replayCapture(out, { speed: 'max', settings })).report;
    expect(imported.frames).toBe(original.frames);
    expect(imported.instruments).toEqual(original.instruments);
    expect(imported.rejected).toEqual(original.rejected);
    const imp = await readCaptureFrames(out);
    expect(imp.map((f) => [f.t, f.venue, f.kind, f.url, f.data])).toEqual(frames.map((f) => [f.t, f.venue, f.kind, f.url, f.data]));
  });

  it('names lines the layout does not allow; a depth message refused for its time is a gap the Binance sync sees', async () => {
    const frames = await readCaptureFrames(realRecording(REAL.binanceSpot));
    const logs = writeLogs(frames, 'BINANCE', (ws) => {
      const lines = [...ws.values()][0]!;
      // A depth update of NKNUSDT well after its REST snapshot, logged with a time before the line above it.
      const k = lines.findIndex((l, i) => i > 60 && l.includes('"nknusdt@depth@100ms"'));
      const [time, ...rest] = lines[k]!.split(': ');
      lines[k] = [`${Number(time) - 10}`, ...rest].join(': ');
      lines.splice(k + 1, 0, 'this is not a log line', `${lines[k + 1]!.split(': ')[0]}: b'x\\x9c\\xab'`, 'not-a-time: {}');
    });
    const summary = await importFiles({ files: logs.files, out: join(root, 'tampered.jsonl') });
    const reasons = Object.fromEntries(summary.rejected.map((r) => [r.reason, r.count]));
    expect(reasons).toEqual({ unsorted_time: 1, not_a_log_line: 2, binary_message: 1 });
    const example = summary.rejected.find((r) => r.reason === 'unsorted_time')!.examples[0]!;
    expect(example.file).toBe('BINANCE.ws.1.0');
    expect(example.line).toBeGreaterThan(60);
    const { report } = await replayCapture(join(root, 'tampered.jsonl'), { speed: 'max', settings });
    const nkn = report.instruments.find((i) => i.symbol === 'NKNUSDT')!;
    expect(nkn.sequenceGaps).toBe(1);
    expect(nkn.bookValid).toBe(false);
  });

  it('refuses the frames of a venue the console does not replay (Deribit) instead of writing a capture replay would stop on', async () => {
    const t0 = Date.UTC(2021, 6, 22) + 0.25;
    const frames: RawFrame[] = Array.from({ length: 20 }, (_, i) => ({
      t: t0 + i * 100,
      venue: 'deribit',
      kind: 'ws',
      url: 'wss://www.deribit.com/ws/api/v2',
      data: `{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"change_id":${i}}}}`,
    }));
    const logs = writeLogs(frames, 'DERIBIT');
    const out = join(root, 'deribit.jsonl');
    const summary = await importFiles({ files: logs.files, out });
    expect(summary.rejected.map((r) => r.reason)).toEqual(['venue_not_spoken']);
    expect(summary.framesWritten).toBe(0);
    await expect(replayCapture(out, { speed: 'max', settings })).resolves.toBeDefined();
  });
});
