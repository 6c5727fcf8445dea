import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { tokenMatches } from '../../src/engine/console/web-security';
import { SHIPPED_CONFIG } from '../config/helpers';
import { ApiClient, cleanupDirs, fakeRenderer } from './helpers';
import { networkInterfaces } from 'node:os';

/** A raw GET: fetch would normalize `..` away before it left the client. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// A real console service whose engine is not started: the web layer is what is under test here.
const service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath: null });
let renderer: { root: string; secret: string };
let loopback: WebServer;

beforeAll(async () => {
  renderer = fakeRenderer();
  loopback = await startWebServer({ api: service, port: 0, rootDir: renderer.root });
});

afterAll(async () => {
  await loopback?.close();
  await service.stop();
  cleanupDirs();
});

describe('console web server', () => {
  it('serves the built renderer with strict security headers', async () => {
    const page = await get(loopback.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${loopback.port}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await get(loopback.port, '/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['content-security-policy']).toBeDefined();
  });

  it('refuses path traversal, lists no folders and checks the Host header', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt', '/..%5csecret.txt', '/%00index.html']) {
      const res = await get(loopback.port, path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('do not serve');
    }
    expect((await get(loopback.port, '/assets/')).status).toBe(404);
    expect((await get(loopback.port, '/assets')).status).toBe(404);
    expect((await get(loopback.port, '/missing.js')).status).toBe(404);
    // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host.
    expect((await get(loopback.port, '/', { host: `evil.example:${loopback.port}` })).status).toBe(403);
  });

  it('accepts WebSocket upgrades from its own origin only', async () => {
    const own = await ApiClient.connect(`ws://127.0.0.1:${loopback.port}/api`, { origin: `http://127.0.0.1:${loopback.port}` });
    expect((await own.call('snapshot')).mode).toEqual({ kind: 'live' });
    own.close();
    await expect(ApiClient.connect(`ws://127.0.0.1:${loopback.port}/api`, { origin: 'http://evil.example' })).rejects.toThrow('refused: 403');
    await expect(ApiClient.connect(`ws://127.0.0.1:${loopback.port}/other`)).rejects.toThrow('refused: 404');
  });

  it('needs the access token on any non-loopback bind', async () => {
    const open = await startWebServer({ api: service, host: '0.0.0.0', port: 0, rootDir: renderer.root });
    try {
      const token = open.token!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      // Shown with an address other machines can reach (loopback only on a machine without one).
      const external = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
      expect(open.url).toBe(`http://${external}:${open.port}/?token=${token}`);
      expect((await get(open.port, '/')).status).toBe(401);
      expect((await get(open.port, `/?token=${'0'.repeat(64)}`)).status).toBe(401);
      const page = await get(open.port, `/?token=${token}`);
      expect(page.status).toBe(200);
      // The page's own asset requests carry the token as a cookie.
      const cookie = String(page.headers['set-cookie']).split(';')[0]!;
      expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      expect((await get(open.port, '/assets/app.js', { cookie })).status).toBe(200);
      expect((await get(open.port, '/assets/app.js')).status).toBe(401);

      await expect(ApiClient.connect(`ws://127.0.0.1:${open.port}/api`)).rejects.toThrow('refused: 401');
      await expect(ApiClient.connect(`ws://127.0.0.1:${open.port}/api?token=wrong`)).rejects.toThrow('refused: 401');
      const client = await ApiClient.connect(`ws://127.0.0.1:${open.port}/api?token=${token}`, { origin: `http://127.0.0.1:${open.port}` });
      expect((await client.call('snapshot')).apiVersion).toBe(1);
      client.close();
    } finally {
      await open.close();
    }
  });

  it('compares tokens without giving away their length or prefix', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });

  it('refuses to start without a built renderer, saying what to run', async () => {
    await expect(startWebServer({ api: service, port: 0, rootDir: `${renderer.root}/nope` })).rejects.toThrow('npm run build');
  });
});
