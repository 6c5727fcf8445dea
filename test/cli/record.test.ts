import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { RawFrame } from '../../src/engine/venues/venue';
import { cleanupTempDirs, copyShippedConfig, editConfigFile } from '../config/helpers';
import { startOkxLoop, type OkxLoop } from '../support/okx-loop-exchange';
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
    const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'src/cli/index.ts'), 'record', ...args], { cwd: repoRoot });
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
    expect((await record(['--venue', 'kraken', '--out', '/tmp/x.jsonl'])).stderr).toContain('--venue must be one of binance-spot, binance-usdm, okx');
    expect((await record(['--venue', 'okx'])).stderr).toContain('--out FILE is required');
    const bad = await record(['--venue', 'binance-spot', '--instruments', 'BTC-USDT-PERP', '--out', '/tmp/x.jsonl']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not enabled on binance-spot in instruments.yaml: BTC-USDT-PERP');
  }, 30_000);
});
