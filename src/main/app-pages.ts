/**
 * What counts as "the app's own page": the built renderer's index.html as
 * served on `app://console/` (app-protocol.ts), or in `electron-vite dev`
 * the renderer dev server on loopback. Pure (no electron import) so sender
 * and request checks can be tested.
 */
import { dirname } from 'node:path';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './app-protocol';

/** The trusted renderer locations of one run. */
export interface AppPages {
  /** `app://console/index.html`: the built renderer's index.html. */
  readonly indexUrl: URL;
  /** The folder holding it: the only files `app://console/` serves. */
  readonly rendererDir: string;
  /** Origin of the renderer dev server (`http://localhost:5173`) in development, else null. */
  readonly devServer: URL | null;
}

/**
 * @param rendererIndexPath absolute path of out/renderer/index.html
 * @param devServerUrl the dev server URL from `parseDevServerUrl`, or null
 */
export function appPages(rendererIndexPath: string, devServerUrl: string | null): AppPages {
  return { indexUrl: new URL(APP_INDEX_URL), rendererDir: dirname(rendererIndexPath), devServer: devServerUrl === null ? null : new URL(devServerUrl) };
}

/**
 * The dev server URL electron-vite passes in `ELECTRON_RENDERER_URL`, if it
 * may be used: never in a packaged app (an environment variable must not be
 * able to point the console at other content), and only plain http on a
 * loopback host.
 */
export function parseDevServerUrl(value: string | undefined, packaged: boolean): string | null {
  if (packaged || value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'http:' || !loopback || url.username !== '' || url.password !== '') return null;
  return url.origin;
}

/**
 * True when `url` is the app's page itself (the file, or any page of the dev
 * server): the only sender the main process answers.
 */
export function isAppPage(url: string, pages: AppPages): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST && parsed.pathname === pages.indexUrl.pathname;
  return pages.devServer !== null && parsed.protocol === 'http:' && parsed.origin === pages.devServer.origin;
}

/**
 * True when the renderer may load `url`: the app's own scheme (whose
 * handler serves only the renderer folder), DevTools, inline `data:`
 * images, and in development the dev server (http and its HMR WebSocket).
 * Everything else, remote or local, `file://` included, is blocked.
 */
export function isAllowedRequest(url: string, pages: AppPages): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  switch (parsed.protocol) {
    case `${APP_SCHEME}:`:
      return parsed.host === APP_HOST;
    case 'devtools:':
    case 'data:':
      return true;
    case 'http:':
    case 'ws:':
      return pages.devServer !== null && parsed.host === pages.devServer.host;
    default:
      return false;
  }
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
