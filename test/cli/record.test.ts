import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { RECORDING_GZIP_MEMBER_BYTES } from '../../src/engine/capture/capture-writer';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, SHIPPED_CONFIG } from '../config/helpers';
import { startOkxLoop, type OkxLoop } from '../support/okx-loop-exchange';
import { startSimServer } from '../../src/engine/simulator';
import { surveilCommand } from '../support/cli';
import { REAL, realRecording, repoRoot } from '../support/shared-data';

let okxFrames: RawFrame[];
let loop: OkxLoop | null = null;
beforeAll(async () => {
  okxFrames = await readCaptureFrames(realRecording(REAL.okx));
});
afterEach(async () => {
  await loop?.close();
  loop = null;
  cleanupTempDirs();
});

/** The shipped config with OKX pointed at the loopback exchange and UNI-USD-PERP listed on it. */
function configFor(port: number): string {
  const dir = copyShippedConfig();
  editConfigFile(dir, 'exchanges.yaml', 'wss://ws.okx.com:8443/ws/v5/public', `ws://127.0.0.1:${port}/ws/v5/public`);
  editConfigFile(dir, 'exchanges.yaml', 'https://www.okx.com', `http://127.0.0.1:${port}`);
  const instruments = join(dir, 'instruments.yaml');
  writeFileSync(
    instruments,
    `${readFileSync(instruments, 'utf8')}
UNI-USD-PERP:
  type: perpetual
  base: UNI
  quote: USD
  enabled: true
  venues:
    okx: { symbol: UNI-USD-SWAP, index: UNI-USD }
`,
  );
  return dir;
}

/** Runs `surveil record` as the npm script does; resolves with its exit code and output. */
function record(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(...surveilCommand(['record', ...args]), { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('surveil record', () => {
  it('records a live feed into a gzip capture that replays to the same book', async () => {
    loop = await startOkxLoop(okxFrames);
    const config = configFor(loop.exchange.port);
    const out = join(config, '..', 'uni.jsonl.gz');
    const run = await record(['--venue', 'okx', '--instruments', 'UNI-USD-PERP', '--out', out, '--duration', '4', '--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/recorded \d+ frames/);
    // Written in 16 MB gzip members, which the header says (docs/seek.md; test/capture/recording-members.test.ts).
    const text = gunzipSync(readFileSync(out));
    expect(JSON.parse(text.subarray(0, text.indexOf(10)).toString())).toMatchObject({ capture: 1, source: 'recorded', gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES });

    const frames = await readCaptureFrames(out);
    expect(frames.some((f) => f.kind === 'rest' && f.url.includes('/api/v5/public/instruments'))).toBe(true);
    expect(frames.filter((f) => f.kind === 'ws').length).toBeGreaterThan(50);
    expect(new Set(frames.map((f) => f.venue))).toEqual(new Set(['okx']));
    expect(frames.every((f) => f.kind === 'rest' || typeof f.conn === 'string')).toBe(true);

    const { report } = await replayCapture(out, { speed: 'max', settings: pipelineSettingsFrom(loadConfig(config)) });
    const uni = report.instruments.find((i) => i.symbol === 'UNI-USD-SWAP')!;
    expect(uni).toMatchObject({ id: 'UNI-USD-PERP', metadata: 'venue', sequenceGaps: 0, checksumFailures: 0, bookValid: true });
    expect(uni.checksumChecks).toBeGreaterThan(50);
    expect(report.rejected).toEqual({});
  }, 30_000);

  it('refuses an unknown venue, a missing --out and an instrument not on the venue', async () => {
    expect((await record(['--venue', 'kraken', '--out', '/tmp/x.jsonl'])).stderr).toContain('--venue must be one or more of binance-spot, binance-usdm, okx');
    expect((await record(['--venue', 'okx'])).stderr).toContain('--out FILE is required');
    const bad = await record(['--venue', 'binance-spot', '--instruments', 'BTC-USDT-PERP', '--out', '/tmp/x.jsonl']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not enabled on binance-spot in instruments.yaml: BTC-USDT-PERP');
  }, 30_000);

  it('records two venues into one capture, so perp vs spot basis replays', async () => {
    const sim = await startSimServer({ scenario: 'calm', seed: 2 });
    try {
      const ex = sim.exchangesConfig(loadConfig(SHIPPED_CONFIG).exchanges);
      const dir = copyShippedConfig();
      const path = join(dir, 'exchanges.yaml');
      const urls: [string, string][] = [
        ['wss://stream.binance.com:9443', ex.binance.spot.websocketUrl],
        ['https://api.binance.com', ex.binance.spot.restUrl],
        ['wss://fstream.binance.com/public', ex.binance.futures.websocketPublicUrl],
        ['wss://fstream.binance.com/market', ex.binance.futures.websocketMarketUrl],
        ['https://fapi.binance.com', ex.binance.futures.restUrl],
      ];
      let text = readFileSync(path, 'utf8');
      for (const [from, to] of urls) text = text.replace(`: ${from}`, `: ${to}`);
      writeFileSync(path, text);
      const out = join(dir, '..', 'btc.jsonl');
      const run = await record(['--venue', 'binance-usdm,binance-spot', '--instruments', 'BTC-USDT-PERP,BTC-USDT-SPOT', '--out', out, '--duration', '4', '--config', dir]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const frames = await readCaptureFrames(out);
      expect(new Set(frames.map((f) => f.venue))).toEqual(new Set(['binance-usdm', 'binance-spot']));
      // The perp's samples carry a basis against the spot book of the same exchange.
      let basis: number | undefined;
      const { report } = await replayCapture(out, {
        speed: 'max',
        settings: pipelineSettingsFrom(loadConfig(dir)),
        listener: {
          onEvaluation: (e) => {
            if (e.sample.key === 'binance-usdm:BTCUSDT') basis = e.sample.values.basis_perp_spot_bps ?? basis;
          },
        },
      });
      expect(report.instruments.map((i) => `${i.venue}:${i.id}`).sort()).toEqual(['binance-spot:BTC-USDT-SPOT', 'binance-usdm:BTC-USDT-PERP']);
      expect(report.instruments.every((i) => i.bookValid && i.sequenceGaps === 0)).toBe(true);
      expect(report.alerts).toEqual([]);
      expect(basis).toBeDefined();
      expect(Math.abs(basis!)).toBeLessThan(10);
    } finally {
      await sim.close();
    }
  }, 40_000);
});
