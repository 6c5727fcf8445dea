import { mkdtempSync, writeFileSync } from 'node:fs';
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
import { REAL, realRecording, repoRoot } from '../support/shared-data';
import { binanceToTardis, INCREMENTAL_HEADER, micros, okxToTardis } from './real-to-tardis';

// Rows the documented columns do not allow are counted and named with their
// first examples; a refused row of a book breaks that book (a gap on replay,
// the book invalid until its next snapshot); the other datasets reach the
// pipeline as quotes, top-N books and reference prices.

let settings: PipelineSettings;
let dir: string;
let spot: RawFrame[];
let nkn: string[];
let n = 0;

beforeAll(async () => {
  settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
  dir = mkdtempSync(join(tmpdir(), 'tardis-rows-'));
  spot = await readCaptureFrames(realRecording(REAL.binanceSpot));
  nkn = binanceToTardis(spot, 'binance', ['NKNUSDT']);
});

function csv(header: string, rows: readonly string[], gzip = false): string {
  const path = join(dir, `f${++n}.csv${gzip ? '.gz' : ''}`);
  const text = `${header}\n${rows.join('\n')}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

const out = (): string => join(dir, `c${++n}.jsonl`);

describe('refused Tardis rows', () => {
  it('counts a bad side, a NaN price, a time going back and a short row by name, with file:line, and breaks the book at the first', async () => {
    const rows = [...nkn];
    const snapshotEnd = rows.findIndex((r, k) => k > 0 && r.includes(',false,'));
    const at = Math.floor((snapshotEnd + rows.length) / 2);
    expect(rows[at - 1]).toContain(',false,');
    // Lines in the file: header is line 1, rows[i] is line i + 2.
    const cut = rows[at]!.split(',');
    const earlier = rows[at - 1]!.split(',');
    rows.splice(at, 0, [...cut.slice(0, 5), 'buy', ...cut.slice(6)].join(','));
    rows.splice(at + 5, 0, [...cut.slice(0, 6), 'NaN', cut[7]].join(','));
    rows.splice(at + 10, 0, [...earlier.slice(0, 3), String(Number(earlier[3]) - 5_000_000), ...earlier.slice(4)].join(','));
    rows.splice(at + 15, 0, cut.slice(0, 6).join(','));
    const file = csv(INCREMENTAL_HEADER, rows);
    const capture = out();
    const summary = await importFiles({ files: [file], out: capture });
    const reasons = Object.fromEntries(summary.rejected.map((r) => [r.reason, r]));
    expect(reasons.bad_side?.count).toBe(1);
    expect(reasons.bad_side?.examples[0]).toMatchObject({ file: 'f1.csv', line: at + 2 });
    expect(reasons.bad_side?.examples[0]?.detail).toContain('side "buy" is neither bid nor ask');
    expect(reasons.bad_price?.count).toBe(1);
    expect(reasons.bad_price?.examples[0]).toMatchObject({ line: at + 7 });
    expect(reasons.unsorted_time?.count).toBe(1);
    expect(reasons.unsorted_time?.examples[0]).toMatchObject({ line: at + 12 });
    expect(reasons.wrong_column_count?.count).toBe(1);
    expect(reasons.wrong_column_count?.examples[0]).toMatchObject({ line: at + 17 });
    // The first refusal broke the book; the later ones found it broken already (no snapshot came between).
    const book = summary.books[0]!;
    expect(book.breaks).toBe(1);
    expect(summary.skipped.find((s) => s.reason === 'book_waiting_for_snapshot')!.count).toBeGreaterThan(0);
    const { report } = await replayCapture(capture, { speed: 'max', settings });
    const i = report.instruments.find((x) => x.symbol === 'NKNUSDT')!;
    expect([i.sequenceGaps, i.bookValid]).toEqual([1, false]);
  });

  it('refuses every row of a file whose header lacks a documented column, and writes no frame', async () => {
    const header = INCREMENTAL_HEADER.replace(',side', '');
    const rows = nkn.slice(0, 50).map((r) => { const f = r.split(','); f.splice(5, 1); return f.join(','); });
    const summary = await importFiles({ files: [csv(header, rows)], out: out() });
    expect(summary.rejected).toEqual([{ reason: 'missing_column', count: 50, examples: expect.arrayContaining([expect.objectContaining({ line: 2, detail: 'the header has no side' })]) }]);
    expect(summary.framesWritten).toBe(0);
  });

  it('names an exchange the console does not speak, skips updates before the first snapshot, and survives a corrupt gzip beside a good file', async () => {
    const firstSnapshot = nkn.findIndex((r) => r.includes(',true,'));
    const orphan = nkn[firstSnapshot + 1]!.replace(',true,', ',false,');
    const good = csv(INCREMENTAL_HEADER, [orphan, ...nkn.slice(firstSnapshot)].slice(0, 2000), true);
    const delivery = csv(INCREMENTAL_HEADER, ['deribit,BTC-PERPETUAL,1,2,true,bid,100,1']);
    const corrupt = join(dir, 'corrupt.csv.gz');
    const whole = gzipSync(`${INCREMENTAL_HEADER}\n${nkn.slice(0, 3000).join('\n')}\n`);
    writeFileSync(corrupt, Buffer.concat([whole.subarray(0, whole.length / 2), Buffer.from('not gzip at all')]));
    const summary = await importFiles({ files: [good, delivery, corrupt], out: out() });
    const reasons = Object.fromEntries(summary.rejected.map((r) => [r.reason, r]));
    expect(reasons.unsupported_exchange?.examples[0]?.detail).toContain('"deribit"');
    expect(reasons.unreadable_file?.examples[0]?.detail).toContain('corrupt.csv.gz');
    expect(summary.files[2]!.error).toMatch(/gzip/);
    expect(summary.skipped.find((s) => s.reason === 'before_first_snapshot')?.count).toBe(1);
    expect(summary.framesWritten).toBeGreaterThan(10);
  });
});

/** An independent top-N book over incremental rows (exchange strings), for book_snapshot_N files. */
function topSnapshots(rows: readonly string[], depth: number): string[] {
  const bids = new Map<string, string>();
  const asks = new Map<string, string>();
  const out: string[] = [];
  let lastWasSnapshot = false;
  const emit = (head: string[]): void => {
    const side = (m: Map<string, string>, dir: number) => [...m.entries()].sort((a, b) => dir * (Number(a[0]) - Number(b[0]))).slice(0, depth);
    const cells = (list: [string, string][]) => Array.from({ length: depth }, (_, k) => (list[k] ? `${list[k]![0]},${list[k]![1]}` : ','));
    out.push([...head, ...cells(side(asks, 1)), ...cells(side(bids, -1))].join(','));
  };
  for (let i = 0; i < rows.length; i++) {
    const f = rows[i]!.split(',');
    const snapshot = f[4] === 'true';
    if (snapshot && !lastWasSnapshot) {
      bids.clear();
      asks.clear();
    }
    lastWasSnapshot = snapshot;
    const book = f[5] === 'bid' ? bids : asks;
    if (Number(f[7]) === 0) book.delete(f[6]!);
    else book.set(f[6]!, f[7]!);
    const next = rows[i + 1]?.split(',');
    // One snapshot row per message (rows sharing a local_timestamp).
    if (!next || next[3] !== f[3]) emit(f.slice(0, 4));
  }
  return out;
}

const snapshotHeader = (depth: number): string =>
  ['exchange,symbol,timestamp,local_timestamp', ...['asks', 'bids'].flatMap((s) => Array.from({ length: depth }, (_, k) => `${s}[${k}].price,${s}[${k}].amount`))].join(',');

describe('several Tardis files', () => {
  it('a book split over two files (given in either order) is one book: its updates chain across the files', async () => {
    let cut = Math.floor(nkn.length * 0.6);
    while (nkn[cut]!.split(',')[3] === nkn[cut - 1]!.split(',')[3]) cut++;
    const first = csv(INCREMENTAL_HEADER, nkn.slice(0, cut), true);
    const second = csv(INCREMENTAL_HEADER, nkn.slice(cut));
    const capture = out();
    const summary = await importFiles({ files: [second, first], out: capture });
    expect(summary.rejectedRows).toBe(0);
    expect(summary.skipped).toEqual([]);
    const imported = (await replayCapture(capture, { speed: 'max', settings })).report.instruments.find((i) => i.symbol === 'NKNUSDT')!;
    const original = (await replayCapture(realRecording(REAL.binanceSpot), { speed: 'max', settings })).report.instruments.find((i) => i.symbol === 'NKNUSDT')!;
    expect([imported.bestBid, imported.bestAsk, imported.bidLevels, imported.askLevels, imported.sequenceGaps, imported.bookValid]).toEqual([original.bestBid, original.bestAsk, original.bidLevels, original.askLevels, 0, true]);
  });
});

describe('other Tardis datasets', () => {
  it('book_snapshot_25: each row replaces the book with its 25 levels a side, the top of the full book', async () => {
    const okx = await readCaptureFrames(realRecording(REAL.okx));
    const rows = okxToTardis(okx, 'okex-swap');
    const capture = out();
    const summary = await importFiles({ files: [csv(snapshotHeader(25), topSnapshots(rows, 25), true)], out: capture });
    expect(summary.rejectedRows).toBe(0);
    const original = (await replayCapture(realRecording(REAL.okx), { speed: 'max', settings })).pipeline;
    const imported = (await replayCapture(capture, { speed: 'max', settings })).pipeline;
    const top = (p: typeof original, side: 'bid' | 'ask') => p.instrumentStates().find((s) => s.instrument.symbol === 'UNI-USD-SWAP')!.sync!.book.top(side, 1000).map((l) => [l.price, l.size]);
    expect(top(imported, 'bid')).toEqual(top(original, 'bid').slice(0, 25));
    expect(top(imported, 'ask')).toEqual(top(original, 'ask').slice(0, 25));
  });

  it('quotes: a bookTicker per row; alone they give the top-of-book figures, beside the book they check it without a drift', async () => {
    const header = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount';
    const quotes: string[] = [];
    let last: { b: string; a: string } | null = null;
    for (const frame of spot) {
      const m = JSON.parse(frame.kind === 'ws' ? frame.data : '{}') as { stream?: string; data?: { s: string; b: string; B: string; a: string; A: string } };
      if (!m.stream?.endsWith('@bookTicker') || m.data?.s !== 'NKNUSDT') continue;
      const d = m.data;
      // bookTicker has no exchange time: Tardis repeats local_timestamp in timestamp.
      quotes.push(`binance,NKNUSDT,${micros(frame.t)},${micros(frame.t)},${d.A},${d.a},${d.b},${d.B}`);
      last = { b: d.b, a: d.a };
    }
    expect(quotes.length).toBeGreaterThan(20);
    const alone = out();
    const s1 = await importFiles({ files: [csv(header, quotes)], out: alone });
    expect(s1.instruments).toEqual([{ venue: 'binance-spot', symbol: 'NKNUSDT', id: 'NKNUSDT' }]);
    const replayed = await replayCapture(alone, { speed: 'max', settings });
    const sample = replayed.pipeline.books.sample(replayed.stoppedAt!).find((x) => x.instrument.symbol === 'NKNUSDT')!;
    const mid = (Number(last!.a) + Number(last!.b)) / 2;
    expect(sample.values.spread_bps).toBeCloseTo(((Number(last!.a) - Number(last!.b)) / mid) * 1e4, 6);

    const both = out();
    await importFiles({ files: [csv(INCREMENTAL_HEADER, nkn), csv(header, quotes)], out: both });
    const r2 = (await replayCapture(both, { speed: 'max', settings })).report.instruments.find((i) => i.symbol === 'NKNUSDT')!;
    const r0 = (await replayCapture(realRecording(REAL.binanceSpot), { speed: 'max', settings })).report.instruments.find((i) => i.symbol === 'NKNUSDT')!;
    expect([r2.bestBid, r2.bestAsk, r2.bidLevels, r2.askLevels, r2.bookDrifts, r2.bookValid]).toEqual([r0.bestBid, r0.bestAsk, r0.bidLevels, r0.askLevels, 0, true]);
  });

  it('derivative_ticker: mark, index and funding reach the instrument; predicted funding, open interest and last price are not carried', async () => {
    const header = 'exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price';
    const t0 = 1_626_992_741_000_000;
    const rows = [
      `binance-futures,SUSHIUSDT,${t0 - 3000},${t0},1627027200000000,0.00010000,0.0002,123,7.61,7.6100,7.6150`,
      `binance-futures,SUSHIUSDT,${t0 + 997_000},${t0 + 1_000_000},1627027200000000,0.00012000,,,,7.6200,7.6250`,
      `binance-futures,SUSHIUSDT,${t0 + 1_997_000},${t0 + 2_000_000},,,,,,,`,
      `okex-swap,UNI-USD-SWAP,${t0 + 2_500_000},${t0 + 2_500_000},1627027200000000,-0.0003,,,,,5.14`,
      `binance-futures,SUSHIUSDT,${t0 + 3_000_000},${t0 + 3_000_000},,,,,,abc,7.6`,
    ];
    const capture = out();
    const summary = await importFiles({ files: [csv(header, rows)], out: capture });
    expect(summary.rejected.map((r) => [r.reason, r.count, r.examples[0]!.line])).toEqual([['bad_number', 1, 6]]);
    expect(summary.skipped.map((r) => [r.reason, r.count])).toEqual([['no_value_used', 1]]);
    const { pipeline } = await replayCapture(capture, { speed: 'max', settings });
    const sushi = pipeline.instrumentStates().find((s) => s.instrument.symbol === 'SUSHIUSDT')!;
    expect([sushi.markPrice, sushi.indexPrice, sushi.fundingRate, sushi.nextFundingTime]).toEqual([7.625, 7.62, 0.00012, 1_627_027_200_000]);
    const uni = pipeline.instrumentStates().find((s) => s.instrument.symbol === 'UNI-USD-SWAP')!;
    expect([uni.markPrice, uni.fundingRate, uni.nextFundingTime]).toEqual([5.14, -0.0003, 1_627_027_200_000]);
  });
});
