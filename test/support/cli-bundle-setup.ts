import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildCli } from '../../scripts/cli-bundle.mjs';
import { appBuilt, buildApp } from '../../src/engine/console/launch';
import { repoRoot } from './shared-data';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI entry the tests run (`node <it> ...`): built from src/ at the start of this test run. */
    surveilCli: string;
  }
}

/**
 * vitest globalSetup: the CLI compiled from the current src/ once per run
 * (as `npm run surveil` runs it: scripts/cli-bundle.mjs, plain node), so the
 * tests that start `surveil` in a child process do not each pay tsx's start
 * (compiling the TypeScript: most of a short command's second). Built anew
 * every run into a folder of its own under out/ (the config is found by
 * walking up, as from out/cli), so it is never older than the sources and
 * the real out/cli is left alone. The renderer is built into out/ when it is
 * older than its sources.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, 'out', 'cli-vitest-'));
  await buildCli(repoRoot, outDir);
  // The console page too (2 s), before any file runs: `surveil serve` in a child
  // process serves out/renderer, and a test of it must not depend on a browser
  // test having built it first, nor two files build it into out/ at once.
  if (!appBuilt(repoRoot, true) && !buildApp(repoRoot, () => undefined)) throw new Error('electron-vite build failed: the console page the tests serve is missing');
  project.provide('surveilCli', join(outDir, 'index.js'));
  return () => rmSync(outDir, { recursive: true, force: true });
}
