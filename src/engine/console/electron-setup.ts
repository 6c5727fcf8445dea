import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary } from './launch';

/**
 * What `npm start` does before the desktop console can run, on the first
 * start of a checkout: install Electron's binary (npm ci never does, see
 * package.json allowScripts) and build better-sqlite3 for Electron's ABI
 * (out/native/electron). Either step failing means the browser console,
 * with the reason said once. docs/desktop.md.
 */
export type ElectronSetup = { readonly kind: 'electron'; readonly binary: string } | { readonly kind: 'browser'; readonly reason: string };

/** `SURVEIL_ELECTRON_INSTALL=0` keeps `npm start` from downloading anything: the browser console then. */
export const ELECTRON_INSTALL_ENV = 'SURVEIL_ELECTRON_INSTALL';

/** Electron's zip is about 100 MB: a slow link may take minutes, a dead one fails in a second. */
export const INSTALL_TIMEOUT_MS = 5 * 60_000;
/** Compiling better-sqlite3 (when no prebuilt addon can be fetched) takes a few minutes on two cores. */
export const NATIVE_BUILD_TIMEOUT_MS = 15 * 60_000;

export interface ElectronSetupOptions {
  readonly root: string;
  readonly say: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly installTimeoutMs?: number;
  readonly nativeTimeoutMs?: number;
}

/** The result of one child process run to completion or to its timeout. */
export interface StepResult {
  readonly ok: boolean;
  /** Why it failed, in one line; empty when ok. */
  readonly reason: string;
}

/**
 * Makes the desktop console runnable, or says why it cannot be: the binary
 * first (installed by Electron's own install.js when missing), then the
 * Electron build of better-sqlite3 (scripts/electron-native.mjs, a no-op
 * when up to date).
 */
export async function prepareElectron(options: ElectronSetupOptions): Promise<ElectronSetup> {
  const env = options.env ?? process.env;
  let binary = electronBinary(options.root, env);
  if (binary === null) {
    const installer = join(options.root, 'node_modules', 'electron', 'install.js');
    if (env[ELECTRON_INSTALL_ENV] === '0') return browser(`Electron's binary is missing and ${ELECTRON_INSTALL_ENV}=0`);
    if (!existsSync(installer)) return browser('the electron package is not installed (run npm ci)');
    const timeoutMs = options.installTimeoutMs ?? INSTALL_TIMEOUT_MS;
    options.say(`installing Electron's binary, first start only (node_modules/electron/install.js, at most ${Math.round(timeoutMs / 1000)} s)...`);
    const installed = await runNode(installer, [], { cwd: options.root, env, timeoutMs });
    if (!installed.ok) return browser(`Electron's binary could not be installed: ${installed.reason}`);
    binary = electronBinary(options.root, env);
    if (binary === null) return browser('install.js finished but no Electron binary is in node_modules/electron/dist');
  }
  const native = await runNode(join(options.root, 'scripts', 'electron-native.mjs'), [], {
    cwd: options.root,
    env,
    timeoutMs: options.nativeTimeoutMs ?? NATIVE_BUILD_TIMEOUT_MS,
    onLine: options.say,
  });
  if (!native.ok) return browser(`better-sqlite3 could not be built for Electron: ${native.reason}`);
  return { kind: 'electron', binary };
}

function browser(reason: string): ElectronSetup {
  return { kind: 'browser', reason };
}

/**
 * Runs a Node script with this Node; ok on exit 0. The reason of a failure
 * is the script's last stderr line that says something (a stack's first
 * line, not its frames), or the timeout.
 */
export function runNode(
  script: string,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string | undefined>>; timeoutMs: number; onLine?: (line: string) => void },
): Promise<StepResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-16_384)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLine?.(line);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ ok: false, reason: `no result after ${Math.round(options.timeoutMs / 1000)} s` });
      else if (code === 0) resolve({ ok: true, reason: '' });
      else resolve({ ok: false, reason: failureLine(stderr) || (signal ? `ended by ${signal}` : `exit code ${code}`) });
    });
  });
}

/**
 * The line of a failed script's stderr worth showing: the last one that is
 * not a stack frame or a warning (a thrown error's message comes before its
 * frames; our scripts print their reason last).
 */
export function failureLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !/^npm warn/i.test(l) && !/^[\^~]+$/.test(l));
  return (lines.at(-1) ?? '').slice(0, 300);
}
