import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../shared/config';
import type { SimServer } from '../simulator';
import { openConsoleEngine, type ConsoleEngineOptions } from './console-engine';
import type { ConsoleService } from './console-service';
import { isLoopbackHost } from './web-security';
import { startWebServer, type WebServer, type WebTls } from './web-server';

/** Environment variables that override features.yaml web.tls and web.public_origin (paths, never key text). */
export const TLS_CERT_ENV = 'SURVEIL_TLS_CERT_FILE';
export const TLS_KEY_ENV = 'SURVEIL_TLS_KEY_FILE';
export const PUBLIC_ORIGIN_ENV = 'SURVEIL_PUBLIC_ORIGIN';

/** The certificate to serve with: `--tls-cert/--tls-key`, else the environment, else features.yaml; both files or neither. */
export function resolveWebTls(config: Config, given: Partial<WebTls> = {}, env: NodeJS.ProcessEnv = process.env): WebTls | undefined {
  const certFile = given.certFile ?? (env[TLS_CERT_ENV] || undefined) ?? config.features.web.tls?.certFile;
  const keyFile = given.keyFile ?? (env[TLS_KEY_ENV] || undefined) ?? config.features.web.tls?.keyFile;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new Error(`TLS needs both a certificate and a key file: got only the ${certFile === undefined ? 'key' : 'certificate'} (${certFile ?? keyFile})`);
  }
  return { certFile, keyFile };
}

/** Whether a browser may open any capture path it types: a loopback bind with no reverse proxy in front of it. */
export function typedCapturePathsAllowed(host: string, publicOrigin: string | undefined): boolean {
  return isLoopbackHost(host) && publicOrigin === undefined;
}

/** The built renderer: `out/renderer` at the repository root. */
export function defaultRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/engine/console -> repo root; a bundled build sits at out/<part>, one level under the root.
  return here.includes(`${join('src', 'engine', 'console')}`) ? resolve(here, '../../../out/renderer') : resolve(here, '../renderer');
}

/** What the engine takes (console-engine.ts, documented there), and the web server's own part. */
export interface ConsoleRunOptions extends Pick<ConsoleEngineOptions, 'config' | 'demo' | 'extraAssets' | 'seed' | 'db' | 'feedLog'> {
  /** Default features.web. */
  readonly host?: string;
  readonly port?: number;
  readonly rendererDir?: string;
  readonly captureDirs?: readonly string[];
  /** Fixed access token (tests). */
  readonly token?: string;
  /** Default: SURVEIL_TLS_CERT_FILE / SURVEIL_TLS_KEY_FILE, then features.yaml web.tls. */
  readonly tls?: Partial<WebTls>;
  /** Default: SURVEIL_PUBLIC_ORIGIN, then features.yaml web.public_origin. */
  readonly publicOrigin?: string;
}

/** A running console: simulator (demo), engine and web server. */
export interface RunningConsole {
  readonly service: ConsoleService;
  readonly web: WebServer;
  readonly sim: SimServer | null;
  readonly dbPath: string | null;
  /** Web server, then engine (feeds, then history), then simulator. */
  stop(): Promise<void>;
}

/**
 * Starts what `surveil serve` runs: the console engine (console-engine.ts,
 * shared with the Electron main process) behind the loopback web server.
 */
export async function runConsole(options: ConsoleRunOptions): Promise<RunningConsole> {
  const engine = await openConsoleEngine({
    config: options.config,
    ...(options.demo !== undefined && { demo: options.demo }),
    ...(options.extraAssets !== undefined && { extraAssets: options.extraAssets }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.db !== undefined && { db: options.db }),
    ...(options.feedLog && { feedLog: options.feedLog }),
    service: {
      ...(options.captureDirs ? { captureDirs: options.captureDirs } : {}),
      // A typed path opens only where nobody but this machine's user can reach the console (web-server.ts: no token there either).
      openAnyCapture: typedCapturePathsAllowed(options.host ?? options.config.features.web.host, publicOriginOf(options)),
    },
  });
  try {
    const { config, dbPath, service } = engine;
    const host = options.host ?? config.features.web.host;
    const port = options.port ?? config.features.web.port;
    const tls = resolveWebTls(config, options.tls);
    const publicOrigin = publicOriginOf(options);
    const web = await startWebServer({
      api: service,
      host,
      port,
      rootDir: options.rendererDir ?? defaultRendererDir(),
      ...(options.token ? { token: options.token } : {}),
      ...(tls ? { tls } : {}),
      ...(publicOrigin ? { publicOrigin } : {}),
      ...(dbPath ? { reportsDir: join(dirname(dbPath), 'reports'), exportsDir: join(dirname(dbPath), 'exports') } : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new Error(`${host}:${port} is already in use (another console?): pass --port N`);
      if (error.code === 'EADDRNOTAVAIL') throw new Error(`cannot bind ${host}: not an address of this machine`);
      throw error;
    });
    engine.start();
    return {
      service,
      web,
      sim: engine.sim,
      dbPath,
      async stop() {
        await web.close();
        await engine.stop();
      },
    };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

/** `--public-origin`, else SURVEIL_PUBLIC_ORIGIN, else features.yaml web.public_origin. */
function publicOriginOf(options: ConsoleRunOptions): string | undefined {
  return options.publicOrigin ?? (process.env[PUBLIC_ORIGIN_ENV] || undefined) ?? options.config.features.web.publicOrigin;
}
