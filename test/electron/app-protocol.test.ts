/**
 * The console's `app://console/` scheme (src/main/app-protocol.ts): which
 * file of the renderer folder a URL names, and what is refused. Checked
 * against the real built renderer too: every file electron-vite emits is
 * served with a type, and nothing outside the folder is.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_MIME_TYPES, resolveAppAsset } from '../../src/main/app-protocol';
import { electronSqliteBindingPath } from '../../src/main/sqlite-binding-path';

const DIR = resolve('/opt/surveil/out/renderer');

describe('resolveAppAsset', () => {
  it('serves the index at / and at /index.html, a query or hash ignored', () => {
    for (const url of ['app://console/', 'app://console', APP_INDEX_URL, `${APP_INDEX_URL}?x=1#/alerts`]) {
      expect(resolveAppAsset(url, DIR), url).toEqual({ ok: true, path: join(DIR, 'index.html'), mime: 'text/html; charset=utf-8' });
    }
  });

  it('serves the build output with its type', () => {
    expect(resolveAppAsset('app://console/assets/index-Ab12.js', DIR)).toEqual({ ok: true, path: join(DIR, 'assets', 'index-Ab12.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppAsset('app://console/assets/index-Ab12.css', DIR)).toMatchObject({ ok: true, mime: 'text/css; charset=utf-8' });
    expect(resolveAppAsset('app://console/assets/parquet_wasm_bg.wasm', DIR)).toMatchObject({ ok: true, mime: 'application/wasm' });
    expect(resolveAppAsset('app://console/icon.SVG', DIR)).toMatchObject({ ok: true, mime: 'image/svg+xml' });
    // A space and other escapes are decoded to the file's own name.
    expect(resolveAppAsset('app://console/assets/a%20b.js', DIR)).toMatchObject({ ok: true, path: join(DIR, 'assets', 'a b.js') });
  });

  it.each([
    ['a plain ..', 'app://console/../../etc/passwd.txt'],
    ['an encoded ..', 'app://console/%2e%2e/%2e%2e/etc/passwd.txt'],
    ['an encoded slash and ..', 'app://console/assets%2f..%2f..%2fconfig%2fexchanges.json'],
    ['a backslash', 'app://console/..%5c..%5cconfig%5cexchanges.json'],
    ['a NUL', 'app://console/index.html%00.js'],
    ['an absolute path inside', 'app://console/%2fetc%2fpasswd.txt'],
  ])('refuses %s: it would leave the renderer folder', (_what, url) => {
    const asset = resolveAppAsset(url, DIR);
    if (asset.ok) {
      // URL parsing may fold a plain `..` before we see it: then what is served must still be inside.
      expect(relative(DIR, asset.path).startsWith('..')).toBe(false);
      expect(asset.path.startsWith(DIR + sep)).toBe(true);
    } else {
      expect(asset.status === 403 || asset.status === 400, JSON.stringify(asset)).toBe(true);
    }
  });

  it('keeps a folded .. inside the folder, and refuses with 403 the escapes URL parsing does not fold', () => {
    // WHATWG URL parsing folds `..` and `%2e%2e` segments at the root: what is left is a path inside.
    expect(resolveAppAsset('app://console/%2e%2e/%2e%2e/etc/passwd.txt', DIR)).toMatchObject({ ok: true, path: join(DIR, 'etc', 'passwd.txt') });
    expect(resolveAppAsset('app://console/assets%2f..%2f..%2fx.js', DIR)).toEqual({ ok: false, status: 403, reason: 'path leaves the renderer folder' });
    expect(resolveAppAsset('app://console/..%5c..%5cx.js', DIR)).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppAsset('app://console/index.html%00.js', DIR)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses other hosts, schemes, credentials and broken URLs with 400', () => {
    expect(resolveAppAsset('app://evil/index.html', DIR)).toEqual({ ok: false, status: 400, reason: 'unknown host evil' });
    expect(resolveAppAsset('app://user:pw@console/index.html', DIR)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppAsset('file:///opt/surveil/out/renderer/index.html', DIR)).toEqual({ ok: false, status: 400, reason: 'not app:' });
    expect(resolveAppAsset('https://console/index.html', DIR)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppAsset('not a url', DIR)).toEqual({ ok: false, status: 400, reason: 'not a URL' });
    expect(resolveAppAsset('app://console/%E0%A4%A', DIR)).toEqual({ ok: false, status: 400, reason: 'bad percent-encoding' });
  });

  it('refuses types it does not serve with 404', () => {
    expect(resolveAppAsset('app://console/secret.yaml', DIR)).toEqual({ ok: false, status: 404, reason: 'type not served: .yaml' });
    expect(resolveAppAsset('app://console/assets/', DIR)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppAsset('app://console/history.sqlite', DIR)).toMatchObject({ ok: false, status: 404 });
  });

  it('serves every file of the real renderer build, when there is one (npm run build)', () => {
    const real = resolve('out/renderer');
    if (!existsSync(join(real, 'index.html'))) return;
    const files = (readdirSync(real, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const path = join(f.parentPath, f.name);
      const url = `app://console/${relative(real, path).split(sep).map(encodeURIComponent).join('/')}`;
      const asset = resolveAppAsset(url, real);
      expect(asset, url).toEqual({ ok: true, path, mime: APP_MIME_TYPES[path.slice(path.lastIndexOf('.')).toLowerCase()] });
    }
  });
});

describe('electronSqliteBindingPath', () => {
  it('is out/native/electron beside out/main in a checkout', () => {
    expect(electronSqliteBindingPath(join('/repo', 'out', 'main'))).toBe(join('/repo', 'out', 'native', 'electron', 'better_sqlite3.node'));
  });

  it('is in app.asar.unpacked inside a packaged app', () => {
    const main = join('/opt', 'Surveillance Console', 'resources', 'app.asar', 'out', 'main');
    expect(electronSqliteBindingPath(main)).toBe(join('/opt', 'Surveillance Console', 'resources', 'app.asar.unpacked', 'out', 'native', 'electron', 'better_sqlite3.node'));
  });
});
