/**
 * `npm start`'s first start (src/engine/console/electron-setup.ts): Electron's
 * own install.js is run for real, against a loopback mirror, so the test is
 * the same with or without internet: a mirror that answers 404, one that
 * never answers (the timeout), and the opt-out. Then the Electron build of
 * better-sqlite3 (scripts/electron-native.mjs) run for real in the repository.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_INSTALL_ENV, failureLine, prepareElectron } from '../../src/engine/console/electron-setup';
import { electronBinary, repoRoot } from '../../src/engine/console/launch';
import { ADDON_FILE, NATIVE_DIR, STAMP_FILE, staleNativeReason, wantedBuild } from '../../scripts/electron-native.mjs';

const REPO = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'surveil-electron-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A checkout whose electron package is as `npm ci` leaves it: install.js, no binary. */
function checkoutWithoutBinary(): string {
  const root = mkdtempSync(join(scratch, 'root-'));
  writeFileSync(join(root, 'package.json'), '{"name":"x","private":true}');
  const electron = join(root, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  for (const f of ['package.json', 'install.js', 'checksums.json', 'index.js']) cpSync(join(REPO, 'node_modules', 'electron', f), join(electron, f));
  // install.js requires @electron/get and its extractor: the repository's own.
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(REPO, 'node_modules', scope), join(root, 'node_modules', scope), 'dir');
  return root;
}

function installEnv(mirror: string): Record<string, string | undefined> {
  return { ...process.env, ELECTRON_MIRROR: mirror, electron_config_cache: join(scratch, 'cache'), ELECTRON_OVERRIDE_DIST_PATH: undefined };
}

let notFound: Server;
let notFoundUrl = '';
const requested: string[] = [];
let silent: TcpServer;
let silentUrl = '';
const held: Socket[] = [];

beforeAll(async () => {
  notFound = createServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((done) => notFound.listen(0, '127.0.0.1', done));
  notFoundUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}/`;
  // Accepts the connection and never answers: a link that hangs.
  silent = createTcpServer((socket) => held.push(socket));
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
});
afterAll(() => {
  notFound.close();
  for (const s of held) s.destroy();
  silent.close();
});

describe('first start: installing Electrons binary', () => {
  it('runs install.js, and when the download fails says why and falls back to the browser console', async () => {
    const root = checkoutWithoutBinary();
    expect(electronBinary(root)).toBeNull();
    const said: string[] = [];
    const setup = await prepareElectron({ root, say: (l) => said.push(l), env: installEnv(notFoundUrl) });
    expect(said[0]).toMatch(/^installing Electron's binary, first start only \(node_modules\/electron\/install\.js, at most 300 s\)\.\.\.$/);
    expect(setup.kind).toBe('browser');
    if (setup.kind !== 'browser') return;
    // @electron/get's own words for the 404, through install.js's stderr.
    expect(setup.reason).toMatch(/^Electron's binary could not be installed: .*404/);
    expect(setup.reason).not.toMatch(/\n|^\s+at /);
    // It asked for this version's zip for this platform: install.js really ran.
    const version = JSON.parse(readFileSync(join(REPO, 'node_modules', 'electron', 'package.json'), 'utf8')).version as string;
    expect(requested.some((u) => u.includes(`v${version}`) && u.includes(`electron-v${version}-${process.platform}-${process.arch}.zip`))).toBe(true);
    expect(existsSync(join(root, 'node_modules', 'electron', 'dist'))).toBe(false);
  });

  it('gives up after its timeout on a link that never answers', async () => {
    const root = checkoutWithoutBinary();
    const said: string[] = [];
    const setup = await prepareElectron({ root, say: (l) => said.push(l), env: installEnv(silentUrl), installTimeoutMs: 1500 });
    expect(said[0]).toContain('at most 2 s');
    expect(setup).toEqual({ kind: 'browser', reason: "Electron's binary could not be installed: no result after 2 s" });
  });

  it('downloads nothing when SURVEIL_ELECTRON_INSTALL=0', async () => {
    const root = checkoutWithoutBinary();
    const said: string[] = [];
    const before = requested.length;
    const setup = await prepareElectron({ root, say: (l) => said.push(l), env: { ...installEnv(notFoundUrl), [ELECTRON_INSTALL_ENV]: '0' } });
    expect(setup).toEqual({ kind: 'browser', reason: `Electron's binary is missing and ${ELECTRON_INSTALL_ENV}=0` });
    expect(said).toEqual([]);
    expect(requested.length).toBe(before);
  });

  it('says npm ci is missing when there is no electron package', async () => {
    const root = mkdtempSync(join(scratch, 'bare-'));
    writeFileSync(join(root, 'package.json'), '{}');
    const setup = await prepareElectron({ root, say: () => undefined, env: installEnv(notFoundUrl) });
    expect(setup).toEqual({ kind: 'browser', reason: 'the electron package is not installed (run npm ci)' });
  });

  it('reads the failure from a stack: the message, not the frames', () => {
    expect(failureLine('TypeError: fetch failed\n    at node:internal/deps/undici:1:1\n    at async x (file:///a.js:2:3)\n')).toBe('TypeError: fetch failed');
    expect(failureLine('npm warn x\nbuilding...\nelectron-native: node-gyp failed\n')).toBe('electron-native: node-gyp failed');
    expect(failureLine('')).toBe('');
  });
});

