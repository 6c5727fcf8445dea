import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopFiles, createPreloadApi } from './preload-api';

/**
 * The renderer's only door to the engine: `window.surveil`, a
 * `DesktopWindowApi` (see ./preload-api). Runs sandboxed and context-isolated, so it is bundled
 * to CommonJS with no external packages (electron.vite.config.ts). The
 * arrow wrappers make sure no reference to `ipcRenderer` itself crosses the
 * bridge.
 */
const invoke = (channel: string, ...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
contextBridge.exposeInMainWorld(
  'surveil',
  Object.freeze({
    ...createPreloadApi(
      invoke,
      (channel, listener) => {
        ipcRenderer.on(channel, listener);
      },
      (channel, listener) => {
        ipcRenderer.off(channel, listener);
      },
    ),
    ...createDesktopFiles(invoke),
  }),
);
