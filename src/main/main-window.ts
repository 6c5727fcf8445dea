/**
 * The console window. Its security settings are written out in full in the
 * `new BrowserWindow({...})` literal, even where they are Electron's
 * defaults, so that a reviewer (and electronegativity, and the bundle test
 * in test/electron) sees every one of them in one place.
 */
import { BrowserWindow, screen } from 'electron';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, fitToDisplays, type WindowStateKeeper } from './window-state';

export interface MainWindowOptions {
  /** Absolute path of the built CommonJS preload (out/preload/index.cjs). */
  readonly preloadPath: string;
  /** Development build: DevTools available. */
  readonly dev: boolean;
  readonly state: WindowStateKeeper;
  readonly log: (message: string) => void;
}

/** Saves at most this often while the window is dragged or resized. */
const SAVE_DELAY_MS = 500;

/** Creates the window (hidden until its first paint) at its remembered place. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = options.state.current();
  const bounds = fitToDisplays(
    saved.bounds,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...(bounds ?? DEFAULT_WINDOW_SIZE),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: '#0d1117',
    title: 'Surveillance console',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would otherwise try to open links in new windows (denied anyway).
      disableBlinkFeatures: 'Auxclick',
      devTools: options.dev,
    },
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  trackWindowState(window, options.state, options.log);
  return window;
}

/** Brings the window to the front (second instance, notification click). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

/** Remembers size, position and maximized state: debounced while moving, at once on close. */
function trackWindowState(window: BrowserWindow, state: WindowStateKeeper, log: (message: string) => void): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (window.isDestroyed() || window.isFullScreen() || window.isMinimized()) return;
    try {
      state.setWindow(window.getNormalBounds(), window.isMaximized());
    } catch (error) {
      log(`window state not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
}
