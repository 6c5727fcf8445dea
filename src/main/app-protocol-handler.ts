/**
 * Plugs the pure resolver (app-protocol.ts) into Electron: the scheme is
 * registered as standard and secure before the app is ready (so the page has
 * an origin, `'self'` in the CSP means it, and it is a secure context), and
 * served from the renderer folder once it is. Every response carries the
 * console's CSP header itself: a custom protocol's responses do not pass
 * through a server that could add it.
 */
import { readFile, stat } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { APP_SCHEME, resolveAppAsset } from './app-protocol';

/** Call before `app.whenReady()`: Electron accepts scheme privileges only then. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves `app://console/...` from `rendererDir` on `session`'s protocol. */
export function serveAppScheme(session: Session, rendererDir: string, csp: string, log: (message: string) => void): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const asset = resolveAppAsset(request.url, rendererDir);
    if (!asset.ok) {
      log(`app: refused ${request.url.slice(0, 200)}: ${asset.reason}`);
      return new Response(null, { status: asset.status });
    }
    try {
      if (!(await stat(asset.path)).isFile()) return new Response(null, { status: 404 });
      const body = await readFile(asset.path);
      return new Response(body, {
        status: 200,
        headers: { 'Content-Type': asset.mime, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
