/**
 * The console's own scheme, `app://console/`, which serves the built
 * renderer instead of `file://` (item 18 of Electron's security checklist,
 * docs/electron-security.md): the page gets a real origin, and it can reach
 * no file but those of the renderer folder. Pure (no electron import): this
 * decides which file a URL names; app-protocol-handler.ts serves it.
 */
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
/** The page the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The only types served: what electron-vite's renderer build emits. A file
 * of any other type is refused rather than sent as an octet stream that a
 * renderer could be talked into sniffing.
 */
export const APP_MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppAsset =
  | { readonly ok: true; readonly path: string; readonly mime: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404; readonly reason: string };

/**
 * The file of the renderer folder that `url` names, or why none is served:
 * 400 for what is not an `app://console/` URL at all, 403 for a path that
 * would leave the folder (`..` encoded or not, backslashes, NUL, an absolute
 * path), 404 for an unknown type. `/` is index.html. Whether the file
 * exists is the handler's question.
 */
export function resolveAppAsset(url: string, rendererDir: string): AppAsset {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (parsed.protocol !== `${APP_SCHEME}:`) return refuse(400, `not ${APP_SCHEME}:`);
  if (parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return refuse(400, `unknown host ${parsed.host || '(none)'}`);
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return refuse(400, 'bad percent-encoding');
  }
  // URL parsing folds a plain `..`; these are what survive it: encoded dots and slashes, Windows separators, NUL.
  if (path.includes('\0') || path.includes('\\') || path.split('/').some((part) => part === '..')) return refuse(403, 'path leaves the renderer folder');
  if (path === '/' || path === '') path = '/index.html';
  const inside = normalize(path.slice(1));
  const full = join(rendererDir, inside);
  const rel = relative(rendererDir, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return refuse(403, 'path leaves the renderer folder');
  const mime = APP_MIME_TYPES[extname(full).toLowerCase()];
  if (mime === undefined) return refuse(404, `type not served: ${extname(full) || '(none)'}`);
  return { ok: true, path: full, mime };
}

function refuse(status: 400 | 403 | 404, reason: string): AppAsset {
  return { ok: false, status, reason };
}
