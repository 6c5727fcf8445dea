import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { isLoopbackHost, tokenMatches } from '../../src/engine/console/web-security';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, SHIPPED_CONFIG } from '../config/helpers';
import { runConsole } from '../../src/engine/console/run-console';
import { ApiClient, cleanupDirs, fakeRenderer } from './helpers';
import { networkInterfaces } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as tlsRequest } from 'node:https';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { tempDir } from './helpers';

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

/** A GET over HTTP or HTTPS (trusting the test certificate) to any local address, with any headers. */
function fetchRaw(options: { tls?: boolean; host?: string; port: number; path: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const send = options.tls ? tlsRequest : request;
    const req = send({ host: options.host ?? '127.0.0.1', port: options.port, path: options.path, headers: options.headers ?? {}, ...(options.tls ? { ca: certPem } : {}) }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket as a browser page of `origin` would: 'open', or the HTTP status it was refused with. */
function upgrade(url: string, origin: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, headers, ...(url.startsWith('wss:') ? { ca: certPem } : {}) });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

// A self-signed certificate made for this run (openssl is on every machine the tests run on).
const certDir = tempDir('surveil-tls-');
const cert = { certFile: join(certDir, 'cert.pem'), keyFile: join(certDir, 'key.pem') };
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
  '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', cert.keyFile, '-out', cert.certFile,
], { stdio: 'ignore' });
const certPem = readFileSync(cert.certFile);

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
  cleanupTempDirs();
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

  it('needs the access token on any non-loopback bind, served over TLS with a Secure cookie', async () => {
    const open = await startWebServer({ api: service, host: '0.0.0.0', port: 0, rootDir: renderer.root, tls: cert });
    try {
      const token = open.token!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(open.secure).toBe(true);
      // Shown with an address other machines can reach (loopback only on a machine without one).
      const external = Object.values(networkInterfaces()).flat().find((a) => a?.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';
      expect(open.url).toBe(`https://${external}:${open.port}/?token=${token}`);
      const tget = (path: string, headers: Record<string, string> = {}) => fetchRaw({ tls: true, port: open.port, path, headers });
      expect((await tget('/')).status).toBe(401);
      expect((await tget(`/?token=${'0'.repeat(64)}`)).status).toBe(401);
      const page = await tget(`/?token=${token}`);
      expect(page.status).toBe(200);
      // The page's own asset requests carry the token as a cookie, which the browser sends over TLS only.
      const setCookie = String(page.headers['set-cookie']);
      expect(setCookie).toBe(`surveil_token=${token}; HttpOnly; SameSite=Strict; Path=/; Secure`);
      expect(String(page.headers['content-security-policy'])).toContain(`connect-src 'self' wss://127.0.0.1:${open.port}`);
      expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
      const cookie = setCookie.split(';')[0]!;
      expect((await tget('/assets/app.js', { cookie })).status).toBe(200);
      expect((await tget('/assets/app.js')).status).toBe(401);
      // Plain HTTP to the TLS port gets nothing served.
      await expect(get(open.port, `/?token=${token}`)).rejects.toThrow();

      const wss = `wss://127.0.0.1:${open.port}/api`;
      expect(await upgrade(`${wss}`, `https://127.0.0.1:${open.port}`)).toBe(401);
      expect(await upgrade(`${wss}?token=wrong`, `https://127.0.0.1:${open.port}`)).toBe(401);
      // The page was served over https: an http:// origin is another origin.
      expect(await upgrade(`${wss}?token=${token}`, `http://127.0.0.1:${open.port}`)).toBe(403);
      expect(await upgrade(`${wss}?token=${token}`, `https://127.0.0.1:${open.port}`)).toBe('open');
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

describe('console web server: loopback in every spelling, TLS or a reverse proxy off it', () => {
  it.each([
    'localhost',
    'LocalHost',
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.254',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '0000:0000:0000:0000:0000:0000:0000:0001',
    '::0:1',
    '0::1',
    '::1%lo',
    '::ffff:127.0.0.1',
    '[::ffff:127.9.8.7]',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:127.0.0.1',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '::2', '1::1', '::ffff:10.0.0.1', '::ffff:8000:1', '128.0.0.1', '10.0.0.1', 'fe80::1', 'localhost.example.com', 'example.com', '::127.0.0.1'])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it.each(['0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('a server bound to %s is a loopback server: no token, loopback Host names only', async (host) => {
    const server = await startWebServer({ api: service, host, port: 0, rootDir: renderer.root });
    try {
      expect(server.token).toBeNull();
      expect(server.secure).toBe(false);
      expect(server.url).toBe(`http://[${host}]:${server.port}/`);
      const at = host.includes('ffff') ? '127.0.0.1' : '::1';
      expect((await fetchRaw({ host: at, port: server.port, path: '/', headers: { host: `[::1]:${server.port}` } })).status).toBe(200);
      expect((await fetchRaw({ host: at, port: server.port, path: '/', headers: { host: `[0:0:0:0:0:0:0:1]:${server.port}` } })).status).toBe(200);
      expect((await fetchRaw({ host: at, port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } })).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('refuses plain HTTP off loopback, saying how to give it a certificate or a proxy', async () => {
    await expect(startWebServer({ api: service, host: '0.0.0.0', port: 0, rootDir: renderer.root })).rejects.toThrow(
      /refusing to serve the console on 0\.0\.0\.0 over plain HTTP.*--tls-cert FILE --tls-key FILE.*web\.public_origin/,
    );
  });

  it('names the certificate or key file it cannot use', async () => {
    const missing = join(certDir, 'missing.pem');
    await expect(startWebServer({ api: service, host: '0.0.0.0', port: 0, rootDir: renderer.root, tls: { certFile: missing, keyFile: cert.keyFile } })).rejects.toThrow(
      `TLS certificate ${missing}: cannot read: ENOENT`,
    );
    // The certificate given where the key belongs.
    await expect(startWebServer({ api: service, host: '0.0.0.0', port: 0, rootDir: renderer.root, tls: { certFile: cert.certFile, keyFile: cert.certFile } })).rejects.toThrow(
      `TLS key ${cert.certFile}: not a PEM key`,
    );
  });

  it('behind a TLS reverse proxy on loopback: the token is still required, the cookie is Secure, Host and Origin are the proxy\'s', async () => {
    const server = await startWebServer({ api: service, port: 0, rootDir: renderer.root, publicOrigin: 'https://console.example.test' });
    try {
      const token = server.token!;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(server.secure).toBe(true);
      expect(server.url).toBe(`https://console.example.test/?token=${token}`);
      const proxied = { host: 'console.example.test', 'x-forwarded-proto': 'https' };
      expect((await get(server.port, '/', proxied)).status).toBe(401);
      const page = await get(server.port, `/?token=${token}`, proxied);
      expect(page.status).toBe(200);
      expect(String(page.headers['set-cookie'])).toMatch(/; Secure$/);
      expect(String(page.headers['content-security-policy'])).toContain("connect-src 'self' wss://console.example.test");
      // Straight to the loopback port, past the proxy: not this server's name.
      expect((await get(server.port, `/?token=${token}`)).status).toBe(403);
      const ws = `ws://127.0.0.1:${server.port}/api?token=${token}`;
      expect(await upgrade(ws, 'https://console.example.test', { host: 'console.example.test' })).toBe('open');
      expect(await upgrade(ws, 'http://console.example.test', { host: 'console.example.test' })).toBe(403);
      expect(await upgrade(`ws://127.0.0.1:${server.port}/api`, 'https://console.example.test', { host: 'console.example.test' })).toBe(401);
    } finally {
      await server.close();
    }
    await expect(startWebServer({ api: service, port: 0, rootDir: renderer.root, publicOrigin: 'http://console.example.test' })).rejects.toThrow('must be https://');
  });
});

describe('features.yaml web.tls', () => {
  const webSection = 'web:\n  host: 127.0.0.1         # loopback only; the console has no authentication\n  port: 8050\n';

  it('a certificate given by path there serves the console over HTTPS off loopback', async () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', webSection, `web:\n  host: 0.0.0.0\n  port: 8050\n  tls:\n    cert_file: ${cert.certFile}\n    key_file: ${cert.keyFile}\n`);
    const config = loadConfig(dir);
    expect(config.features.web.tls).toEqual(cert);
    // The simulator on loopback stands in for the exchanges: no test reaches the internet.
    const running = await runConsole({ config, demo: 'showcase', port: 0, rendererDir: renderer.root });
    try {
      expect(running.web.secure).toBe(true);
      expect(running.web.url).toMatch(/^https:\/\//);
      const page = await fetchRaw({ tls: true, port: running.web.port, path: `/?token=${running.web.token}` });
      expect(page.status).toBe(200);
      expect(String(page.headers['set-cookie'])).toMatch(/; Secure$/);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('refuses the key itself in place of its path', () => {
    const dir = copyShippedConfig();
    const inline = JSON.stringify(readFileSync(cert.keyFile, 'utf8'));
    editConfigFile(dir, 'features.yaml', webSection, `web:\n  host: 0.0.0.0\n  port: 8050\n  tls:\n    cert_file: ${cert.certFile}\n    key_file: ${inline}\n`);
    expect(() => loadConfig(dir)).toThrow(/key_file.*a path to the PEM file, never its contents/s);
  });
});
