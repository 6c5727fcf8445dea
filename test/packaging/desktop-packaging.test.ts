/**
 * `npm run dist`'s inputs, checked without packaging (electron-builder
 * downloads Electron to package, which this machine cannot): the config
 * passes electron-builder's own schema validation and names files that
 * exist; the fuses hook flips the listed fuses in a binary's fuse wire with
 * @electron/fuses for real; the icons are what scripts/make-icons.mjs
 * draws; and no dependency gets to run an install script that npm ci does
 * not expect (Electron's download stays with the first start).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import afterPack from '../../scripts/after-pack.mjs';
import { FUSE_SETTINGS, fuseConfig } from '../../scripts/fuses.mjs';
import { ICNS_TYPES, ICO_SIZES, PNG_SIZES, drawIcon, encodePng } from '../../scripts/make-icons.mjs';
import { repoRoot } from '../../src/engine/console/launch';

const ROOT = repoRoot();
const require = createRequire(join(ROOT, 'package.json'));
const scratch = mkdtempSync(join(tmpdir(), 'surveil-packaging-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  asar: boolean;
  afterPack: string;
  extraResources: { from: string; to: string; filter: string[] }[];
  directories: { buildResources: string; output: string };
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
}
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
  devDependencies: Record<string, string>;
};

/** electron-builder's own loading and schema validation (app-builder-lib), as `electron-builder` runs them first. */
async function validate(projectDir: string): Promise<void> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig: (dir: string, path: string | null, options: null) => Promise<object>;
    validateConfiguration: (config: object, logger: object) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };
  await validateConfiguration(await getConfig(projectDir, null, null), new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validate(ROOT)).resolves.toBeUndefined();
  });

  it('is refused by the same validation with an unknown key (the check can fail)', async () => {
    const dir = mkdtempSync(join(scratch, 'bad-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    writeFileSync(join(dir, 'electron-builder.yml'), `${readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')}\nlinux2:\n  target: AppImage\n`);
    await expect(validate(dir)).rejects.toThrow(/linux2/);
  });

  it('declares AppImage and deb, nsis and dmg, with icons that exist', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.directories.buildResources).toBe('resources');
    for (const size of PNG_SIZES) expect(existsSync(join(ROOT, config.linux.icon, `${size}x${size}.png`)), `${size}`).toBe(true);
    expect(existsSync(join(ROOT, config.win.icon))).toBe(true);
    expect(existsSync(join(ROOT, config.mac.icon))).toBe(true);
  });

  it('packs the electron-vite build and the Electron addon into asar, the addon unpacked, without rebuilding node_modules', () => {
    expect(config.asar).toBe(true);
    for (const f of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/native/electron/better_sqlite3.node', 'package.json']) expect(config.files).toContain(f);
    expect(config.files).toContain('!node_modules/better-sqlite3/build/**');
    expect(config.asarUnpack).toEqual(['out/native/electron/*.node']);
    expect(config.npmRebuild).toBe(false);
    // The main process's idea of where the addon is (src/main/sqlite-binding-path.ts) is the file packed.
    expect(readFileSync(join(ROOT, 'src/main/sqlite-binding-path.ts'), 'utf8')).toContain("join('native', 'electron', 'better_sqlite3.node')");
  });

  it('ships the config folder as extraResources, and the four files are there', () => {
    expect(config.extraResources).toEqual([{ from: 'config', to: 'config', filter: ['*.yaml'] }]);
    for (const f of ['exchanges.yaml', 'instruments.yaml', 'alerts.yaml', 'features.yaml']) expect(existsSync(join(ROOT, 'config', f)), f).toBe(true);
  });

  it('names an afterPack hook that exists', () => {
    expect(config.afterPack).toBe('./scripts/after-pack.mjs');
    expect(existsSync(join(ROOT, config.afterPack))).toBe(true);
  });
});

describe('package.json', () => {
  it('npm run dist builds the addon, the app, then packages', () => {
    expect(pkg.scripts['dist']).toBe('node scripts/electron-native.mjs && electron-vite build && electron-builder --publish never');
    for (const dep of ['electron-builder', '@electron/rebuild', '@electron/fuses']) expect(pkg.devDependencies[dep], dep).toBeDefined();
  });

  it('lets npm ci run only the install scripts it needs: no Electron download, every script-bearing package reviewed', () => {
    expect(pkg.allowScripts['electron']).toBe(false);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)))].sort();
    // Electron 45 has no install script at all (its binary comes on first use: install.js, as npm start runs it),
    // and allowScripts would refuse one if a release brought it back.
    expect(withScripts).not.toContain('electron');
    expect(lock.packages['node_modules/electron']).toBeDefined();
    for (const name of withScripts) expect(pkg.allowScripts, `${name} has an install script: allowScripts must say yes or no`).toHaveProperty([name]);
    expect(Object.entries(pkg.allowScripts).filter(([, allowed]) => allowed).map(([name]) => name).sort()).toEqual(['better-sqlite3', 'esbuild']);
  });
});

describe('fuses (afterPack)', () => {
  const { FuseV1Options, FuseVersion, getCurrentFuseWire, flipFuses } = require('@electron/fuses') as typeof import('@electron/fuses');
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  /** A file with Electron's fuse wire in it (sentinel, version 1, 9 fuses at Electron's defaults), between other bytes. */
  function fakeBinary(): string {
    const file = join(mkdtempSync(join(scratch, 'bin-')), 'surveil-console');
    const defaults = '101100011';
    writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.alloc(4096, 0x7f)]));
    return file;
  }

  it('lists the six fuses of the checklist with their values, and file:// privileges off', () => {
    expect(FUSE_SETTINGS).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
    expect(fuseConfig({ platform: 'linux', arm64: false })).toMatchObject({ version: FuseVersion.V1, resetAdHocDarwinSignature: false });
    expect(fuseConfig({ platform: 'darwin', arm64: true }).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig({ platform: 'darwin', arm64: false }).resetAdHocDarwinSignature).toBe(false);
  });

  it('flips them in the binary through electron-builder’s addElectronFuses', async () => {
    const binary = fakeBinary();
    const calls: unknown[] = [];
    // electron-builder's packager finds the executable per platform; here it is the fake binary.
    const packager = { addElectronFuses: (context: unknown, fuses: Parameters<typeof flipFuses>[1]) => (calls.push(context), flipFuses(binary, fuses)) };
    const context = { electronPlatformName: 'linux', arch: 1, appOutDir: scratch, packager };
    await afterPack(context);
    expect(calls).toEqual([context]);
    const wire = await getCurrentFuseWire(binary);
    const on = (o: number) => wire[o as keyof typeof wire];
    // '0' off, '1' on (FuseState), read back from the file.
    expect(on(FuseV1Options.RunAsNode)).toBe(48);
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe(49);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(48);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(48);
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(49);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(49);
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(48);
    // Fuses not listed keep the binary's value.
    expect(on(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe(48);
  });
});

describe('icons', () => {
  /** The IHDR size and the RGBA pixels of a PNG written by encodePng (one IDAT, filter 0). */
  function decode(png: Buffer): { size: number; pixels: Buffer } {
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const size = png.readUInt32BE(16);
    expect(png.readUInt32BE(20)).toBe(size);
    const idat = png.indexOf('IDAT');
    const rows = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    const pixels = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) rows.copy(pixels, y * size * 4, y * (size * 4 + 1) + 1, (y + 1) * (size * 4 + 1));
    return { size, pixels };
  }

  it('the committed PNGs are what the script draws (small sizes redrawn here)', () => {
    for (const size of [16, 32, 64]) {
      const committed = readFileSync(join(ROOT, 'resources', 'icons', `${size}x${size}.png`));
      expect(committed.equals(encodePng(size, drawIcon(size))), `${size}`).toBe(true);
    }
    for (const size of PNG_SIZES) expect(decode(readFileSync(join(ROOT, 'resources', 'icons', `${size}x${size}.png`))).size).toBe(size);
  });

  it('draws an opaque tile with transparent corners', () => {
    const { pixels } = decode(readFileSync(join(ROOT, 'resources', 'icons', '64x64.png')));
    expect(pixels[3]).toBe(0);
    expect(pixels[(32 * 64 + 8) * 4 + 3]).toBe(255);
  });

  it('icon.ico holds the PNGs 16 to 256', () => {
    const ico = readFileSync(join(ROOT, 'resources', 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    ICO_SIZES.forEach((size, i) => {
      const entry = 6 + 16 * i;
      expect(ico[entry] || 256).toBe(size);
      const png = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(png.equals(readFileSync(join(ROOT, 'resources', 'icons', `${size}x${size}.png`)))).toBe(true);
    });
  });

  it('icon.icns holds the PNGs 16 to 1024 under their types', () => {
    const icns = readFileSync(join(ROOT, 'resources', 'icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    let at = 8;
    const found: [string, number][] = [];
    while (at < icns.length) {
      const length = icns.readUInt32BE(at + 4);
      found.push([icns.toString('ascii', at, at + 4), decode(icns.subarray(at + 8, at + length)).size]);
      at += length;
    }
    expect(found).toEqual(ICNS_TYPES.map(([t, s]) => [t, s]));
  });
});