describe('first start: better-sqlite3 for Electron', () => {
  it('decides from the stamp whether the Electron build is current', () => {
    const wanted = wantedBuild(REPO);
    expect(wanted.electron).toMatch(/^\d+\.\d+\.\d+/);
    expect(wanted.betterSqlite3).toBe(JSON.parse(readFileSync(join(REPO, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version);
    const dir = mkdtempSync(join(scratch, 'native-'));
    expect(staleNativeReason(dir, wanted)).toBe('not built yet');
    writeFileSync(join(dir, ADDON_FILE), 'x');
    expect(staleNativeReason(dir, wanted)).toBe('no build stamp');
    writeFileSync(join(dir, STAMP_FILE), JSON.stringify({ ...wanted, electron: '44.0.0' }));
    expect(staleNativeReason(dir, wanted)).toBe(`built for electron 44.0.0, now ${wanted.electron}`);
    writeFileSync(join(dir, STAMP_FILE), JSON.stringify(wanted));
    expect(staleNativeReason(dir, wanted)).toBeNull();
  });

  it('with the binary present, builds the addon or says why not, and never touches the Node build', async () => {
    // A stand-in for an installed binary (ELECTRON_OVERRIDE_DIST_PATH, as Electron's index reads it): nothing runs it.
    const dist = mkdtempSync(join(scratch, 'dist-'));
    writeFileSync(join(dist, 'electron'), '');
    const nodeBuild = join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const nodeBytes = readFileSync(nodeBuild);
    const said: string[] = [];
    const setup = await prepareElectron({ root: REPO, say: (l) => said.push(l), env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist } });
    const current = staleNativeReason(NATIVE_DIR, wantedBuild(REPO)) === null;
    if (setup.kind === 'electron') {
      // A machine that can fetch Electron's headers or a prebuilt addon.
      expect(setup.binary).toBe(join(dist, 'electron'));
      expect(current).toBe(true);
    } else {
      // Here: no network beyond the npm registry, so @electron/rebuild cannot get Electron's headers.
      expect(said.some((l) => /^building better-sqlite3 \S+ for Electron \S+ \(.+\) into out\/native\/electron\.\.\.$/.test(l)), JSON.stringify({ said, setup })).toBe(true);
      expect(setup.reason).toMatch(/^better-sqlite3 could not be built for Electron: electron-native: .+\(it needs a prebuilt addon or Electron's headers/);
      expect(current).toBe(false);
      expect(existsSync(join(NATIVE_DIR, 'stage'))).toBe(false);
    }
    expect(readFileSync(nodeBuild).equals(nodeBytes)).toBe(true);
  }, 120_000);
});
