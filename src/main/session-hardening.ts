/**
 * Electron-side hardening of the session and of every web contents: the CSP
 * header, the request filter, permission handlers, and the navigation,
 * window-opening and webview guards. The decisions themselves live in the
 * pure app-pages.ts and security-policy.ts; this file only plugs them in.
 */
import type { Session, WebContents } from 'electron';
import { isAllowedRequest, type AppPages } from './app-pages';
import { contentSecurityPolicy, isPermissionGranted } from './security-policy';

/**
 * Applies the request filter, the CSP header and the permission handlers to
 * the session the console window uses. Call once, before the window loads.
 */
export function hardenSession(session: Session, pages: AppPages, log: (message: string) => void): void {
  // No remote content, no files outside the renderer folder: cancel everything else.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, pages);
    if (!allowed) log(`blocked request: ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });

  // The header CSP applies on top of the page's <meta> policy (both must pass):
  // it covers the dev server and anything the meta tag does not reach.
  const csp = contentSecurityPolicy(pages);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl, pages));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted(permission, details.requestingUrl ?? '', pages),
  );
  // USB, HID, serial and Bluetooth devices: never.
  session.setDevicePermissionHandler(() => false);
}

/**
 * Guards one web contents (main calls this from `web-contents-created`, so
 * every page the app ever creates gets it): no navigation away from the
 * loaded page, no new windows, no `<webview>`.
 */
export function hardenWebContents(contents: WebContents, log: (message: string) => void): void {
  contents.on('will-navigate', (event) => {
    log(`blocked navigation: ${event.url.slice(0, 200)}`);
    event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    // The top frame is covered by will-navigate; frames are not allowed by the CSP at all.
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked window: ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}
