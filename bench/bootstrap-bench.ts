/**
 * Bootstrap at a whole market (issue 11, items 2 and 7): how long until
 * every book of ~2,500 simulated instruments is valid, within the venues'
 * real REST limits, which the simulator enforces (docs/bootstrap.md).
 *
 *   npx tsx bench/bootstrap-bench.ts [--extra-assets 620] [--diff-assets 200] [--wait 180]
 *   npm run bench -- bootstrap      (the same with its defaults)
 *
 * The simulator runs in a child process (this file with `--sim-child`), so
 * the engine's threads are the engine's alone and frames cross a real
 * loopback socket; the engine is what `surveil serve` runs (runConsole: a
 * feed worker per venue, the analytics worker, history, web server). The
 * `--diff-assets` most traded assets have full books (Binance diff depth +
 * REST snapshot, OKX books + REST), the rest partial streams (depth20,
 * books5), as a whole-market selection does for the long tail.
 *
 * Reported: seconds from engine start until 99 % and 100 % of the books are
 * valid; per venue the snapshots requested/failed (engine) and the weight
 * spent and 429/418 answers (simulator).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigDir } from '../src/engine/config/default-config-dir';
import { loadConfig } from '../src/engine/config/load-config';
import { runConsole } from '../src/engine/console/run-console';
import { simInstrumentsConfig, startSimServer, type SimServer } from '../src/engine/simulator';
import { SIM_VENUES } from '../src/engine/simulator/sim-instruments';
import type { Config } from '../src/shared/config';
import type { BenchModule, BenchResult } from './index';

export interface BootstrapOptions {
  readonly extraAssets: number;
  readonly diffAssets: number;
  readonly waitSeconds: number;
  readonly log: (line: string) => void;
}

/** What the simulator child reports each second: per venue, weight spent and requests refused. */
interface SimStats {
  readonly [venue: string]: { readonly spent: number; readonly throttled: number; readonly banned: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function simStats(sim: SimServer): SimStats {
  const out: Record<string, SimStats[string]> = {};
  for (const venue of SIM_VENUES) {
    const limits = sim.restLimits(venue);
    out[venue] = { spent: [...limits.spent.values()].reduce((a, b) => a + b, 0), ...limits.refused };
  }
  return out;
}

/** The child: a simulator on loopback, one JSON line with its URLs, then its REST figures every second. */
async function simChild(extraAssets: number): Promise<void> {
  const config = loadConfig(defaultConfigDir());
  // OKX as it runs since June 2026: no socket snapshot, books start from REST (so its 40 per 2 s is exercised).
  const sim = await startSimServer({ scenario: 'calm', okxProtocol: '2026', tickMs: 100, extraAssets, seed: 1, alerts: config.alerts, staleTimeoutMs: config.features.staleTimeoutSeconds * 1000 });
  process.stdout.write(`${JSON.stringify({ exchanges: sim.exchangesConfig(config.exchanges) })}\n`);
  const timer = setInterval(() => process.stdout.write(`${JSON.stringify({ stats: simStats(sim) })}\n`), 1_000);
  const stop = async () => {
    clearInterval(timer);
    await sim.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

async function startSimChild(extraAssets: number): Promise<{ child: ChildProcess; exchanges: Config['exchanges']; stats: () => SimStats | null }> {
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [import.meta.filename, '--sim-child', '--extra-assets', String(extraAssets)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let latest: SimStats | null = null;
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, end)) as { exchanges?: Config['exchanges']; stats?: SimStats };
        buffer = buffer.slice(end + 1);
        if (line.stats) latest = line.stats;
        if (line.exchanges) resolve({ child, exchanges: line.exchanges, stats: () => latest });
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator process exited (code ${code}) before it was up`)));
  });
}

export async function runBootstrap(options: BootstrapOptions): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-bootstrap-bench-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>bench</title>');
  const sim = await startSimChild(options.extraAssets);
  const instruments = simInstrumentsConfig(options.extraAssets, { diffAssets: options.diffAssets });
  const config: Config = { ...loadConfig(defaultConfigDir()), exchanges: sim.exchanges, instruments };
  const total = 8 + 4 * options.extraAssets;
  const started = Date.now();
  const running = await runConsole({ config, port: 0, rendererDir: join(dir, 'renderer'), db: join(dir, 'history.sqlite') });
  let at99: number | null = null;
  let atAll: number | null = null;
  let valid = 0;
  try {
    while (Date.now() - started < options.waitSeconds * 1000) {
      const snapshot = await running.service.snapshot();
      valid = snapshot.overview.filter((r) => r.health.bookValid).length;
      const elapsed = (Date.now() - started) / 1000;
      if (at99 === null && valid >= 0.99 * total) at99 = elapsed;
      if (valid >= total) {
        atAll = elapsed;
        break;
      }
      await sleep(250);
    }
    await sleep(1_200); // the simulator's next figures line
    const snapshot = await running.service.snapshot();
    const stats = sim.stats();
    const results: BenchResult[] = [];
    const note = `${total} instruments, ${options.diffAssets} assets full (${Math.min(options.diffAssets, 2 + options.extraAssets) * 4} books), rest partial`;
    options.log(`books valid: ${valid}/${total}; 99 % at ${at99?.toFixed(1) ?? '-'} s, all at ${atAll?.toFixed(1) ?? `not within ${options.waitSeconds} s`}`);
    results.push({ name: 'every book valid', ops: atAll ?? options.waitSeconds, seconds: 1, unit: 's from start', note: atAll === null ? `${valid}/${total} valid after ${options.waitSeconds} s; ${note}` : note });
    results.push({ name: '99 % of books valid', ops: at99 ?? options.waitSeconds, seconds: 1, unit: 's from start', note });
    for (const feed of snapshot.feeds) {
      const rows = snapshot.overview.filter((r) => r.key.startsWith(`${feed.venue}:`));
      const states = feed.connections.map((c) => c.state).reduce<Record<string, number>>((m, st) => ({ ...m, [st]: (m[st] ?? 0) + 1 }), {});
      const rest = feed.connections.find((c) => c.id.endsWith('-rest'));
      const troubled = feed.connections.find((c) => c.state !== 'connected' && !c.id.endsWith('-rest'));
      options.log(`${feed.venue}: ${rows.filter((r) => r.health.bookValid).length}/${rows.length} valid; connections ${JSON.stringify(states)}; REST last error ${rest?.lastError ?? 'none'}${troubled ? `; socket ${troubled.id}: ${troubled.lastError}` : ''}`);
      const s = stats?.[feed.venue];
      const line = `${feed.venue}: snapshots ${feed.snapshotsRequested} requested, ${feed.snapshotsFailed} failed; simulator: weight ${s?.spent ?? '?'}, 429 ${s?.throttled ?? '?'}, 418 ${s?.banned ?? '?'}`;
      options.log(line);
      results.push({ name: `${feed.venue} snapshots`, ops: feed.snapshotsRequested, seconds: 1, unit: 'requested', note: line });
    }
    return results;
  } finally {
    await running.stop();
    const exited = new Promise((resolve) => sim.child.once('exit', resolve));
    sim.child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- bootstrap`: minutes of wall time, so only when named. */
export const bootstrapBench: BenchModule = {
  name: 'bootstrap',
  group: 'bootstrap',
  run: () => runBootstrap({ extraAssets: 620, diffAssets: 200, waitSeconds: 180, log: (line) => process.stderr.write(`${line}\n`) }),
};

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: { 'sim-child': { type: 'boolean' }, 'extra-assets': { type: 'string' }, 'diff-assets': { type: 'string' }, wait: { type: 'string' } },
  });
  const extraAssets = Number(values['extra-assets'] ?? 620);
  if (values['sim-child']) await simChild(extraAssets);
  else {
    const results = await runBootstrap({
      extraAssets,
      diffAssets: Number(values['diff-assets'] ?? 200),
      waitSeconds: Number(values.wait ?? 180),
      log: (line) => console.log(line),
    });
    for (const r of results) console.log(`${r.name}: ${r.ops} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
    process.exit(0);
  }
}
