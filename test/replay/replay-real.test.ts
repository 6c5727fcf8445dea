import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { PipelineSettings } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { openCaptureWriter } from '../../src/engine/capture/capture-writer';
import type { ReplayReport, ReportInstrument } from '../../src/engine/replay/replay-report';
import { REAL, realRecording, repoRoot } from '../support/shared-data';

let settings: PipelineSettings;
const reports: Record<keyof typeof REAL, ReplayReport> = {} as never;

function instrument(report: ReplayReport, symbol: string): ReportInstrument {
  const found = report.instruments.find((i) => i.symbol === symbol);
  if (!found) throw new Error(`${symbol} not in report`);
  return found;
}

beforeAll(async () => {
  settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
  for (const key of Object.keys(REAL) as (keyof typeof REAL)[]) {
    reports[key] = (await replayCapture(realRecording(REAL[key]), { speed: 'max', settings })).report;
  }
});

describe('replay of the real recordings (../shared/capture-format.md)', () => {
  it.each([
    ['binanceSpot', 'NKNUSDT', '0.35270000', '0.35310000', 614, 994],
    ['binanceUsdm', 'SUSHIUSDT', '7.6120', '7.6160', 1006, 1000],
    ['binanceUsdm', 'AKROUSDT', '0.01734', '0.01735', 613, 761],
    ['okx', 'UNI-USD-SWAP', '5.137', '5.145', 125, 118],
  ] as const)('%s %s ends at %s / %s with %i / %i levels and no gap', (file, symbol, bid, ask, bids, asks) => {
    const i = instrument(reports[file], symbol);
    expect([i.bestBid, i.bestAsk, i.bidLevels, i.askLevels]).toEqual([bid, ask, bids, asks]);
    expect(i.sequenceGaps).toBe(0);
    expect(i.resyncs).toBe(0);
    expect(i.bookValid).toBe(true);
    expect(i.metadata).toBe('venue');
  });

  it('verifies all 93 OKX checksums with no failure', () => {
    const uni = instrument(reports.okx, 'UNI-USD-SWAP');
    expect([uni.checksumChecks, uni.checksumFailures]).toEqual([93, 0]);
  });

  it('paces a replay at a wall-clock multiple and yields the same books as at max speed', async () => {
    // The OKX file spans 12.9 s of frames: at x20 that is at least 645 ms of wall time.
    const started = performance.now();
    const { report } = await replayCapture(realRecording(REAL.okx), { speed: 20, settings });
    expect(performance.now() - started).toBeGreaterThan(600);
    expect(report.instruments).toEqual(reports.okx.instruments);
  });

  it('agrees with the venue bookTicker at every comparable update id (book-top cross-check)', () => {
    // bookTicker `u` shares the diff depth id space: the top as of book id L is the latest quote with u <= L.
    expect(reports.binanceSpot.venues).toMatchObject([{ venue: 'binance-spot', driftChecks: 51, driftMismatches: 0, bookDrifts: 0 }]);
    expect(reports.binanceUsdm.venues).toMatchObject([{ venue: 'binance-usdm', driftChecks: 142, driftMismatches: 0, bookDrifts: 0 }]);
    expect([instrument(reports.binanceSpot, 'NKNUSDT').driftChecks, instrument(reports.binanceUsdm, 'SUSHIUSDT').driftChecks]).toEqual([42, 102]);
    // The OKX file has a single tickers push, before its book: nothing to compare.
    expect(instrument(reports.okx, 'UNI-USD-SWAP')).toMatchObject({ driftChecks: 0, driftMismatches: 0, bookDrifts: 0 });
  });

  it('rejects nothing in the real files', () => {
    for (const report of Object.values(reports)) expect(report.rejected).toEqual({});
  });

  it('NKNUSDT (spot): spread and depth within 10 bps by hand', () => {
    const i = instrument(reports.binanceSpot, 'NKNUSDT');
    // mid = (0.3527 + 0.3531) / 2 = 0.3529; spread 0.0004 / 0.3529 * 1e4 = 11.33465 bps
    expect(i.spreadBps).toBeCloseTo(11.33465, 4);
    // bid band >= 0.3529 * 0.999 = 0.3525471: 0.3527 x 9602 + 0.3526 x 2829 = 3386.6254 + 997.5054
    expect(i.depthBid10bps).toBeCloseTo(4384.1308, 6);
    // ask band <= 0.3529 * 1.001 = 0.3532529: 0.3531 x 152 + 0.3532 x 949 = 53.6712 + 335.1868
    expect(i.depthAsk10bps).toBeCloseTo(388.858, 6);
    expect(i.depthCovered10bps).toEqual({ bid: true, ask: true });
  });

  it('SUSHIUSDT (USD-M linear, 1 SUSHI a contract): spread and depth within 10 bps by hand', () => {
    const i = instrument(reports.binanceUsdm, 'SUSHIUSDT');
    // mid = 7.614; spread 0.004 / 7.614 * 1e4 = 5.25348 bps
    expect(i.spreadBps).toBeCloseTo(5.25348, 4);
    // bids >= 7.606386: 7.612x303 + 7.611x105 + 7.610x178 + 7.609x294 + 7.608x1421 + 7.607x1792
    //   = 2306.436 + 799.155 + 1354.58 + 2237.046 + 10810.968 + 13631.744
    expect(i.depthBid10bps).toBeCloseTo(31139.929, 5);
    // asks <= 7.621614: 7.616x267 + 7.617x261 + 7.618x1133 + 7.619x1038 + 7.620x2662 + 7.621x1722
    //   = 2033.472 + 1988.037 + 8631.194 + 7908.522 + 20284.44 + 13123.362
    expect(i.depthAsk10bps).toBeCloseTo(53969.027, 5);
  });

  it('UNI-USD-SWAP (OKX inverse, 10 USD a contract): spread and depth within 10 bps by hand', () => {
    const i = instrument(reports.okx, 'UNI-USD-SWAP');
    // mid = (5.137 + 5.145) / 2 = 5.141; spread 0.008 / 5.141 * 1e4 = 15.56117 bps
    expect(i.spreadBps).toBeCloseTo(15.56117, 4);
    // bids >= 5.135859: 5.137 x 20 + 5.136 x 452 contracts = 472 x 10 USD
    expect(i.depthBid10bps).toBeCloseTo(4720, 9);
    // asks <= 5.146141: 5.145 x 50 contracts = 500 USD
    expect(i.depthAsk10bps).toBeCloseTo(500, 9);
  });

  it('fires the depth rule of the default profile on these thin books, with the values that caused it', () => {
    const akro = instrument(reports.binanceUsdm, 'AKROUSDT');
    expect(akro.alerts.map((a) => [a.metric, a.severity])).toEqual([['depth_10bps', 'critical']]);
    expect(akro.alerts[0]!.value).toBeLessThan(20_000);
    // Dual-condition rules cannot fire within 31 s: the z-scores are still warming up.
    expect(reports.binanceUsdm.alerts.every((a) => a.metric === 'depth_10bps')).toBe(true);
  });
});

