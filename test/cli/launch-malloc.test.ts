import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared-data';

// `npm start`, `npm run demo` and `npm run surveil -- serve|record` go through
// scripts/launch.mjs, which runs a long-running command again with
// MALLOC_ARENA_MAX=2 (glibc's per-thread arenas fragment: docs/performance.md).
// Read from /proc, so Linux only, like the setting itself.

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function launchServe(env: NodeJS.ProcessEnv): { child: ChildProcess; served: Promise<string>; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), 'launch-malloc-'));
  dirs.push(dir);
  const child = spawn(process.execPath, ['scripts/launch.mjs', 'index', 'serve', '--demo', 'calm', '--port', '0', '--db', join(dir, 'history.db')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const served = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /console served at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before serving: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, served, exited };
}

/** The processes started by `pid` (Linux keeps them per thread; the main thread's list holds the child processes). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

/** A process's command line; '' once it is gone (a short-lived child such as an esbuild service). */
const cmdlineOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const environOf = (pid: number): Map<string, string> =>
  new Map(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
  );

describe.runIf(process.platform === 'linux')('the launcher of the long-running commands', () => {
  it('runs serve again with MALLOC_ARENA_MAX=2, and a SIGTERM to the launcher stops the console, which exits cleanly', async () => {
    const env = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    const { child, served, exited } = launchServe(env);
    expect(await served).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // The launcher's one node re-run of itself (an esbuild service may sit beside it when the CLI was rebuilt first).
    const [engine, ...others] = childrenOf(child.pid!).filter((pid) => cmdlineOf(pid).includes('launch.mjs'));
    expect(engine).toBeDefined();
    expect(others).toEqual([]);
    expect(environOf(engine!).get('MALLOC_ARENA_MAX')).toBe('2');
    expect(environOf(child.pid!).has('MALLOC_ARENA_MAX')).toBe(false);
    child.kill('SIGTERM');
    // serve stops on SIGTERM as on Ctrl-C (history closed) and exits 0; the launcher exits with its code.
    expect(await exited).toBe(0);
  }, 60_000);

  it('stops the console when its launcher is killed outright, instead of leaving it running as an orphan', async () => {
    const env = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    const { child, served } = launchServe(env);
    await served;
    const [engine] = childrenOf(child.pid!).filter((pid) => cmdlineOf(pid).includes('launch.mjs'));
    expect(engine).toBeDefined();
    child.kill('SIGKILL');
    await expect.poll(() => cmdlineOf(engine!).includes('launch.mjs'), { timeout: 20_000, message: 'the re-run console gone' }).toBe(false);
  }, 60_000);

  it("leaves an operator's own MALLOC_ARENA_MAX alone and runs the command in its own process", async () => {
    const { child, served, exited } = launchServe({ ...process.env, MALLOC_ARENA_MAX: '4' });
    await served;
    expect(environOf(child.pid!).get('MALLOC_ARENA_MAX')).toBe('4');
    // No second node process: the console runs in the launcher itself (its children, if any, are not node re-runs of it).
    for (const pid of childrenOf(child.pid!)) expect(cmdlineOf(pid)).not.toContain('launch.mjs');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
