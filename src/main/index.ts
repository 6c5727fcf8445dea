import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';

/**
 * Electron main process. Kept thin on purpose: the engine (feeds, books,
 * metrics, rules) lives in src/engine and runs the same without Electron.
 */
function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1600,
    height: 1000,
    backgroundColor: '#0d1117',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}

if (!app.requestSingleInstanceLock()) app.quit();
else {
  void app.whenReady().then(createWindow);
  app.on('window-all-closed', () => app.quit());
}
