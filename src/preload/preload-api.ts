/**
 * The API the preload exposes to the renderer as `window.surveil`: the same
 * `ConsoleApi` the browser fallback implements over its WebSocket, plus a few
 * desktop-only members. Built by a pure factory over three functions of
 * Electron's `ipcRenderer`, so it can be tested with fakes and so the
 * renderer never gets `ipcRenderer` (or an `IpcRendererEvent`) itself.
 *
 * No runtime imports besides the channel names: a sandboxed preload cannot
 * `require` packages, and `REQUEST_SCHEMAS` would pull zod in. The renderer
 * may `import type` from this file (it has no Node or Electron types).
 */
import type { ApiMethod, ConsoleApi, ConsoleEvent } from '../shared/contract';
import { IPC_CHANNELS } from './ipc-channels';

/** One value of the renderer's panel layout: sizes, flags, panel ids. */
export type PanelLayoutValue = number | boolean | string | readonly number[] | readonly string[];

/** The renderer's panel layout, remembered across runs by the main process (validated there). */
export type PanelLayout = Readonly<Record<string, PanelLayoutValue>>;

/** Members only the desktop has; the browser fallback lacks them, so the renderer must feature-test. */
export interface DesktopExtras {
  /**
   * The supervisor clicked the desktop notification of `alertId`: select it.
   * Returns the unsubscribe.
   */
  onFocusAlert(listener: (alertId: string) => void): () => void;
  /** The panel layout saved by `saveLayout`, or null when there is none (or it was invalid). */
  loadLayout(): Promise<PanelLayout | null>;
  /** Remembers the panel layout (at most 64 entries; see docs/electron-security.md). */
  saveLayout(layout: PanelLayout): Promise<void>;
}

/** Desktop only: the operating system opens what the engine wrote. */
export interface DesktopFiles {
  /**
   * Opens a market report or export the engine wrote (the `path` of its
   * answer) with the system's default application. The main process accepts
   * only a file in the history folder's `reports/` or `exports/` (written-files.ts).
   */
  openWrittenFile(path: string): Promise<void>;
}

/** `window.surveil` in Electron. */
export type DesktopApi = ConsoleApi & DesktopExtras;

/** `window.surveil` as index.ts exposes it: {@link createPreloadApi} and {@link createDesktopFiles}. */
export type DesktopWindowApi = DesktopApi & DesktopFiles;

/** The {@link DesktopFiles} member, on its own channel; the main process validates the path. */
export function createDesktopFiles(invoke: IpcInvoke): DesktopFiles {
  return Object.freeze({
    openWrittenFile: async (path: string) => {
      await invoke(IPC_CHANNELS.openWrittenFile, path);
    },
  });
}

/** `ipcRenderer.invoke`. */
export type IpcInvoke = (channel: string, ...args: unknown[]) => Promise<unknown>;
/** A listener as `ipcRenderer.on` calls it: the event first, then the payload. */
export type IpcListener = (event: unknown, ...args: unknown[]) => void;
/** `ipcRenderer.on` / `ipcRenderer.off`. */
export type IpcSubscribe = (channel: string, listener: IpcListener) => void;

/**
 * Every request method of the contract. Spelled out rather than taken from
 * `Object.keys(REQUEST_SCHEMAS)` to keep zod out of the preload; the type
 * check below and a test keep it equal to the contract.
 */
export const API_METHODS = [
  'snapshot',
  'series',
  'alertHistory',
  'alertTrail',
  'acknowledge',
  'alertCase',
  'addNote',
  'assignAlert',
  'createSilence',
  'expireSilence',
  'watchBook',
  'setInterest',
  'listCaptures',
  'openCapture',
  'controlReplay',
  'startRecording',
  'stopRecording',
  'exportHistory',
  'marketReport',
  'seekReplay',
  'stepReplay',
] as const satisfies readonly ApiMethod[];

// Fails to compile when the contract gains a method this list lacks.
type MissingMethods = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const everyMethodListed: [MissingMethods] extends [never] ? true : MissingMethods = true;
void everyMethodListed;

/**
 * Builds `window.surveil`. Each request method forwards `(method, args)` on
 * one channel; the main process validates both before anything runs.
 *
 * @example
 * const api = createPreloadApi(
 *   (channel, ...args) => ipcRenderer.invoke(channel, ...args),
 *   (channel, listener) => ipcRenderer.on(channel, listener),
 *   (channel, listener) => ipcRenderer.off(channel, listener),
 * );
 * contextBridge.exposeInMainWorld('surveil', api);
 */
export function createPreloadApi(invoke: IpcInvoke, on: IpcSubscribe, off: IpcSubscribe): DesktopApi {
  const requests = Object.fromEntries(
    API_METHODS.map((method) => [method, (...args: unknown[]) => invoke(IPC_CHANNELS.request, method, args)]),
  ) as unknown as Pick<ConsoleApi, ApiMethod>;

  /** Subscribes to one channel; the listener sees the payload only, never the IPC event. */
  const listen = <T>(channel: string, accept: (payload: unknown) => payload is T, listener: (payload: T) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const wrapped: IpcListener = (_event, payload) => {
      if (!accept(payload)) return;
      // One failing listener must not stop the others (EventEmitter stops at the first throw).
      try {
        listener(payload);
      } catch (error) {
        console.error(`surveil: a ${channel} listener failed`, error);
      }
    };
    on(channel, wrapped);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      off(channel, wrapped);
    };
  };

  return Object.freeze({
    ...requests,
    subscribe: (listener: (event: ConsoleEvent) => void) => listen(IPC_CHANNELS.event, isConsoleEvent, listener),
    onFocusAlert: (listener: (alertId: string) => void) => listen(IPC_CHANNELS.focusAlert, isAlertId, listener),
    loadLayout: async () => (await invoke(IPC_CHANNELS.layoutLoad)) as PanelLayout | null,
    saveLayout: async (layout: PanelLayout) => {
      await invoke(IPC_CHANNELS.layoutSave, layout);
    },
  });
}

function isConsoleEvent(payload: unknown): payload is ConsoleEvent {
  return typeof payload === 'object' && payload !== null && typeof (payload as { type?: unknown }).type === 'string';
}

function isAlertId(payload: unknown): payload is string {
  return typeof payload === 'string' && payload.length > 0;
}
