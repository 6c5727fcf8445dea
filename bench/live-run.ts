/**
 * The live engine as `surveil serve` runs it (feed workers, analytics worker,
 * history, web console) on the whole simulated market, the simulator in its
 * own process on loopback (sim-process.ts), for the live benches
 * (live-latency-bench.ts, soak-bench.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigDir } from '../src/engine/config/default-config-dir';
import { loadConfig } from '../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../src/engine/console/run-console';
import type { SimLabels } from '../src/engine/simulator';
import { simInstruments, simInstrumentsConfig } from '../src/engine/simulator/sim-instruments';
import type { Config } from '../src/shared/config';
import type { RuleConfig } from '../src/shared/config/alerts-schema';

/** 8 base listings + 4 per extra asset: 623 extra assets make the 2,500 instruments. */
export const WHOLE_MARKET_EXTRA_ASSETS = 623;
/** Full books for the 200 most liquid assets (800 books), partial streams for the tail: as the bootstrap bench runs it. */
export const WHOLE_MARKET_DIFF_ASSETS = 200;

export interface LiveRunOptions {
  readonly extraAssets: number;
  /** Simulator schedule (`showcase`: every alert family, then feed faults). */
  readonly demo: string;
  /** Assets (most liquid first) whose listings get full books (diff stream + REST snapshot); the tail gets partial-book streams, as a whole-market selection gives it. */
  readonly diffAssets: number;
  /** Simulated perpetuals (the first extra assets') that get a threshold-only imbalance rule, so alerts open and resolve all through the run. */
  readonly probeInstruments: number;
}

export interface LiveRun {
  readonly running: RunningConsole;
  /** The engine's history database (WAL: readable while the engine writes). */
  readonly dbPath: string;
  readonly labels: SimLabels;
  /** The simulator process's CPU so far (user + system, ms) from /proc; null where there is none. */
  simCpuMs(): number | null;
  /** Throws when the simulator process has died: figures taken without a market would be no figures. */
  assertSimulatorUp(): void;
  readonly instruments: number;
  /** Web server, engine, simulator; temp files removed. */
  stop(): Promise<void>;
}

/**
 * A rule on book imbalance above 0 (more bid than ask depth near the mid):
 * true about half the time on a calm simulated book, so each probe
 * instrument's alert opens, fires and resolves every few seconds. One
 * injected anomaly gives a handful of alert events; percentiles need hundreds.
 */
const PROBE_RULE: RuleConfig = {
  metric: 'imbalance',
  direction: 'above',
  threshold: 0,
  zscore: null,
  persistSeconds: null,
  severity: 'warning',
  clearSeconds: 1,
};

/** Canonical ids of the first `count` simulated perpetuals beyond BTC and ETH. */
export function probeIds(extraAssets: number, count: number): string[] {
  const perps = simInstruments(extraAssets).filter((i) => i.type === 'perpetual' && i.base !== 'BTC' && i.base !== 'ETH');
  return [...new Set(perps.map((i) => i.id))].slice(0, count);
}

function withProbes(config: Config, extraAssets: number, count: number): Config {
  const thresholds: Record<string, Record<string, RuleConfig>> = { ...config.alerts.thresholds };
  for (const id of probeIds(extraAssets, count)) thresholds[id] = { ...(thresholds[id] ?? {}), latency_probe: PROBE_RULE };
  return { ...config, alerts: { ...config.alerts, thresholds: thresholds as Config['alerts']['thresholds'] } };
}

export async function startLiveRun(options: LiveRunOptions): Promise<LiveRun> {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-live-bench-'));
  // The web server wants a built renderer; the benches' client is a WebSocket, not a page.
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>bench</title>');
  const sim = await startSimProcess(options.demo, options.extraAssets);
  let running: RunningConsole;
  try {
    const base = withProbes(loadConfig(defaultConfigDir()), options.extraAssets, options.probeInstruments);
    const config: Config = { ...base, exchanges: sim.exchanges, instruments: simInstrumentsConfig(options.extraAssets, { diffAssets: options.diffAssets }) };
    running = await runConsole({ config, port: 0, rendererDir: join(dir, 'renderer'), db: join(dir, 'history.sqlite') });
  } catch (error) {
    sim.child.kill();
    throw error;
  }
  return {
    running,
    dbPath: join(dir, 'history.sqlite'),
    labels: sim.labels,
    simCpuMs: () => processCpuMs(sim.child.pid),
    assertSimulatorUp() {
      if (sim.child.exitCode !== null || sim.child.signalCode !== null) throw new Error(`the simulator process died (${sim.child.exitCode ?? sim.child.signalCode}): see its error above`);
    },
    instruments: 8 + 4 * options.extraAssets,
    async stop() {
      await running.stop();
      if (sim.child.exitCode === null && sim.child.signalCode === null) {
        const exited = new Promise((resolve) => sim.child.once('exit', resolve));
        sim.child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process and its reaped children (fields 14-17 of /proc/PID/stat), ms; null without /proc. */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 is index 0: utime, stime, cutime, cstime are fields 14-17.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on Linux for every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

async function startSimProcess(schedule: string, extraAssets: number): Promise<{ child: ChildProcess; exchanges: Config['exchanges']; labels: SimLabels }> {
  // node --import tsx rather than the tsx command, which runs the script in a child of its own: this pid is the simulator's.
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sim-process.ts'), schedule, String(extraAssets)], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve({ child, ...(JSON.parse(buffer.slice(0, end)) as { exchanges: Config['exchanges']; labels: SimLabels }) });
    });
    child.once('exit', (code) => reject(new Error(`simulator process exited (code ${code}) before it was up`)));
  });
}

/** How many of the engine's books are valid now. */
export async function validBooks(running: RunningConsole): Promise<{ valid: number; rows: number }> {
  const snapshot = await running.service.snapshot();
  return { valid: snapshot.overview.filter((r) => r.health.bookValid).length, rows: snapshot.overview.length };
}

/** p50, p99 and max of `values` (ms), or null when there are none. */
export function percentiles(values: readonly number[]): { n: number; p50: number; p99: number; max: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

export function formatPercentiles(p: ReturnType<typeof percentiles>): string {
  return p ? `p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms  max ${p.max.toFixed(2)} ms  (n ${p.n})` : 'no samples';
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
