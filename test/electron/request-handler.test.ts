import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, type ConsoleApi } from '../../src/shared/contract';
import { appPages, isAllowedRequest, isAppPage, parseDevServerUrl } from '../../src/main/app-pages';
import { guardCaptureOpening } from '../../src/main/capture-guard';
import { handleRequest } from '../../src/main/request-handler';
import { PRODUCTION_CSP, contentSecurityPolicy, isPermissionGranted } from '../../src/main/security-policy';

const INDEX = '/opt/surveil/out/renderer/index.html';
const PAGE = 'app://console/index.html';
const PROD = appPages(INDEX, null);
const DEV = appPages(INDEX, 'http://localhost:5173');

/** A ConsoleApi whose every method records its call; the part under test is what reaches it. */
function recordingApi() {
  const calls: { method: string; args: unknown[]; self: unknown }[] = [];
  const method =
    (name: string) =>
    function (this: unknown, ...args: unknown[]) {
      calls.push({ method: name, args, self: this });
      return Promise.resolve({ from: name });
    };
  const api = new Proxy({} as ConsoleApi, { get: (_t, name) => (name === 'subscribe' ? () => () => undefined : method(String(name))) });
  return { api, calls };
}

describe('handleRequest: sender', () => {
  it('answers the app page, with or without a hash or query', async () => {
    const { api, calls } = recordingApi();
    await expect(handleRequest(PAGE, 'snapshot', [], api, PROD)).resolves.toEqual({ from: 'snapshot' });
    await handleRequest(`${PAGE}#/alerts`, 'snapshot', [], api, PROD);
    await handleRequest(`${PAGE}?x=1`, 'snapshot', [], api, PROD);
    expect(calls).toHaveLength(3);
    // Called as a method of the api (class-based services need their `this`).
    expect(calls[0]!.self).toBe(api);
  });

  it.each([
    ['the built index on file:// (the console is served on app://)', 'file:///opt/surveil/out/renderer/index.html'],
    ['another page of the app scheme', 'app://console/other.html'],
    ['another host of the app scheme', 'app://evil/index.html'],
    ['another local file', 'file:///opt/surveil/out/renderer/other.html'],
    ['a file elsewhere', 'file:///etc/passwd'],
    ['a path climbing out', 'file:///opt/surveil/out/renderer/../renderer-evil/index.html'],
    ['a UNC share with the same path', 'file://evil-host/opt/surveil/out/renderer/index.html'],
    ['a remote page', 'https://example.com/index.html'],
    ['the dev server in production', 'http://localhost:5173/'],
    ['an empty URL', ''],
    ['no frame', undefined],
    ['garbage', 'not a url'],
  ])('refuses %s before validating anything', async (_what, url) => {
    const { api, calls } = recordingApi();
    await expect(handleRequest(url, 'snapshot', [], api, PROD)).rejects.toThrow(ApiRequestError);
    await expect(handleRequest(url, 'snapshot', [], api, PROD)).rejects.toThrow(/is not the console page/);
    expect(calls).toHaveLength(0);
  });

  it('in development answers the dev server origin only', async () => {
    const { api, calls } = recordingApi();
    await handleRequest('http://localhost:5173/', 'snapshot', [], api, DEV);
    await handleRequest(PAGE, 'snapshot', [], api, DEV);
    await expect(handleRequest('http://localhost:5174/', 'snapshot', [], api, DEV)).rejects.toThrow(ApiRequestError);
    await expect(handleRequest('https://localhost:5173/', 'snapshot', [], api, DEV)).rejects.toThrow(ApiRequestError);
    expect(calls).toHaveLength(2);
  });
});

describe('handleRequest: method and arguments', () => {
  it.each([
    ['an unknown method', 'deleteEverything', []],
    ['subscribe (not a request)', 'subscribe', []],
    ['an inherited name', 'constructor', []],
    ['a prototype key', '__proto__', []],
    ['a non-string method', 42, []],
    ['arguments that are not an array', 'snapshot', { 0: 1 }],
    ['too many arguments', 'snapshot', [1]],
    ['a missing argument', 'alertTrail', []],
    ['a bad instrument key', 'watchBook', ['BTCUSDT']],
    ['an unknown field', 'acknowledge', [{ alertId: 'a', by: 'me', note: '', admin: true }]],
    ['an empty name', 'acknowledge', [{ alertId: 'a', by: '   ', note: '' }]],
    ['a bad replay speed', 'openCapture', [{ path: '/x.jsonl', speed: -1 }]],
    ['an unknown replay action', 'controlReplay', [{ action: 'rewind' }]],
    ['a huge path', 'openCapture', [{ path: 'x'.repeat(5000), speed: 1 }]],
  ])('refuses %s', async (_what, method, args) => {
    const { api, calls } = recordingApi();
    await expect(handleRequest(PAGE, method, args, api, PROD)).rejects.toThrow(ApiRequestError);
    expect(calls).toHaveLength(0);
  });

  it('passes the parsed arguments on (schemas strip nothing the contract allows)', async () => {
    const { api, calls } = recordingApi();
    await handleRequest(PAGE, 'acknowledge', [{ alertId: 'a1', by: ' desk-ops ', note: 'checked' }], api, PROD);
    await handleRequest(PAGE, 'series', [{ key: 'okx:BTC-USDT-SWAP', metrics: ['spread_bps'], from: 0, to: 10, maxPoints: 100 }], api, PROD);
    expect(calls.map((c) => [c.method, c.args])).toEqual([
      ['acknowledge', [{ alertId: 'a1', by: 'desk-ops', note: 'checked' }]],
      ['series', [{ key: 'okx:BTC-USDT-SWAP', metrics: ['spread_bps'], from: 0, to: 10, maxPoints: 100 }]],
    ]);
  });
});