/** Writes a capture made from a real one with `edit` applied to its frame lines. */
function editedCapture(name: string, edit: (lines: string[]) => string[], gzip = false): string {
  const lines = readFileSync(realRecording(name), 'utf8').trimEnd().split('\n');
  const out = [lines[0]!, ...edit(lines.slice(1))].join('\n') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'surveil-replay-'));
  const path = join(dir, gzip ? 'capture.jsonl.gz' : 'capture.jsonl');
  writeFileSync(path, gzip ? gzipSync(out) : out);
  return path;
}

describe('replay of damaged recordings', () => {
  it('sees a sequence gap when one diff frame is dropped, marks the book invalid and does not crash', async () => {
    let diffs = 0;
    const path = editedCapture(REAL.binanceUsdm, (lines) =>
      lines.filter((line) => !(line.includes('"stream\\":\\"sushiusdt@depth@100ms') && ++diffs === 100)),
    );
    const { report } = await replayCapture(path, { speed: 'max', settings });
    const sushi = instrument(report, 'SUSHIUSDT');
    expect(sushi.sequenceGaps).toBe(1);
    expect(sushi.bookValid).toBe(false);
    expect(instrument(report, 'AKROUSDT')).toMatchObject({ sequenceGaps: 0, bookValid: true });
  });

  it('sees a checksum failure when one OKX size is altered', async () => {
    let updates = 0;
    const path = editedCapture(REAL.okx, (lines) =>
      lines.map((line) => {
        if (!line.includes('\\"action\\":\\"update\\"') || ++updates !== 40) return line;
        // Change the first size of the first ask level of the 40th update.
        return line.replace(/(\\"asks\\":\[\[\\"[0-9.]+\\",\\")([0-9]+)/, (_m, head: string, size: string) => `${head}${Number(size) + 7}`);
      }),
    );
    const { report } = await replayCapture(path, { speed: 'max', settings });
    const uni = instrument(report, 'UNI-USD-SWAP');
    expect(uni.checksumFailures).toBe(1);
    expect(uni.checksumChecks).toBeLessThan(93);
    expect(uni.bookValid).toBe(false);
  });

  it('sees the book disagree with bookTicker when the quoted best-bid size is altered: mismatches, one sustained drift, the book forced to resync', async () => {
    let tickers = 0;
    const path = editedCapture(REAL.binanceUsdm, (lines) =>
      lines.map((line) => {
        if (!line.includes('\\"stream\\":\\"sushiusdt@bookTicker') || ++tickers < 30) return line;
        return line.replace(/(\\"B\\":\\")([0-9]+)/, (_m, head: string, size: string) => `${head}${Number(size) + 1000}`);
      }),
    );
    const kinds: string[] = [];
    const { report } = await replayCapture(path, { speed: 'max', settings, listener: { onSyncEvent: (key, kind) => key === 'binance-usdm:SUSHIUSDT' && kinds.push(kind) } });
    const sushi = instrument(report, 'SUSHIUSDT');
    expect(sushi.driftMismatches).toBeGreaterThanOrEqual(3);
    expect(sushi.bookDrifts).toBe(1);
    expect(kinds).toEqual(['book_drift']);
    // Forgotten and waiting for a snapshot the recording does not hold: invalid, never a wrong book shown as valid.
    expect(sushi.bookValid).toBe(false);
    expect(sushi.sequenceGaps).toBe(0);
    expect(instrument(report, 'AKROUSDT')).toMatchObject({ driftMismatches: 0, bookDrifts: 0, bookValid: true });
    expect(report.venues).toMatchObject([{ venue: 'binance-usdm', bookDrifts: 1, sequenceGaps: 0 }]);
  });

  it('marks a venue stale once when it goes silent past the stale timeout', async () => {
    // Shift every frame after the 50th by 20 s: a 20 s silence in the middle of the OKX recording.
    const path = editedCapture(REAL.okx, (lines) =>
      lines.map((line, i) => {
        if (i < 50) return line;
        const frame = JSON.parse(line) as { t: number };
        return JSON.stringify({ ...frame, t: frame.t + 20_000 });
      }),
    );
    const { report } = await replayCapture(path, { speed: 'max', settings });
    const quiet = { driftChecks: 0, driftMismatches: 0, bookDrifts: 0, deepChecks: 0, deepMismatches: 0, deepUnverified: 0 };
    expect(report.venues).toEqual([{ venue: 'okx', staleEpisodes: 1, sequenceGaps: 0, checksumFailures: 0, resyncs: 0, ...quiet }]);
    expect(reports.okx.venues).toEqual([{ venue: 'okx', staleEpisodes: 0, sequenceGaps: 0, checksumFailures: 0, resyncs: 0, ...quiet }]);
  });

  it('replays a recording rotated into parts as one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'surveil-parts-'));
    const path = join(dir, 'okx.jsonl.gz');
    const writer = await openCaptureWriter({ path, rotateBytes: 40_000, header: { venue: 'okx' } });
    for (const frame of await readCaptureFrames(realRecording(REAL.okx))) writer.write(frame);
    await writer.close();
    expect(writer.stats().files.length).toBeGreaterThan(3);
    const { report } = await replayCapture(path, { speed: 'max', settings });
    expect(report.frames).toBe(reports.okx.frames);
    expect(report.instruments).toEqual(reports.okx.instruments);
  });

  it('reads gzip captures by content and reports the same books', async () => {
    const path = editedCapture(REAL.okx, (lines) => lines, true);
    const { report } = await replayCapture(path, { speed: 'max', settings });
    expect(instrument(report, 'UNI-USD-SWAP')).toMatchObject({ bestBid: '5.137', bestAsk: '5.145', checksumFailures: 0 });
  });

  it('counts malformed frames by reason and carries on', async () => {
    const path = editedCapture(REAL.okx, (lines) => {
      const frame = (data: string) => JSON.stringify({ t: 1652459230000, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data });
      const at = 50;
      return [
        ...lines.slice(0, at),
        frame('{not json'),
        frame('{"arg":{"channel":"books","instId":"UNI-USD-SWAP"},"action":"update","data":[{"asks":[["5.2","NaN","0","1"]],"bids":[],"ts":"1652459230000","checksum":1}]}'),
        ...lines.slice(at),
      ];
    });
    const { report } = await replayCapture(path, { speed: 'max', settings });
    expect(report.rejected).toEqual({ bad_json: 1, bad_number: 1 });
    // The refused update was UNI-USD-SWAP's: its book missed it, so it is thrown away and stays
    // invalid until a snapshot (the recording has no later one), never valid with a stale top.
    expect(instrument(report, 'UNI-USD-SWAP')).toMatchObject({ bookValid: false, bestBid: null, bestAsk: null, checksumFailures: 0 });
  });
});
