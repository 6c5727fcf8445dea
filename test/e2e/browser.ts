import { join } from 'node:path';
import { appBuilt, buildApp } from '../../src/engine/console/launch';
import { repoRoot } from '../support/shared-data';

/** Debian's Chromium and the flags that work here: the same the report's PDF printing uses (src/engine/report/report-pdf.ts). */
export { DEFAULT_CHROMIUM_PATH as CHROMIUM_PATH, CHROMIUM_ARGS } from '../../src/engine/report/report-pdf';

/** Screenshots and measurements of a test run. */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'e2e');

/** Builds main, preload and renderer (electron-vite) when the build is missing or older than its sources. */
export function buildRenderer(): void {
  if (appBuilt(repoRoot, true)) return;
  if (!buildApp(repoRoot, () => undefined)) throw new Error('electron-vite build failed');
}
