/* global process, console */
// Builds better-sqlite3 a second time, for Electron's ABI, into
// out/native/electron/better_sqlite3.node; node_modules keeps the Node build
// the CLI, the tests and the workers under Node load. The Electron main
// process points better-sqlite3's `nativeBinding` at this file
// (src/main/sqlite-binding-path.ts, src/engine/storage/native-binding.ts).
// A no-op when the stamp says it was built for the installed Electron and
// better-sqlite3. Run by `npm start` on first start and by `npm run dist`.
// Usage: node scripts/electron-native.mjs [--force]
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the Electron build goes, and the stamp that says what it was built for. */
export const NATIVE_DIR = join(ROOT, 'out', 'native', 'electron');
export const ADDON_FILE = 'better_sqlite3.node';
export const STAMP_FILE = 'build.json';

/** Versions the addon must match: Electron's (its ABI) and better-sqlite3's (its C++ side). */
export function wantedBuild(root = ROOT) {
  const version = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  return { electron: version('electron'), betterSqlite3: version('better-sqlite3'), platform: process.platform, arch: process.arch };
}

/** Null when the addon in `dir` was built for `wanted`, else why it must be (re)built. */
export function staleNativeReason(dir, wanted) {
  if (!existsSync(join(dir, ADDON_FILE))) return 'not built yet';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, STAMP_FILE), 'utf8'));
  } catch {
    return 'no build stamp';
  }
  for (const key of Object.keys(wanted)) if (stamp[key] !== wanted[key]) return `built for ${key} ${stamp[key]}, now ${wanted[key]}`;
  return null;
}

/**
 * Copies better-sqlite3 (without its Node build) into a staging project and
 * runs @electron/rebuild there, so the package in node_modules is never
 * touched: a CLI running meanwhile keeps loading its own build.
 */
async function build(wanted) {
  const stage = join(NATIVE_DIR, 'stage');
  rmSync(stage, { recursive: true, force: true });
  const source = join(ROOT, 'node_modules', 'better-sqlite3');
  const target = join(stage, 'node_modules', 'better-sqlite3');
  cpSync(source, target, { recursive: true, filter: (path) => !path.startsWith(join(source, 'build')) });
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'surveil-native-stage', private: true, dependencies: { 'better-sqlite3': wanted.betterSqlite3 } }));
  // An npmrc `nodedir` (Node's own headers) would make node-gyp build for Node's ABI and call it Electron's.
  for (const key of Object.keys(process.env)) if (/^npm_config_nodedir$|^nodedir$/i.test(key)) delete process.env[key];
  try {
    const { rebuild } = await import('@electron/rebuild');
    try {
      // A prebuilt addon for this Electron is fetched when one exists; else node-gyp compiles against Electron's headers.
      await rebuild({ buildPath: stage, electronVersion: wanted.electron, arch: wanted.arch, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)} (it needs a prebuilt addon or Electron's headers from the network, or a C++ toolchain)`, { cause: error });
    }
    const built = join(target, 'build', 'Release', ADDON_FILE);
    if (!existsSync(built)) throw new Error(`@electron/rebuild finished without ${built}`);
    checkNotNodeAbi(built);
    renameSync(built, join(NATIVE_DIR, ADDON_FILE));
    writeFileSync(join(NATIVE_DIR, STAMP_FILE), `${JSON.stringify(wanted, null, 2)}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** An Electron build must not load in Node (different NODE_MODULE_VERSION): if it does, it was built for Node. */
function checkNotNodeAbi(file) {
  try {
    createRequire(import.meta.url)(file);
  } catch (error) {
    if (/NODE_MODULE_VERSION/.test(String(error?.message))) return;
    throw error;
  }
  throw new Error(`${file} loads in Node ${process.version}: it was built for Node's ABI, not Electron's`);
}

async function main() {
  const wanted = wantedBuild();
  const reason = process.argv.includes('--force') ? 'forced' : staleNativeReason(NATIVE_DIR, wanted);
  if (reason === null) return;
  mkdirSync(NATIVE_DIR, { recursive: true });
  console.log(`building better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} (${reason}) into out/native/electron...`);
  await build(wanted);
  console.log(`better-sqlite3 for Electron: ${join(NATIVE_DIR, ADDON_FILE)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`electron-native: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
