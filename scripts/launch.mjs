/* global process */
// `npm run surveil | start | demo`: runs the compiled CLI (out/cli), building
// it first when it is missing or older than a source (a fresh clone whose
// `prepare` did not run, a pull, an edit), so the commands always run the
// code in the checkout. Usage: node scripts/launch.mjs <index|start|demo> [args...]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, ENTRIES, REPO_ROOT, staleReason } from './cli-bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !Object.hasOwn(ENTRIES, entry)) {
  process.stderr.write(`usage: node scripts/launch.mjs <${Object.keys(ENTRIES).filter((e) => !e.endsWith('-worker')).join('|')}> [args...]\n`);
  process.exit(2);
}

const outDir = join(REPO_ROOT, 'out', 'cli');
const reason = staleReason(REPO_ROOT, outDir);
if (reason !== null) {
  // stderr: stdout may be a pipe that a script reads (`surveil config check | ...`).
  process.stderr.write(`building the CLI (${reason})...\n`);
  try {
    await buildCli(REPO_ROOT, outDir);
  } catch (error) {
    process.stderr.write(`cli bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

// The console runs five threads that allocate natively (sockets, SQLite,
// structured clones). glibc gives each thread its own malloc arena, and the
// freed memory of those arenas stays fragmented: the console's RSS grew by
// about 1 GB an hour while every V8 heap stayed flat (docs/performance.md,
// "Memory"). Two arenas hold it flat at no measured CPU cost. The variable is
// read when the process starts, so a long-running command re-runs itself with
// it set (Electron's main process inherits it); an operator's own value wins.
const LONG_RUNNING = entry === 'start' || entry === 'demo' || (entry === 'index' && ['serve', 'record'].includes(args[0] ?? ''));
if (LONG_RUNNING && process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
  const { spawn } = await import('node:child_process');
  // An IPC channel ties the re-run to this process: if the launcher dies
  // (SIGKILL, a crash), the channel closes and the console stops itself
  // instead of running on as an orphan holding its port and history file.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], entry, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, MALLOC_ARENA_MAX: '2', SURVEIL_LAUNCHED: '1' },
  });
  // Ctrl-C and a closed terminal reach the child through the process group
  // (passing them on too would be a second Ctrl-C, which ends `record` at
  // once); a SIGTERM sent to this process alone, as a service manager does, is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const { constants } = await import('node:os');
  child.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
} else {
  await runBundle();
}

async function runBundle() {
if (process.env.SURVEIL_LAUNCHED === '1' && process.channel) {
  // Re-run by a launcher (above): stop as on SIGTERM, history closed, when it goes away.
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
const bundle = join(outDir, `${entry}.js`);
// The entries run their main only when they are the process's script
// (argv[1]), as under `node out/cli/index.js`: make it so, and drop the entry name.
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
}