describe('app pages, requests and CSP', () => {
  it('takes the dev server URL only unpackaged, over http, on loopback', () => {
    expect(parseDevServerUrl('http://localhost:5173', false)).toBe('http://localhost:5173');
    expect(parseDevServerUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173');
    expect(parseDevServerUrl('http://localhost:5173', true)).toBeNull();
    expect(parseDevServerUrl('https://example.com', false)).toBeNull();
    expect(parseDevServerUrl('http://192.168.1.5:5173', false)).toBeNull();
    expect(parseDevServerUrl('http://user:pw@localhost:5173', false)).toBeNull();
    expect(parseDevServerUrl('file:///tmp/index.html', false)).toBeNull();
    expect(parseDevServerUrl(undefined, false)).toBeNull();
    expect(parseDevServerUrl('', false)).toBeNull();
  });

  it('lets the renderer load its own files and nothing remote or elsewhere on disk', () => {
    expect(isAllowedRequest(PAGE, PROD)).toBe(true);
    expect(isAllowedRequest('app://console/assets/index-abc.js', PROD)).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', PROD)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', PROD)).toBe(true);
    for (const url of [
      // file:// is not the console's any more: none of it, not even the renderer folder.
      'file:///opt/surveil/out/renderer/index.html',
      'file:///opt/surveil/out/renderer/assets/index-abc.js',
      'app://evil/index.html',
      'file:///opt/surveil/out/renderer/../../config/exchanges.yaml',
      'file:///opt/surveil/out/renderer-other/x.js',
      'file:///home/desk/.ssh/id_rsa',
      'file://server/opt/surveil/out/renderer/index.html',
      'https://cdn.example.com/lib.js',
      'http://localhost:5173/',
      'ws://127.0.0.1:8050/api',
      'wss://stream.binance.com/ws',
      'blob:file:///123',
      'chrome://gpu',
      'nonsense',
    ]) {
      expect(isAllowedRequest(url, PROD), url).toBe(false);
    }
    expect(isAllowedRequest('http://localhost:5173/src/main.ts', DEV)).toBe(true);
    expect(isAllowedRequest('ws://localhost:5173/', DEV)).toBe(true);
    expect(isAllowedRequest('http://localhost:5174/', DEV)).toBe(false);
  });

  it('the page itself is the index only', () => {
    expect(isAppPage(PAGE, PROD)).toBe(true);
    expect(isAppPage(`${PAGE}?x=1#/alerts`, PROD)).toBe(true);
    expect(isAppPage('app://console/assets/index-abc.js', PROD)).toBe(false);
    expect(isAppPage('file:///opt/surveil/out/renderer/index.html', PROD)).toBe(false);
  });

  it('has a strict production CSP and relaxes only styles and HMR under the dev server', () => {
    expect(contentSecurityPolicy(PROD)).toBe(PRODUCTION_CSP);
    expect(PRODUCTION_CSP).toContain("default-src 'none'");
    expect(PRODUCTION_CSP).toContain("script-src 'self';");
    expect(PRODUCTION_CSP).toContain("connect-src 'self';");
    expect(PRODUCTION_CSP).toContain("object-src 'none'");
    expect(PRODUCTION_CSP).not.toMatch(/unsafe-(inline|eval)|\*|http:|https:|ws:/);
    const dev = contentSecurityPolicy(DEV);
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("script-src 'self';");
    expect(dev).not.toContain('unsafe-eval');
  });

  it('grants notifications to the app page and nothing else to anyone', () => {
    expect(isPermissionGranted('notifications', PAGE, PROD)).toBe(true);
    expect(isPermissionGranted('notifications', 'https://example.com/', PROD)).toBe(false);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
      expect(isPermissionGranted(permission, PAGE, PROD), permission).toBe(false);
    }
  });
});

describe('capture guard', () => {
  it('lets the renderer open listed or supervisor-picked captures only', async () => {
    const openCapture = vi.fn(async () => ({ capture: 'x' }) as never);
    const api = {
      listCaptures: async () => [{ path: '/data/captures/listed.jsonl.gz', bytes: 1, modified: 0 }],
      openCapture,
      snapshot: async () => 'snapshot',
    } as unknown as ConsoleApi;
    const picked = new Set(['/home/desk/picked.jsonl']);
    const guarded = guardCaptureOpening(api, picked);
    await guarded.openCapture({ path: '/data/captures/listed.jsonl.gz', speed: 1 });
    await guarded.openCapture({ path: '/home/desk/./picked.jsonl', speed: 'max' });
    await expect(guarded.openCapture({ path: '/etc/shadow', speed: 1 })).rejects.toThrow(/not a capture this console offers/);
    await expect(guarded.openCapture({ path: '/data/captures/../../etc/shadow', speed: 1 })).rejects.toThrow(/not a capture/);
    expect(openCapture).toHaveBeenCalledTimes(2);
    await expect(guarded.snapshot()).resolves.toBe('snapshot');
  });
});
