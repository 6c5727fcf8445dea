/* global process */
// `npm run surveil | start | demo`: runs the compiled CLI (out/cli), building
// it first when it is missing or older than a source (a fresh clone whose
// `prepare` did not run, a pull, an edit), so the commands always run the
// code in the checkout. Usage: node scripts/launch.mjs <index|start|demo> [args...]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, ENTRIES, REPO_ROOT, staleReason } from './cli-bundle.mjs';

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !Object.hasOwn(ENTRIES, entry)) {
  process.stderr.write(`usage: node scripts/launch.mjs <${Object.keys(ENTRIES).filter((e) => !e.endsWith('-worker')).join('|')}> [args...]\n`);
  process.exit(2);
}

const outDir = join(REPO_ROOT, 'out', 'cli');
const reason = staleReason(REPO_ROOT, outDir);
if (reason !== null) {
  // stderr: stdout may be a pipe that a script reads (`surveil config check | ...`).
  process.stderr.write(`building the CLI (${reason})...\n`);
  try {
    await buildCli(REPO_ROOT, outDir);
  } catch (error) {
    process.stderr.write(`cli bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const bundle = join(outDir, `${entry}.js`);
// The entries run their main only when they are the process's script
// (argv[1]), as under `node out/cli/index.js`: make it so, and drop the entry name.
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
