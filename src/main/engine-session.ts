/**
 * The engine behind the desktop console: the same ConsoleService `surveil
 * serve` runs, without the web server. Live on the configured exchanges, or
 * with `--demo=NAME` on the local simulator (history then goes to a temp
 * database, as in `surveil serve --demo`, so simulated data never mixes into
 * the desk's history). No electron import.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../engine/config/load-config';
import { ConsoleService } from '../engine/console/console-service';
import { demoSchedule } from '../engine/console/demo-schedule';
import { historyRestingDepth } from '../engine/discovery/resting-depth';
import { LiveSelection } from '../engine/live/live-selection';
import { startSimServer, type SimServer } from '../engine/simulator';
import { resolveHistoryPath } from '../engine/storage/history-db';
import type { Config } from '../shared/config';

export interface EngineSessionOptions {
  readonly configDir: string;
  /** Simulator scenario (`--demo=NAME`), or null for the live exchanges. */
  readonly demo: string | null;
}

/** A running engine; not started until `service.start()`. */
export interface EngineSession {
  readonly service: ConsoleService;
  readonly config: Config;
  readonly simulated: boolean;
  /** The history database's folder (its reports/ and exports/ hold what the console wrote); null without history. */
  readonly historyDir: string | null;
  /** Engine (feeds, then history), then the simulator and its temp history. */
  stop(): Promise<void>;
}

/**
 * Loads the config (throws ConfigError with every problem) and creates the service.
 * `openAnyCapture` is on because the supervisor picks captures in a native
 * dialog; the renderer's own requests are restricted by capture-guard.ts.
 */
export async function createEngineSession(options: EngineSessionOptions): Promise<EngineSession> {
  let config = loadConfig(options.configDir);
  let sim: SimServer | null = null;
  let tempDir: string | null = null;
  if (options.demo !== null) {
    sim = await startSimServer({
      schedule: demoSchedule(options.demo),
      seed: 1,
      alerts: config.alerts,
      staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
    });
    config = { ...config, exchanges: sim.exchangesConfig(config.exchanges) };
    tempDir = mkdtempSync(join(tmpdir(), 'surveil-demo-'));
  }
  // instruments.yaml select: rules, resolved against the venues' listings and refreshed (docs/discovery.md).
  const feedLog = (line: string) => process.stdout.write(`${line}\n`);
  const dbPath = tempDir
    ? join(tempDir, 'history.sqlite')
    : config.features.storage.enabled
      ? resolveHistoryPath({ storage: config.features.storage })
      : null;
  // Tiers with min_depth_usd read the resting depth this desk's history observed (never a simulator's books).
  const restingDepth = dbPath && sim === null ? historyRestingDepth(dbPath, config.alerts.tiers, Date.now()) : null;
  const selection = await LiveSelection.start(config, { log: feedLog, ...(restingDepth && { restingDepth }) });
  config = selection.config;
  const service = new ConsoleService({
    config,
    mode: options.demo === null ? { kind: 'live' } : { kind: 'demo', scenario: options.demo },
    simulated: sim !== null,
    dbPath,
    openAnyCapture: true,
    // Pass every live alert transition on: the desktop applies the full policy
    // (budget and summaries included) in desktop-notifier.ts.
    notificationPolicy: (events, alertOf) =>
      events.flatMap((event) => {
        const alert = alertOf(event.alertId);
        return alert ? [{ alert, event }] : [];
      }),
    // `npm start` runs Electron from a terminal: feed trouble is said there too.
    feedLog,
  });
  const stopRefresh = selection.startRefresh(service.engine);
  const simServer = sim;
  return {
    service,
    config,
    simulated: sim !== null,
    historyDir: dbPath === null ? null : dirname(dbPath),
    async stop() {
      stopRefresh();
      await service.stop();
      await simServer?.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
