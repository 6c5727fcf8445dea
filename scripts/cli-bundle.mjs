/* global process */
// The CLI and the engine's worker threads compiled to JavaScript, so a command
// does not spend its first second compiling TypeScript (tsx). Plain JavaScript
// on purpose: it must run before anything is compiled. `npm ci` builds it
// (`prepare`), and launch.mjs rebuilds it when a source is newer than the build.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file lives in scripts/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Entry name -> source. EngineHost starts `./feed-worker.js` and
 * `./analytics-worker.js` beside its own module, so the workers are entries of
 * their own in the same flat folder as the code that spawns them.
 */
export const ENTRIES = {
  index: 'src/cli/index.ts',
  start: 'src/cli/start.ts',
  demo: 'src/cli/demo.ts',
  'feed-worker': 'src/engine/workers/feed-worker.ts',
  'analytics-worker': 'src/engine/workers/analytics-worker.ts',
  'history-worker': 'src/engine/workers/history-worker.ts',
  'seek-worker': 'src/engine/console/seek-worker.ts',
  'capture-read-worker': 'src/engine/capture/capture-read-worker.ts',
};

/** What the bundle is made of: a change under these makes it stale. */
export const SOURCE_PATHS = ['src/cli', 'src/engine', 'src/shared', 'package.json', 'scripts/cli-bundle.mjs'];

/**
 * Left to Node at run time: native addons cannot be bundled (better-sqlite3
 * loads its .node file relative to its package), and the optional ones ws and
 * pg look for with a guarded require must stay optional. Everything else is
 * bundled: resolving and reading some hundred package files (zod, yaml, ws, pg)
 * was most of a bundled command's start when they were external. parquet-wasm
 * reads its .wasm file beside its own module, so it stays a package too.
 */
const NATIVE_OR_OPTIONAL = ['better-sqlite3', 'pg-native', 'bufferutil', 'utf-8-validate', 'electron', 'parquet-wasm', 'playwright-core'];

const STAMP = 'build-stamp.json';

/** Newest modification time (ms) of a file or of any file under a folder; 0 when absent. */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Why the bundle in `outDir` must be built again, or null when it is current.
 * A folder's own mtime counts too: deleting or renaming a source changes it.
 */
export function staleReason(root = REPO_ROOT, outDir = join(root, 'out', 'cli')) {
  const stampFile = join(outDir, STAMP);
  if (!existsSync(stampFile)) return 'no build yet';
  for (const name of Object.keys(ENTRIES)) if (!existsSync(join(outDir, `${name}.js`))) return `${name}.js is missing`;
  const built = statSync(stampFile).mtimeMs;
  for (const path of SOURCE_PATHS) if (newestMtime(join(root, path)) > built) return `${path} changed since the build`;
  return null;
}

/**
 * Bundles every entry into `outDir` (ESM for Node 20), packages included
 * but for {@link NATIVE_OR_OPTIONAL}, which Node resolves from out/ up to the
 * repository's node_modules as it would from src/. Each file is written beside its name and renamed into place, so a
 * command starting meanwhile reads a whole file, old or new.
 */
export async function buildCli(root = REPO_ROOT, outDir = join(root, 'out', 'cli')) {
  const esbuild = await import('esbuild');
  const started = Date.now();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, source]) => [name, join(root, source)])),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: NATIVE_OR_OPTIONAL,
    // Bundled CommonJS packages (ws, pg) call require() for Node's own modules.
    banner: { js: "import { createRequire as __surveilRequire } from 'node:module'; const require = __surveilRequire(import.meta.url);" },
    sourcemap: 'linked',
    // Error stacks name the TypeScript sources (`SURVEIL_DEBUG=1`).
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  // Written last, dated when the build began: a source saved while it ran is newer, so the next run rebuilds.
  const stamp = { built: new Date(started).toISOString(), esbuild: esbuild.version, entries: ENTRIES };
  const stampFile = join(outDir, STAMP);
  writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  utimesSync(stampFile, new Date(started), new Date(started));
  return { outDir, files: result.outputFiles.map((f) => relative(root, f.path)), ms: Date.now() - started };
}

/** The stamp of the build in `outDir`, or null. */
export function readStamp(outDir = join(REPO_ROOT, 'out', 'cli')) {
  try {
    return JSON.parse(readFileSync(join(outDir, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { files, ms } = await buildCli();
    process.stdout.write(`cli bundle: ${files.filter((f) => f.endsWith('.js')).length} files in out/cli (${ms} ms)\n`);
  } catch (error) {
    process.stderr.write(`cli bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
