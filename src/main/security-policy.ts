/**
 * The renderer's Content-Security-Policy and permission decisions. Pure (no
 * electron import): session-hardening.ts applies them, tests check them.
 */
import { isAppPage, type AppPages } from './app-pages';

/**
 * The policy of the built console: only its own scripts and styles, images
 * from itself or inline `data:`, no connections but to itself (the engine is
 * reached over IPC, never the network), no plugins, frames, forms or `<base>`.
 * `default-src 'none'` first, so whatever is not listed is refused.
 */
export const PRODUCTION_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The policy for a page: production's, except that under the dev server
 * styles may be inline (Vite injects imported CSS as `<style>` elements) and
 * the page may open the dev server's hot-reload WebSocket. Scripts stay
 * `'self'` in both: no `unsafe-inline`, no `unsafe-eval`.
 */
export function contentSecurityPolicy(pages: AppPages): string {
  if (pages.devServer === null) return PRODUCTION_CSP;
  const ws = `ws://${pages.devServer.host}`;
  return PRODUCTION_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${ws}`,
  );
}

/**
 * Permission requests (camera, geolocation, clipboard, ...) are all refused,
 * except notifications asked by the app's own page. The main process raises
 * the desktop notifications itself, so this only matters if the renderer
 * ever uses the web Notification API.
 */
export function isPermissionGranted(permission: string, requestingUrl: string, pages: AppPages): boolean {
  return permission === 'notifications' && isAppPage(requestingUrl, pages);
}
