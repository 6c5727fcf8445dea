/**
 * Electron main process: wires the engine, the window, IPC, the menu and
 * notifications together, and nothing more. Each part is in its own file;
 * the security decisions are pure functions tested without Electron
 * (test/electron), and docs/electron-security.md walks the checklist.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { app, dialog, Menu, session, shell, type BrowserWindow } from 'electron';
import { defaultConfigDir } from '../engine/config/default-config-dir';
import { SQLITE_BINDING_ENV } from '../engine/storage/native-binding';
import { enabledVenueInstruments } from '../engine/venues/venue-instruments';
import { isConfigError } from '../shared/config/config-error';
import { buildMenuTemplate, type MenuActions } from './app-menu';
import { appPages, parseDevServerUrl } from './app-pages';
import { APP_INDEX_URL } from './app-protocol';
import { registerAppScheme, serveAppScheme } from './app-protocol-handler';
import { guardCaptureOpening } from './capture-guard';
import { startDesktopNotifier } from './desktop-notifier';
import { createEngineSession, type EngineSession } from './engine-session';
import { sendFocusAlert, startIpcBridge } from './ipc-bridge';
import { createMainWindow, focusWindow } from './main-window';
import { contentSecurityPolicy } from './security-policy';
import { hardenSession, hardenWebContents } from './session-hardening';
import { electronSqliteBindingPath } from './sqlite-binding-path';
import { WINDOW_STATE_FILE, createWindowStateKeeper, createWindowStateStore } from './window-state';

/** Windows shows notifications only for an app with an id. */
const APP_USER_MODEL_ID = 'exchange.surveil.console';
/** How long quitting waits for the engine to flush captures and history. */
const STOP_TIMEOUT_MS = 10_000;

const log = (message: string): void => {
  process.stderr.write(`surveil: ${message}\n`);
};

// Sandbox every renderer, whatever a window's own options say.
app.enableSandbox();
// The console is served on app://console/ (app-protocol.ts), not file://; its privileges must be set before ready.
registerAppScheme();

// A second launch focuses the running console instead of starting a second engine.
if (!app.requestSingleInstanceLock()) app.quit();
else void main().catch(fail);

async function main(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  app.setAppUserModelId(APP_USER_MODEL_ID);
  await app.whenReady();

  const devUrl = parseDevServerUrl(process.env['ELECTRON_RENDERER_URL'], app.isPackaged);
  const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
  const pages = appPages(rendererIndex, devUrl);
  hardenSession(session.defaultSession, pages, log);
  serveAppScheme(session.defaultSession, pages.rendererDir, contentSecurityPolicy(pages), log);

  // better-sqlite3 built for Electron's ABI (node_modules has Node's): the engine and its
  // workers load it through SURVEIL_SQLITE_BINDING. A packaged app takes only its own copy,
  // so an environment variable cannot make it load other native code.
  const binding = (!app.isPackaged && process.env[SQLITE_BINDING_ENV]) || electronSqliteBindingPath(import.meta.dirname);
  if (!existsSync(binding)) {
    dialog.showErrorBox('The console cannot start', `better-sqlite3 for Electron is missing:\n${binding}\n\nnpm start builds it on first start (scripts/electron-native.mjs).`);
    app.exit(1);
    return;
  }
  process.env[SQLITE_BINDING_ENV] = binding;

  const configDir = resolve(process.env['SURVEIL_CONFIG'] || defaultConfigDir());
  const demo = app.commandLine.getSwitchValue('demo') || null;
  let engine: EngineSession;
  try {
    engine = await createEngineSession({ configDir, demo });
  } catch (error) {
    const detail = isConfigError(error) ? error.problems.join('\n') : error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('The console cannot start', `${configDir}\n\n${detail}`);
    app.exit(1);
    return;
  }

  const state = createWindowStateKeeper(createWindowStateStore(join(app.getPath('userData'), WINDOW_STATE_FILE)));
  const window = createMainWindow({ preloadPath: join(import.meta.dirname, '../preload/index.cjs'), dev: devUrl !== null, state, log });
  /** Captures the supervisor picked in the dialog: the only paths outside the capture folders the renderer may reopen. */
  const picked = new Set<string>();
  const stopBridge = startIpcBridge({ window, api: guardCaptureOpening(engine.service, picked), pages, state, log, historyDir: engine.historyDir });
  const stopNotifier = startDesktopNotifier({
    api: engine.service,
    settings: engine.config.features.notifications,
    label: engine.simulated ? 'SIMULATED' : null,
    onClick: (alertId) => {
      focusWindow(window);
      if (alertId !== null) sendFocusAlert(window, alertId);
    },
    log,
  });

  const venues = [...new Set(enabledVenueInstruments(engine.config).map((v) => v.venue))].sort();
  let recording = false;
  const setMenu = (): void => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(buildMenuTemplate(actions, { dev: devUrl !== null, platform: process.platform, venues, recording })),
    );
  };
  const actions: MenuActions = {
    openCapture: () => void openCapture(window, engine, picked),
    startRecording: (venue) =>
      void engine.service.startRecording({ venue }).then(
        () => {
          recording = true;
          setMenu();
        },
        (error: unknown) => showError(window, 'Recording did not start', error),
      ),
    stopRecording: () =>
      void engine.service.stopRecording().then(
        (done) => {
          recording = false;
          setMenu();
          if (done) void dialog.showMessageBox(window, { message: 'Recording stopped', detail: `${done.frames} frames in ${done.path}` });
        },
        (error: unknown) => showError(window, 'Recording did not stop', error),
      ),
    // The config folder holds the four YAML files; the console re-reads them at its next start.
    openSettings: () =>
      void shell.openPath(configDir).then((problem) => {
        if (problem) showError(window, 'Cannot open the settings folder', new Error(`${configDir}: ${problem}`));
      }),
  };
  setMenu();

  app.on('second-instance', () => focusWindow(window));
  app.on('window-all-closed', () => app.quit());
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    // Hold the quit until the engine has flushed its captures and history.
    event.preventDefault();
    stopped = true;
    stopNotifier();
    stopBridge();
    const timeout = new Promise<void>((done) => setTimeout(done, STOP_TIMEOUT_MS).unref());
    void Promise.race([engine.stop(), timeout])
      .catch((error: unknown) => log(`engine stop failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => app.quit());
  });

  await window.loadURL(devUrl ?? APP_INDEX_URL);
  engine.start();
}

/** File > Open capture…: the native dialog, then a replay of the chosen file. */
async function openCapture(window: BrowserWindow, engine: EngineSession, picked: Set<string>): Promise<void> {
  const choice = await dialog.showOpenDialog(window, {
    title: 'Open capture',
    properties: ['openFile'],
    filters: [
      { name: 'Captures', extensions: ['jsonl', 'gz'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  const path = choice.filePaths[0];
  if (choice.canceled || path === undefined) return;
  picked.add(resolve(path));
  try {
    await engine.service.openCapture({ path, speed: 1 });
  } catch (error) {
    showError(window, 'The capture could not be opened', error);
  }
}

function showError(window: BrowserWindow, title: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log(`${title}: ${message}`);
  if (!window.isDestroyed()) void dialog.showMessageBox(window, { type: 'error', message: title, detail: message });
}

function fail(error: unknown): void {
  log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  app.exit(1);
}
