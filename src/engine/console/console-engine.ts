import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../shared/config';
import { historyRestingDepth } from '../discovery/resting-depth';
import { LiveSelection } from '../live/live-selection';
import { simInstrumentsConfig, startSimServer, type SimServer } from '../simulator';
import { resolveHistoryPath } from '../storage/history-db';
import { ConsoleService, type ConsoleServiceOptions } from './console-service';
import { demoSchedule } from './demo-schedule';

/**
 * What `surveil serve` (run-console.ts) and the Electron main process
 * (src/main/engine-session.ts) both run behind their transport: in demo mode
 * the simulator, then the history file, the instrument selection and the
 * ConsoleService with its engine. Each shell adds only its own part (serve:
 * the web server; Electron: the window, IPC and native notifications).
 */
export interface ConsoleEngineOptions {
  readonly config: Config;
  /** Simulator scenario (or `showcase`): the exchanges become a local simulator. */
  readonly demo?: string | null;
  /** Demo only: synthetic assets beside the shipped listings, four listings each (11 -> 58 instruments). */
  readonly extraAssets?: number;
  /** Demo only: the simulator's seed; default 1. */
  readonly seed?: number;
  /** `--db FILE`; default features.storage, or a temp file in demo mode. */
  readonly db?: string | null;
  /**
   * Discovery's lines and one line per live feed state change (the terminal
   * of `serve` and `npm start`). Absent: discovery writes to stdout and feed
   * states are not logged.
   */
  readonly feedLog?: (line: string) => void;
  /** The shell's own service options. */
  readonly service?: Pick<ConsoleServiceOptions, 'captureDirs' | 'openAnyCapture' | 'notificationPolicy'>;
}

/** An opened console engine: nothing runs until `start()`. */
export interface ConsoleEngine {
  readonly service: ConsoleService;
  /** The config the engine runs: the simulator's exchanges in demo mode, the selection resolved. */
  readonly config: Config;
  readonly sim: SimServer | null;
  readonly dbPath: string | null;
  /** Starts the engine's workers and the selection's refresh. */
  start(): void;
  /** Engine (feeds, then history), then the simulator and its temp history. */
  stop(): Promise<void>;
}

/**
 * Opens the console engine. In demo mode the simulator comes up first on
 * loopback ports and the config's exchanges point at it; its history goes
 * to a temp database unless `db` is given, so simulated data never mixes
 * into the desk's real history. On failure whatever was started is stopped.
 */
export async function openConsoleEngine(options: ConsoleEngineOptions): Promise<ConsoleEngine> {
  let config = options.config;
  let sim: SimServer | null = null;
  let tempDir: string | null = null;
  const cleanUp = async (): Promise<void> => {
    await sim?.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    if (options.demo) {
      const extraAssets = options.extraAssets ?? 0;
      sim = await startSimServer({
        schedule: demoSchedule(options.demo),
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
      log: options.feedLog ?? ((line) => process.stdout.write(`${line}\n`)),
      ...(restingDepth && { restingDepth }),
    });
    config = selection.config;
    const service = new ConsoleService({
      ...options.service,
      config,
      mode: options.demo ? { kind: 'demo', scenario: options.demo } : { kind: 'live' },
      simulated: sim !== null,
      dbPath,
      ...(options.feedLog ? { feedLog: options.feedLog } : {}),
    });
    let stopRefresh: (() => void) | null = null;
    return {
      service,
      config,
      sim,
      dbPath,
      start() {
        service.start();
        stopRefresh ??= selection.startRefresh(service.engine);
      },
      async stop() {
        stopRefresh?.();
        await service.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
