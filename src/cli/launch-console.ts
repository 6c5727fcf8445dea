import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { resolve as resolvePath } from 'node:path';
import { defaultConfigDir } from '../engine/config/default-config-dir';
import { loadConfig } from '../engine/config/load-config';
import { prepareElectron } from '../engine/console/electron-setup';
import { appBuilt, buildApp, repoRoot } from '../engine/console/launch';
import { parseServeArgs, serve, startServe, type ServeRequest } from './commands/serve';
import type { CliIo } from './index';
import { untilSignal } from './until-signal';

// What `npm start` and `npm run demo` run (start.ts, demo.ts): the desktop
// console when Electron can run (its binary installed on first start, and
// better-sqlite3 built for it: electron-setup.ts); otherwise the same console
// in a browser, served by `surveil serve`. Extra arguments are serve's
// (`npm start -- --port 8060`). No main of its own: the bundle of demo.ts
// holds this module too, and a guard on the script's name would run it twice there.

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Starts the console: Electron on the built app (built first if needed), or
 * the browser console on `request`. `electronArgs` go to the Electron main
 * process (`--demo=showcase`, a Chromium-style switch). Returns the exit code.
 */
export async function launchConsole(argv: readonly string[], defaults: ServeRequest, electronArgs: readonly string[]): Promise<number> {
  let request: ServeRequest | string;
  try {
    const parsed = parseArgs({ args: [...argv], options: toParseArgs(), strict: true, allowPositionals: false });
    request = parseServeArgs(parsed.values);
  } catch (error) {
    request = error instanceof Error ? error.message : String(error);
  }
  if (typeof request === 'string') {
    io.err(`surveil: ${request}`);
    return 2;
  }
  request = { ...defaults, ...request };
  const root = repoRoot();
  const setup = await prepareElectron({ root, say: io.out });
  if (setup.kind === 'electron') {
    const electron = setup.binary;
    if (!appBuilt(root) && !buildApp(root)) return 1;
    // The Electron main process reads its config folder from SURVEIL_CONFIG (src/main/index.ts): `--config DIR` goes there.
    const env = request.configDir ? { ...process.env, SURVEIL_CONFIG: resolvePath(request.configDir) } : process.env;
    const child = spawn(electron, ['.', ...electronArgs], { cwd: root, stdio: 'inherit', env });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const web = webDefaults(request.configDir);
  io.out(`No desktop console (${setup.reason}): the console is served at http://${request.host ?? web.host}:${request.port ?? web.port} instead.`);
  if (!appBuilt(root, true) && !buildApp(root)) return 1;
  // Listening before the console says where it is served (until-signal.ts); a signal during start stops it once started.
  const stopped = untilSignal();
  let running;
  try {
    running = await startServe(request, io);
  } catch (error) {
    stopped.cancel();
    io.err(`surveil: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (!running) {
    stopped.cancel();
    return 1;
  }
  const signal = await stopped.signal;
  io.out(`console: ${signal}, stopping`);
  await running.stop();
  return 0;
}

/** features.yaml `web`, for the one line said before serving; a broken config is reported by serve itself. */
function webDefaults(configDir: string | undefined): { host: string; port: number } {
  try {
    return loadConfig(configDir ?? defaultConfigDir()).features.web;
  } catch {
    return { host: '127.0.0.1', port: 8050 };
  }
}

function toParseArgs(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(Object.entries(serve.options ?? {}).map(([name, o]) => [name, { type: o.type }]));
}
