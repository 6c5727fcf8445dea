import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildCli } from '../../scripts/cli-bundle.mjs';
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
 * the real out/cli is left alone.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, 'out', 'cli-vitest-'));
  await buildCli(repoRoot, outDir);
  project.provide('surveilCli', join(outDir, 'index.js'));
  return () => rmSync(outDir, { recursive: true, force: true });
}
