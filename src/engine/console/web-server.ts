import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ConsoleApi } from '../../shared/contract';
import { REPORT_CSP } from '../report/report-html';
import { serveSocket } from './web-socket';
import { cookieValue, isLoopbackHost, newAccessToken, saneHost, securityHeaders, TOKEN_COOKIE, tokenCookie, tokenMatches } from './web-security';

/** Certificate and private key files (PEM) for HTTPS: paths only, the key never goes in a config file. */
export interface WebTls {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface WebServerOptions {
  readonly api: ConsoleApi;
  /** Interface to bind; default 127.0.0.1. Any other than loopback needs the access token. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The built renderer (`out/renderer`). */
  readonly rootDir: string;
  /** Fixed token (tests); default a fresh one when the host is not loopback. */
  readonly token?: string;
  /** Serve HTTPS (and WSS) with this certificate: required for any bind other than loopback. */
  readonly tls?: WebTls;
  /**
   * The https:// origin a TLS-terminating reverse proxy serves the console at
   * (the console itself bound to loopback behind it): the token is required
   * as off loopback, the cookie is `Secure`, and Host and Origin must be the
   * proxy's.
   */
  readonly publicOrigin?: string;
  /**
   * The history folder's `reports/` (ConsoleService.marketReport writes
   * there): served at `/reports/<file>` under the report's own strict CSP.
   */
  readonly reportsDir?: string;
  /**
   * The history folder's `exports/` (ConsoleService.exportHistory writes
   * there): its CSV and Parquet files served at `/exports/<file>` as
   * downloads (Content-Disposition: attachment), nothing else.
   */
  readonly exportsDir?: string;
}

export interface WebServer {
  readonly host: string;
  readonly port: number;
  /** Null on loopback (nobody else can connect); otherwise required on the page and WebSocket URLs. */
  readonly token: string | null;
  /** True when the browser reaches the console over TLS (here or at the reverse proxy): cookies are `Secure`. */
  readonly secure: boolean;
  /** The page URL to open, with the token when one is needed. */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The files `/exports/` serves, by extension, and their content types: never rendered by the browser. */
const EXPORT_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};

/** `attachment` with the file name, ASCII-safe (RFC 6266 `filename`) and exact (`filename*`). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Why the console cannot be served from `rootDir`, or null when it can. */
export function rendererProblem(rootDir: string): string | null {
  return existsSync(join(rootDir, 'index.html')) ? null : `the console is not built (${join(rootDir, 'index.html')} is missing): run \`npm run build\` first`;
}

/**
 * The browser console: the built renderer as static files and the
 * {@link ConsoleApi} on a WebSocket at `/api`, on one port. Loopback by
 * default (Host header checked, against DNS rebinding); any other bind
 * requires an access token on the page URL (then a SameSite cookie) and on
 * the WebSocket, and WebSocket upgrades must come from the served origin.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const problem = rendererProblem(options.rootDir);
  if (problem) throw new Error(problem);
  const root = realpathSync(options.rootDir);
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const proxy = options.publicOrigin === undefined ? null : proxyOrigin(options.publicOrigin);
  if (!loopback && !options.tls) {
    throw new Error(
      `refusing to serve the console on ${host} over plain HTTP: its access token would cross the network in clear. ` +
        'Give a certificate (serve --tls-cert FILE --tls-key FILE, SURVEIL_TLS_CERT_FILE / SURVEIL_TLS_KEY_FILE, or features.yaml web.tls), ' +
        'or keep it on 127.0.0.1 behind a TLS reverse proxy (web.public_origin): docs/runbook.md',
    );
  }
  const tls = options.tls ? readTls(options.tls) : null;
  const secure = tls !== null || proxy !== null;
  // Behind a proxy the loopback bind is reachable by everyone the proxy serves: the token is needed all the same.
  const token = loopback && proxy === null ? null : (options.token ?? newAccessToken());
  const scheme = tls ? 'https' : 'http';
  let port = options.port;

  /** The Host header when it names this server; loopback accepts only loopback names (DNS rebinding), a proxy only its own. */
  const servedHost = (req: IncomingMessage): string | null => {
    const h = saneHost(req.headers.host);
    if (h === null) return null;
    if (proxy !== null) return h.toLowerCase() === proxy.host ? h : null;
    if (!loopback) return h;
    const name = h.replace(/:\d+$/, '');
    return isLoopbackHost(name) && h.endsWith(`:${port}`) ? h : null;
  };
  /** The origin the page was served from, which is the only one allowed to open the WebSocket. */
  const pageOrigin = (hostHeader: string) => proxy?.origin ?? `${scheme}://${hostHeader}`;
  const presented = (req: IncomingMessage, url: URL) => url.searchParams.get('token') ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);

  const handler: RequestListener = (req, res) => {
    const hostHeader = servedHost(req);
    const headers = securityHeaders(hostHeader ?? `${host}:${port}`, secure);
    const fail = (status: number, text: string) => {
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (hostHeader === null) return fail(403, 'unexpected Host header');
    const url = new URL(req.url ?? '/', `${scheme}://${hostHeader}`);
    if (token !== null && !tokenMatches(token, presented(req, url))) return fail(401, 'access token required: open the URL printed by `surveil serve`');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    // The raw path, not url.pathname: URL parsing would quietly fold `..` away instead of refusing it.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const report = rawPath.startsWith('/reports/');
    if (report) {
      // A report is a page of its own: no script, nothing to fetch (report-html.ts), whatever the console's policy allows.
      headers['content-security-policy'] = `${REPORT_CSP}; frame-ancestors 'none'; base-uri 'none'`;
    }
    const exported = rawPath.startsWith('/exports/');
    if (exported) {
      // A download, never a page: nothing in it may run or load.
      headers['content-security-policy'] = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox";
    }
    const folderRoot = (dir: string | undefined) => (dir && existsSync(dir) ? realpathSync(dir) : null);
    const reportsRoot = report ? folderRoot(options.reportsDir) : null;
    const exportsRoot = exported ? folderRoot(options.exportsDir) : null;
    const file = report
      ? reportsRoot === null ? null : staticFile(reportsRoot, rawPath.slice('/reports'.length))
      : exported
        ? exportsRoot === null ? null : staticFile(exportsRoot, rawPath.slice('/exports'.length))
        : staticFile(root, rawPath);
    if (file === 'refused') return fail(403, 'path refused');
    if (file === null) return fail(404, 'not found');
    const extra: Record<string, string> = {};
    if (token !== null && url.searchParams.get('token') !== null) {
      extra['set-cookie'] = tokenCookie(token, secure);
    }
    if (exported) {
      const type = EXPORT_TYPES[extname(file)];
      if (type === undefined) return fail(404, 'not found');
      // Streamed: an export can be tens of MB (docs/exports.md).
      const size = statSync(file).size;
      res.writeHead(200, { ...headers, ...extra, 'content-type': type, 'content-length': size, 'content-disposition': attachmentDisposition(basename(file)) });
      if (req.method === 'HEAD') return res.end();
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { ...headers, ...extra, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const hostHeader = servedHost(req);
    if (hostHeader === null) return refuse('403 Forbidden');
    const url = new URL(req.url ?? '/', `${scheme}://${hostHeader}`);
    if (url.pathname !== '/api') return refuse('404 Not Found');
    // A browser always sends Origin: a page of another site must not drive the console (cross-site WebSocket hijacking).
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== pageOrigin(hostHeader)) return refuse('403 Forbidden');
    if (token !== null && !tokenMatches(token, presented(req, url))) return refuse('401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.api));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  // A wildcard bind is meant for other machines: show an address they can reach.
  const shownHost = host === '0.0.0.0' || host === '::' ? (externalAddress() ?? '127.0.0.1') : host.includes(':') ? `[${host}]` : host;
  const page = proxy?.origin ?? `${scheme}://${shownHost}:${port}`;
  return {
    host,
    port,
    token,
    secure,
    url: `${page}/${token === null ? '' : `?token=${token}`}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Reads the certificate and key, naming the file that cannot be read or is not PEM. */
function readTls(tls: WebTls): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string, marker: RegExp): Buffer => {
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch (error) {
      throw new Error(`TLS ${what} ${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
    }
    if (!marker.test(text.toString('latin1'))) throw new Error(`TLS ${what} ${path}: not a PEM ${what} (no "-----BEGIN" block)`);
    return text;
  };
  return { cert: read('certificate', tls.certFile, /-----BEGIN CERTIFICATE-----/), key: read('key', tls.keyFile, /-----BEGIN [A-Z ]*PRIVATE KEY-----/) };
}

/** The reverse proxy's origin, lower-cased: https only, no path. */
function proxyOrigin(text: string): { origin: string; host: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`web public origin "${text}" is not a URL (https://console.example.com)`);
  }
  if (url.protocol !== 'https:') throw new Error(`web public origin "${text}" must be https://: the proxy is there to add TLS`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw new Error(`web public origin "${text}" must be an origin only, no path`);
  return { origin: url.origin, host: url.host };
}

/** The machine's first non-internal IPv4 address, if it has one. */
function externalAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/**
 * The file a URL path names under `root`: `/` is index.html; `..`, NUL and
 * anything resolving (symlinks included) outside the root are refused; a
 * folder is not found (no listings).
 */
function staticFile(root: string, pathname: string): string | 'refused' | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return 'refused';
  }
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\') || path.split('/').some((part) => part === '..')) return 'refused';
  const wanted = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  if (!inside(root, wanted)) return 'refused';
  try {
    const real = realpathSync(wanted);
    if (!inside(root, real)) return 'refused';
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
