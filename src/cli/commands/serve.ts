import { defaultConfigDir } from '../../engine/config/default-config-dir';
import { loadConfig } from '../../engine/config/load-config';
import { SHOWCASE } from '../../engine/console/demo-schedule';
import { runConsole, type ConsoleRunOptions, type RunningConsole } from '../../engine/console/run-console';
import { isScenarioName } from '../../engine/simulator';
import { isConfigError } from '../../shared/config/config-error';
import type { CliArgs, CliCommand, CliIo } from '../index';
import { untilSignal } from '../until-signal';

/** Options of {@link serve} as parsed from the command line. */
export type ServeRequest = Omit<ConsoleRunOptions, 'config'> & { readonly configDir?: string };

/** Parses serve's command line; a string is the usage problem. */
export function parseServeArgs(values: CliArgs['values']): ServeRequest | string {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const out: { -readonly [K in keyof ServeRequest]: ServeRequest[K] } = {};
  const port = str('port');
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) return `--port must be a port number, got "${port}"`;
    out.port = n;
  }
  const seed = str('seed');
  if (seed !== undefined) {
    const n = Number(seed);
    if (!Number.isInteger(n)) return `--seed must be an integer, got "${seed}"`;
    out.seed = n;
  }
  const demo = str('demo');
  if (demo !== undefined && demo !== SHOWCASE && !isScenarioName(demo)) return `--demo: unknown scenario "${demo}" (${SHOWCASE} or a simulator scenario)`;
  if (demo !== undefined) out.demo = demo;
  const extra = str('extra-assets');
  if (extra !== undefined) {
    const n = Number(extra);
    if (!Number.isInteger(n) || n < 0 || n > 999) return `--extra-assets must be a whole number from 0 to 999, got "${extra}"`;
    if (demo === undefined) return '--extra-assets needs --demo: only the simulator has synthetic assets';
    out.extraAssets = n;
  }
  const host = str('host');
  if (host !== undefined) out.host = host;
  const db = str('db');
  if (db !== undefined) out.db = db;
  const configDir = str('config');
  if (configDir !== undefined) out.configDir = configDir;
  const tlsCert = str('tls-cert');
  const tlsKey = str('tls-key');
  if (tlsCert !== undefined || tlsKey !== undefined) out.tls = { ...(tlsCert ? { certFile: tlsCert } : {}), ...(tlsKey ? { keyFile: tlsKey } : {}) };
  const origin = str('public-origin');
  if (origin !== undefined) out.publicOrigin = origin;
  const captures = str('captures');
  if (captures !== undefined) out.captureDirs = [captures];
  return out;
}

/** Starts the console for a parsed request: loads the config, then {@link runConsole}. */
export async function startServe(request: ServeRequest, io: CliIo): Promise<RunningConsole | null> {
  let config;
  try {
    config = loadConfig(request.configDir ?? defaultConfigDir());
  } catch (error) {
    if (!isConfigError(error)) throw error;
    for (const problem of error.problems) io.err(problem);
    return null;
  }
  const { configDir: _dir, ...options } = request;
  const running = await runConsole({ ...options, config, feedLog: (line) => io.out(line) });
  const what = running.sim ? `demo "${request.demo}" on the simulator (SIMULATED data)` : 'live exchanges';
  io.out(`console: ${what}, history ${running.dbPath ?? 'off'}`);
  io.out(`console served at ${running.web.url}`);
  if (running.web.token) io.out(`this address is reachable from other machines${running.web.secure ? ' (over TLS)' : ''}: the token in the URL is required; keep it private`);
  return running;
}


/** `serve [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--public-origin URL] [--db FILE] [--config DIR] [--demo SCENARIO] [--seed N]` */
export const serve: CliCommand = {
  name: 'serve',
  summary: 'Run the engine and serve the console to a browser (http://127.0.0.1:8050 by default) until Ctrl-C',
  options: {
    port: { type: 'string', valueName: 'N', description: 'port (default: features.yaml web.port, 8050)' },
    host: { type: 'string', valueName: 'H', description: 'interface (default: features.yaml web.host, 127.0.0.1); any other needs the printed token' },
    db: { type: 'string', valueName: 'FILE', description: 'history database (default: features.yaml storage; a temp file with --demo)' },
    config: { type: 'string', valueName: 'DIR', description: `config folder (default: ${defaultConfigDir()})` },
    demo: { type: 'string', valueName: 'SCENARIO', description: `run on the local simulator: ${SHOWCASE} (every alert family in two minutes) or a simulator scenario` },
    seed: { type: 'string', valueName: 'N', description: 'simulator seed (default 1)' },
    'extra-assets': { type: 'string', valueName: 'N', description: 'with --demo: N synthetic assets beyond BTC and ETH, 4 listings each (11 -> 52 instruments)' },
    'tls-cert': { type: 'string', valueName: 'FILE', description: 'serve HTTPS with this PEM certificate (default: SURVEIL_TLS_CERT_FILE, features.yaml web.tls.cert_file); needed for any host but loopback' },
    'tls-key': { type: 'string', valueName: 'FILE', description: 'its PEM private key, by path (default: SURVEIL_TLS_KEY_FILE, features.yaml web.tls.key_file)' },
    'public-origin': { type: 'string', valueName: 'URL', description: 'behind a TLS reverse proxy: the https:// origin it serves the console at (docs/runbook.md)' },
    captures: { type: 'string', valueName: 'DIR', description: 'folder of captures the console may replay (default: captures beside the database)' },
  },
  async run(args, io) {
    const request = parseServeArgs(args.values);
    if (typeof request === 'string') {
      io.err(`surveil serve: ${request}`);
      return 2;
    }
    // A signal during start stops the console as soon as it has started.
    const stopped = untilSignal();
    const running = await startServe(request, io).catch((error: unknown) => {
      stopped.cancel();
      throw error;
    });
    if (!running) {
      stopped.cancel();
      return 1;
    }
    const signal = await stopped.signal;
    io.out(`console: ${signal}, stopping`);
    await running.stop();
    return 0;
  },
};
