import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../shared/config';
import { historyRestingDepth } from '../discovery/resting-depth';
import { LiveSelection } from '../live/live-selection';
import { simInstrumentsConfig, startSimServer, type SimServer } from '../simulator';
import { resolveHistoryPath } from '../storage/history-db';
import { ConsoleService, type ConsoleServiceOptions } from './console-service';
import { demoSchedule } from './demo-schedule';
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

export interface ConsoleRunOptions {
  readonly config: Config;
  /** Simulator scenario (or `showcase`): the exchanges become a local simulator. */
  readonly demo?: string | null;
  /** Demo only: synthetic assets beyond BTC and ETH, four listings each (11 -> 52 instruments). */
  readonly extraAssets?: number;
  readonly seed?: number;
  /** `--db FILE`; default features.storage, or a temp file in demo mode. */
  readonly db?: string | null;
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
  /** One line per live feed state change (the terminal of `serve` and `npm start`). */
  readonly feedLog?: (line: string) => void;
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
 * Starts what `surveil serve` runs. In demo mode the simulator comes up
 * first on loopback ports and the config's exchanges point at it; its
 * history goes to a temp database unless `db` is given, so simulated data
 * never mixes into the desk's real history.
 */
export async function runConsole(options: ConsoleRunOptions): Promise<RunningConsole> {
  let config = options.config;
  let sim: SimServer | null = null;
  let tempDir: string | null = null;
  let service: ConsoleService | null = null;
  try {
    if (options.demo) {
      const schedule = demoSchedule(options.demo);
      const extraAssets = options.extraAssets ?? 0;
      sim = await startSimServer({
        schedule,
        extraAssets,
        seed: options.seed ?? 1,
        alerts: config.alerts,
        staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
      });
      config = { ...config, exchanges: sim.exchangesConfig(config.exchanges) };
      // The simulator lists more than instruments.yaml: subscribe to every simulated listing,
      // unless select: rules are there to discover them (with their tiers and depth policy).
      if (extraAssets > 0 && (config.selection?.rules.length ?? 0) === 0) config = { ...config, instruments: simInstrumentsConfig(extraAssets) };
    }
    let dbPath: string | null;
    if (options.db) dbPath = resolveHistoryPath({ explicit: options.db });
    else if (options.demo) dbPath = join((tempDir = mkdtempSync(join(tmpdir(), 'surveil-demo-'))), 'history.sqlite');
    else dbPath = config.features.storage.enabled ? resolveHistoryPath({ storage: config.features.storage }) : null;
    // Tiers with min_depth_usd read the resting depth this desk's history observed (never a simulator's books).
    const restingDepth = dbPath && !sim ? historyRestingDepth(dbPath, config.alerts.tiers, Date.now()) : null;
    // instruments.yaml select: rules, resolved against the venues' (or the simulator's) listings (docs/discovery.md).
    const selection = await LiveSelection.start(config, {
      log: (line) => (options.feedLog ?? ((l) => process.stdout.write(`${l}\n`)))(line),
      ...(restingDepth && { restingDepth }),
    });
    config = selection.config;

    const mode: ConsoleServiceOptions['mode'] = options.demo ? { kind: 'demo', scenario: options.demo } : { kind: 'live' };
    const host = options.host ?? config.features.web.host;
    const port = options.port ?? config.features.web.port;
    const tls = resolveWebTls(config, options.tls);
    const publicOrigin = options.publicOrigin ?? (process.env[PUBLIC_ORIGIN_ENV] || undefined) ?? config.features.web.publicOrigin;
    const svc = new ConsoleService({
      config,
      mode,
      simulated: sim !== null,
      dbPath,
      ...(options.captureDirs ? { captureDirs: options.captureDirs } : {}),
      // A typed path opens only where nobody but this machine's user can reach the console (web-server.ts: no token there either).
      openAnyCapture: typedCapturePathsAllowed(host, publicOrigin),
      ...(options.feedLog ? { feedLog: options.feedLog } : {}),
    });
    service = svc;
    const web = await startWebServer({
      api: svc,
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
    svc.start();
    const stopRefresh = selection.startRefresh(svc.engine);
    const simServer = sim;
    return {
      service: svc,
      web,
      sim,
      dbPath,
      async stop() {
        stopRefresh();
        await web.close();
        await svc.stop();
        await simServer?.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await service?.stop();
    await sim?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}
