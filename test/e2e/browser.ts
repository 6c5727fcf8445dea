import { join } from 'node:path';
import { appBuilt, buildApp } from '../../src/engine/console/launch';
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

/** Builds main, preload and renderer (electron-vite) when the build is missing or older than its sources. */
export function buildRenderer(): void {
  if (appBuilt(repoRoot, true)) return;
  if (!buildApp(repoRoot, () => undefined)) throw new Error('electron-vite build failed');
}
