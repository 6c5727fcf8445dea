import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ENTRIES, readStamp, staleReason } from '../../scripts/cli-bundle.mjs';
import { loadConfig } from '../../src/engine/config';
import type { AnalyticsEvent } from '../../src/engine/workers/messages';
import { SHIPPED_CONFIG } from '../config/helpers';
import { repoRoot } from '../support/shared-data';

// The compiled CLI (what `npm run surveil`, `npm start` and `npm run demo`
// run): built into its own folder under out/, so the repository's config is
// found by walking up, as from out/cli, and the real out/cli is left alone.
let outDir: string;

beforeAll(async () => {
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  outDir = mkdtempSync(join(repoRoot, 'out', 'cli-test-'));
  await buildCli(repoRoot, outDir);
}, 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function runBundle(args: readonly string[]) {
  const result = spawnSync(process.execPath, [join(outDir, 'index.js'), ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, SURVEIL_DEBUG: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the compiled CLI', () => {
  it('builds every entry and records what it built', () => {
    expect(readStamp(outDir)?.entries).toEqual(ENTRIES);
    expect(staleReason(repoRoot, outDir)).toBeNull();
  });

  it('runs `--help` and `config check` with plain node, no TypeScript loader', () => {
    const help = runBundle(['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: surveil <command> \[options\]/);
    for (const command of ['config check', 'evaluate', 'explain', 'record', 'replay', 'serve', 'simulate', 'sync']) expect(help.stdout).toContain(`  ${command} `);
    const check = runBundle(['config', 'check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('BTC-USDT-PERP');
    const bad = runBundle(['config', 'check', '--config', join(outDir, 'no-such-dir')]);
    expect(bad.code).toBe(1);
  });

  it('starts a compiled engine worker, which answers and stops', async () => {
    const config = loadConfig(SHIPPED_CONFIG);
    const entry = new URL(`file://${join(outDir, 'analytics-worker.js')}`);
    const worker = new Worker(entry, { workerData: { entry: entry.href, data: { config, venues: [], dbPath: null } } });
    const stopped = new Promise<AnalyticsEvent>((resolve, reject) => {
      worker.on('message', (event: AnalyticsEvent) => event.type === 'stopped' && resolve(event));
      worker.once('error', reject);
    });
    worker.postMessage({ type: 'stop' });
    expect((await stopped).type).toBe('stopped');
    await new Promise((resolve) => worker.once('exit', resolve));
  });

  it('is stale when a worker is missing or a source is newer than the build', () => {
    const stamp = join(outDir, 'build-stamp.json');
    utimesSync(stamp, new Date(0), new Date(0));
    expect(staleReason(repoRoot, outDir)).toMatch(/changed since the build$/);
    utimesSync(stamp, new Date(), new Date(Date.now() + 60_000));
    expect(staleReason(repoRoot, outDir)).toBeNull();
    unlinkSync(join(outDir, 'feed-worker.js'));
    expect(staleReason(repoRoot, outDir)).toBe('feed-worker.js is missing');
    rmSync(stamp);
    expect(staleReason(repoRoot, outDir)).toBe('no build yet');
  });
});
