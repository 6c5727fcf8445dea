/**
 * The engine behind the desktop console: the console engine `surveil serve`
 * also runs (src/engine/console/console-engine.ts), without the web server.
 * Live on the configured exchanges, or with `--demo=NAME` on the local
 * simulator (history then goes to a temp database, as in `surveil serve
 * --demo`, so simulated data never mixes into the desk's history). No
 * electron import.
 */
import { dirname } from 'node:path';
import { loadConfig } from '../engine/config/load-config';
import { openConsoleEngine } from '../engine/console/console-engine';
import type { ConsoleService } from '../engine/console/console-service';
import type { Config } from '../shared/config';

export interface EngineSessionOptions {
  readonly configDir: string;
  /** Simulator scenario (`--demo=NAME`), or null for the live exchanges. */
  readonly demo: string | null;
}

/** A running engine; not started until `start()`. */
export interface EngineSession {
  readonly service: ConsoleService;
  readonly config: Config;
  readonly simulated: boolean;
  /** The history database's folder (its reports/ and exports/ hold what the console wrote); null without history. */
  readonly historyDir: string | null;
  /** Starts the engine's workers and the selection's refresh. */
  start(): void;
  /** Engine (feeds, then history), then the simulator and its temp history. */
  stop(): Promise<void>;
}

/**
 * Loads the config (throws ConfigError with every problem) and opens the engine.
 * `openAnyCapture` is on because the supervisor picks captures in a native
 * dialog; the renderer's own requests are restricted by capture-guard.ts.
 */
export async function createEngineSession(options: EngineSessionOptions): Promise<EngineSession> {
  const engine = await openConsoleEngine({
    config: loadConfig(options.configDir),
    demo: options.demo,
    // `npm start` runs Electron from a terminal: discovery and feed trouble are said there.
    feedLog: (line) => process.stdout.write(`${line}\n`),
    service: {
      openAnyCapture: true,
      // Pass every live alert transition on: the desktop applies the full policy
      // (budget and summaries included) in desktop-notifier.ts.
      notificationPolicy: (events, alertOf) =>
        events.flatMap((event) => {
          const alert = alertOf(event.alertId);
          return alert ? [{ alert, event }] : [];
        }),
    },
  });
  return {
    service: engine.service,
    config: engine.config,
    simulated: engine.sim !== null,
    historyDir: engine.dbPath === null ? null : dirname(engine.dbPath),
    start: () => engine.start(),
    stop: () => engine.stop(),
  };
}
