import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json and out/ live). */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dirname(dir) !== dir; dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return resolve(here, '../../..');
}

/**
 * The Electron executable if it is installed, else null. Found the way the
 * `electron` package's index finds it (path.txt, ELECTRON_OVERRIDE_DIST_PATH),
 * without requiring that index: it starts a download when the binary is
 * missing, and only the first-start step (electron-setup.ts) may fetch it,
 * with a message and a timeout.
 */
export function electronBinary(root = repoRoot(), env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  try {
    const require = createRequire(join(root, 'package.json'));
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
    const override = env.ELECTRON_OVERRIDE_DIST_PATH;
    if (override) return existsSync(join(override, executable || 'electron')) ? join(override, executable || 'electron') : null;
    if (!executable) return null;
    const full = join(dir, 'dist', executable);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/** Newest modification time of any file under `dir` (0 when it does not exist). */
function newestIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** True when `electron-vite build` has produced the app (main, preload and renderer) from the current sources. */
export function appBuilt(root = repoRoot(), rendererOnly = false): boolean {
  const renderer = join(root, 'out', 'renderer', 'index.html');
  const main = join(root, 'out', 'main', 'index.js');
  const outputs = rendererOnly ? [renderer] : [renderer, main];
  if (!outputs.every((f) => existsSync(f))) return false;
  // A checkout newer than its build (a pull, an edit) would serve yesterday's console.
  const sources = Math.max(...['renderer', 'shared', ...(rendererOnly ? [] : ['main', 'preload', 'engine'])].map((d) => newestIn(join(root, 'src', d))));
  return outputs.every((f) => statSync(f).mtimeMs >= sources);
}

/** Runs `electron-vite build` in the repository; false (its output shown) when it fails. */
export function buildApp(root = repoRoot(), say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): boolean {
  say('building the console (electron-vite build)...');
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status === 0) return true;
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `${result.error.message}\n` : ''}`);
  return false;
}
