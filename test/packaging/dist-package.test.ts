/**
 * `npm run build` and then electron-builder for real, on a copy of this
 * repository's project files (its own out/, so the repository's is left
 * alone), with one substitution: Electron's own binary cannot be downloaded here, so
 * electron-builder is given a stand-in Electron distribution (`electronDist`:
 * a file with Electron's fuse wire in it). Everything else is the real
 * packaging of the Linux `dir` target: the files and asar rules of
 * electron-builder.yml, the unpacked addon, config/ as extraResources, and
 * the afterPack hook flipping the fuses in the packaged executable. The
 * AppImage, deb, nsis and dmg targets need their own tool downloads and are
 * not run here (docs/desktop.md).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/engine/console/launch';

/** Where the Electron addon goes, relative to the project (scripts/electron-native.mjs). */
const ADDON = join('out', 'native', 'electron', 'better_sqlite3.node');

const ROOT = repoRoot();
const require = createRequire(join(ROOT, 'package.json'));
const scratch = mkdtempSync(join(tmpdir(), 'surveil-dist-'));
/**
 * A copy of the project to package, so the repository's own out/ is never
 * rebuilt under the feet of the browser tests that serve it: its config
 * files, with node_modules linked to the repository's.
 */
const project = join(scratch, 'project');
let build: ReturnType<typeof spawnSync>;
let pack: ReturnType<typeof spawnSync>;
const unpacked = join(scratch, 'dist', 'linux-unpacked');

beforeAll(() => {
  mkdirSync(join(project, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'electron-builder.yml', 'scripts/after-pack.mjs', 'scripts/fuses.mjs']) copyFileSync(join(ROOT, f), join(project, f));
  cpSync(join(ROOT, 'config'), join(project, 'config'), { recursive: true });
  cpSync(join(ROOT, 'resources'), join(project, 'resources'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', join(project, 'out'), '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  // The Electron addon cannot be built here (no Electron headers): the Node build stands in for it.
  mkdirSync(join(project, 'out', 'native', 'electron'), { recursive: true });
  copyFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(project, ADDON));
  const electronDist = join(scratch, 'electron-dist');
  mkdirSync(electronDist, { recursive: true });
  const wire = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 9]), Buffer.from('101100011')]);
  writeFileSync(join(electronDist, 'electron'), Buffer.concat([Buffer.alloc(4096, 0x7f), wire, Buffer.alloc(4096, 0x7f)]));
  chmodSync(join(electronDist, 'electron'), 0o755);
  writeFileSync(join(electronDist, 'LICENSE'), 'stand-in');
  writeFileSync(join(electronDist, 'version'), '45.5.0');
  pack = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'dir', '--publish', 'never', '--projectDir', project, `-c.electronDist=${electronDist}`, `-c.directories.output=${join(scratch, 'dist')}`],
    { cwd: project, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
}, 240_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm run build (electron-vite build, into the copy)', () => {
  it('builds main (with its workers), preload and renderer', () => {
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    for (const f of ['main/index.js', 'main/feed-worker.js', 'main/analytics-worker.js', 'main/history-worker.js', 'main/seek-worker.js', 'main/capture-read-worker.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(join(project, 'out', f)), f).toBe(true);
    }
    const main = readFileSync(join(project, 'out', 'main', 'index.js'), 'utf8');
    expect(main).toContain('registerSchemesAsPrivileged');
    expect(main).toContain('app://console/index.html');
    expect(main).not.toContain('loadFile(');
  });
});

describe('electron-builder --linux dir', () => {
  const asar = require('@electron/asar') as { listPackage: (archive: string, options: object) => string[]; extractFile: (archive: string, file: string) => Buffer };
  const archive = join(unpacked, 'resources', 'app.asar');

  it('packages', () => {
    expect(pack.status, `${pack.stdout}${pack.stderr}`).toBe(0);
    expect(existsSync(join(unpacked, 'surveil-console'))).toBe(true);
  });

  it('puts the built app in app.asar, without the CLI bundle or better-sqlite3’s Node build', () => {
    const files = asar.listPackage(archive, {}).map((f) => f.replace(/\\/g, '/'));
    for (const f of ['/package.json', '/out/main/index.js', '/out/main/analytics-worker.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/better-sqlite3/lib/database.js', '/node_modules/ws/package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => f.startsWith('/out/cli'))).toBe(false);
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/build'))).toBe(false);
    expect(files.some((f) => f.startsWith('/node_modules/electron-builder'))).toBe(false);
    expect(JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')).main).toBe('out/main/index.js');
  });

  it('keeps the Electron addon outside the archive where the main process looks for it', () => {
    const addon = join(unpacked, 'resources', 'app.asar.unpacked', 'out', 'native', 'electron', 'better_sqlite3.node');
    expect(existsSync(addon)).toBe(true);
    expect(statSync(addon).size).toBe(statSync(join(project, ADDON)).size);
  });

  it('ships the four YAML files in resources/config', () => {
    for (const f of ['exchanges.yaml', 'instruments.yaml', 'alerts.yaml', 'features.yaml']) {
      expect(readFileSync(join(unpacked, 'resources', 'config', f), 'utf8')).toBe(readFileSync(join(ROOT, 'config', f), 'utf8'));
    }
  });

  it('flips the fuses in the packaged executable', async () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const wire = (await getCurrentFuseWire(join(unpacked, 'surveil-console'))) as unknown as Record<number, number>;
    const OFF = 48;
    const ON = 49;
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
  });
});
