import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api';

/**
 * The renderer's only door to the engine: `window.surveil`, a `DesktopApi`
 * (see ./preload-api). Runs sandboxed and context-isolated, so it is bundled
 * to CommonJS with no external packages (electron.vite.config.ts). The
 * arrow wrappers make sure no reference to `ipcRenderer` itself crosses the
 * bridge.
 */
contextBridge.exposeInMainWorld(
  'surveil',
  createPreloadApi(
    (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    (channel, listener) => {
      ipcRenderer.on(channel, listener);
    },
    (channel, listener) => {
      ipcRenderer.off(channel, listener);
    },
  ),
);
