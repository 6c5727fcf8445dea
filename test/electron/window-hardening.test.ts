/**
 * The window options and session guards as the main process actually builds
 * and installs them. Electron's binary cannot run here, so `electron` is
 * replaced by a stand-in that records what our code hands it (the window's
 * constructor options, the handlers registered on the session and the web
 * contents); the test then drives those handlers as Electron would. Our own
 * modules (main-window.ts, session-hardening.ts, app-pages.ts,
 * security-policy.ts) run unmodified.
 */
import { describe, expect, it, vi } from 'vitest';

const constructed: Record<string, unknown>[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    constructor(options: Record<string, unknown>) {
      constructed.push(options);
    }
    maximize(): void {}
    once(): void {}
    on(): void {}
  }
  return { BrowserWindow, screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] } };
});

const { createMainWindow } = await import('../../src/main/main-window');
const { hardenSession, hardenWebContents } = await import('../../src/main/session-hardening');
const { appPages } = await import('../../src/main/app-pages');

type Handler = (...args: never[]) => unknown;

describe('the console window as built', () => {
  it('is sandboxed and isolated, with no Node in any frame or worker', () => {
    const state = { current: () => ({ bounds: null, maximized: false, layout: null }), setWindow: () => undefined } as never;
    createMainWindow({ preloadPath: '/app/out/preload/index.cjs', dev: false, state, log: () => undefined });
    const prefs = constructed.at(-1)!.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('experimentalFeatures');
    expect(constructed.at(-1)!.show).toBe(false);
  });
});

describe('the session and web-contents guards as installed', () => {
  const pages = appPages('/app/out/renderer/index.html', null);
  const handlers = new Map<string, Handler>();
  const session = {
    webRequest: {
      onBeforeRequest: (h: Handler) => handlers.set('request', h),
      onHeadersReceived: (h: Handler) => handlers.set('headers', h),
    },
    setPermissionRequestHandler: (h: Handler) => handlers.set('permissionRequest', h),
    setPermissionCheckHandler: (h: Handler) => handlers.set('permissionCheck', h),
    setDevicePermissionHandler: (h: Handler) => handlers.set('device', h),
  };
  const logged: string[] = [];
  hardenSession(session as never, pages, (m) => logged.push(m));

  it('cancels every request but the app scheme (file:// included)', () => {
    const decide = (url: string): boolean => {
      let cancel: boolean | undefined;
      (handlers.get('request') as (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void)({ url }, (r) => (cancel = r.cancel));
      return cancel!;
    };
    expect(decide('app://console/index.html')).toBe(false);
    expect(decide('app://console/assets/index.js')).toBe(false);
    expect(decide('file:///app/out/renderer/index.html')).toBe(true);
    expect(decide('https://evil.example/x.js')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(logged.some((m) => m.startsWith('blocked request: https://evil.example'))).toBe(true);
  });

  it('replaces any CSP the response brings with the console policy', () => {
    let headers: Record<string, string[]> = {};
    (handlers.get('headers') as (d: object, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)(
      { responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toMatch(/default-src 'none'|default-src 'self'/);
    expect(csp).not.toContain('*');
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('grants no device and no permission to a foreign page', () => {
    let granted: boolean | undefined;
    (handlers.get('permissionRequest') as (c: unknown, p: string, cb: (g: boolean) => void, d: { requestingUrl: string }) => void)(
      null,
      'media',
      (g) => (granted = g),
      { requestingUrl: 'https://evil.example/' },
    );
    expect(granted).toBe(false);
    expect((handlers.get('permissionCheck') as (c: unknown, p: string, o: string, d: { requestingUrl: string }) => boolean)(null, 'geolocation', '', { requestingUrl: 'https://evil.example/' })).toBe(false);
    expect((handlers.get('device') as () => boolean)()).toBe(false);
  });

  it('prevents navigation, redirects, frame navigation, webviews and new windows', () => {
    const on = new Map<string, Handler>();
    let windowOpen: Handler | null = null;
    const contents = { on: (name: string, h: Handler) => on.set(name, h), setWindowOpenHandler: (h: Handler) => (windowOpen = h) };
    hardenWebContents(contents as never, () => undefined);
    const prevented = (name: string, extra: object = {}): boolean => {
      let done = false;
      (on.get(name) as (e: object) => void)({ url: 'https://evil.example/', preventDefault: () => (done = true), ...extra });
      return done;
    };
    expect(prevented('will-navigate')).toBe(true);
    expect(prevented('will-redirect')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(prevented('will-frame-navigate', { isMainFrame: false })).toBe(true);
    expect((windowOpen as unknown as (d: { url: string }) => { action: string })({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});
