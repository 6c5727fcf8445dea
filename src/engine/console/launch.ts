import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
 * missing, and starting the console must never fetch anything.
 */
export function electronBinary(root = repoRoot()): string | null {
  try {
    const require = createRequire(join(root, 'package.json'));
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    if (override) return existsSync(join(override, executable || 'electron')) ? join(override, executable || 'electron') : null;
    if (!executable) return null;
    const full = join(dir, 'dist', executable);
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/** True when `electron-vite build` has produced the app (main, preload and renderer). */
export function appBuilt(root = repoRoot(), rendererOnly = false): boolean {
  const renderer = existsSync(join(root, 'out', 'renderer', 'index.html'));
  return rendererOnly ? renderer : renderer && existsSync(join(root, 'out', 'main', 'index.js'));
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
