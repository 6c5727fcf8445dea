import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Builds main, preload and renderer (electron-vite) when `out/renderer` is missing. */
export function buildRenderer(): void {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return;
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: repoRoot, stdio: 'pipe' });
}
