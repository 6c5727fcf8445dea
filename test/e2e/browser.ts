import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/shared-data';

/** Debian's Chromium: no browser download works on this machine. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that work here (root, no GPU, no network beyond loopback). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots and measurements of a test run. */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');

/** Newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds main, preload and renderer (electron-vite) when `out/renderer` is missing or older than its sources. */
export function buildRenderer(): void {
  const built = join(repoRoot, 'out', 'renderer', 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(join(repoRoot, 'src', 'renderer')), newest(join(repoRoot, 'src', 'shared')))) return;
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: repoRoot, stdio: 'pipe' });
}
