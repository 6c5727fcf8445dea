/**
 * Plugs the ConsoleApi into Electron IPC for the console window: requests
 * on `surveil:request` (through `handleRequest`), events out on
 * `surveil:event`, and the panel layout. Every handler first checks that the
 * sender is the console window's own top frame; the pure checks (page URL,
 * method, arguments) are in request-handler.ts.
 */
import { ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { ApiRequestError, type ConsoleApi } from '../shared/contract';
import { openClientSession } from '../engine/console/client-session';
import { IPC_CHANNELS } from '../preload/ipc-channels';
import type { PanelLayout } from '../preload/preload-api';
import type { AppPages } from './app-pages';
import { assertTrustedSender, handleRequest } from './request-handler';
import { parsePanelLayout, type WindowStateKeeper } from './window-state';
import { writtenFilePath } from './written-files';

export interface IpcBridgeOptions {
  readonly window: BrowserWindow;
  /** The API as the renderer may use it (see capture-guard.ts). */
  readonly api: ConsoleApi;
  readonly pages: AppPages;
  readonly state: WindowStateKeeper;
  readonly log: (message: string) => void;
  /** The history database's folder: its reports/ and exports/ are what `openWrittenFile` may open; null without history. */
  readonly historyDir: string | null;
}

/** Registers the handlers and the event stream; returns the teardown. */
export function startIpcBridge(options: IpcBridgeOptions): () => void {
  const { window, pages, state, log, historyDir } = options;
  // The window's own coalesced stream (full rows for what it shows), as a browser socket gets.
  const api = openClientSession(options.api);

  /** The sending frame's URL if it is the console window's top frame; undefined refuses. */
  const senderUrl = (event: IpcMainInvokeEvent): string | undefined => {
    const frame = event.senderFrame;
    if (window.isDestroyed() || event.sender !== window.webContents || frame === null || frame.parent !== null) return undefined;
    return frame.url;
  };
  const refused = (channel: string, event: IpcMainInvokeEvent, error: unknown): never => {
    if (error instanceof ApiRequestError) log(`${channel}: ${error.message} (from ${event.senderFrame?.url ?? 'a closed frame'})`);
    throw error;
  };

  ipcMain.handle(IPC_CHANNELS.request, async (event, method: unknown, args: unknown) => {
    try {
      return await handleRequest(senderUrl(event), method, args, api, pages);
    } catch (error) {
      return refused(IPC_CHANNELS.request, event, error);
    }
  });
  ipcMain.handle(IPC_CHANNELS.layoutLoad, (event): PanelLayout | null => {
    assertTrustedSender(senderUrl(event), pages);
    return state.current().layout;
  });
  ipcMain.handle(IPC_CHANNELS.layoutSave, (event, layout: unknown): void => {
    assertTrustedSender(senderUrl(event), pages);
    state.setLayout(parsePanelLayout(layout));
  });
  ipcMain.handle(IPC_CHANNELS.openWrittenFile, async (event, path: unknown): Promise<void> => {
    let file: string;
    try {
      assertTrustedSender(senderUrl(event), pages);
      file = writtenFilePath(path, historyDir);
    } catch (error) {
      return refused(IPC_CHANNELS.openWrittenFile, event, error);
    }
    // shell.openPath answers an error message, or '' when the file opened.
    const problem = await shell.openPath(file);
    if (problem) throw new Error(`cannot open ${file}: ${problem}`);
  });

  const unsubscribe = api.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_CHANNELS.event, event);
  });

  return () => {
    unsubscribe();
    api.close();
    for (const channel of [IPC_CHANNELS.request, IPC_CHANNELS.layoutLoad, IPC_CHANNELS.layoutSave, IPC_CHANNELS.openWrittenFile]) ipcMain.removeHandler(channel);
  };
}

/** Tells the renderer to select an alert (a desktop notification was clicked). */
export function sendFocusAlert(window: BrowserWindow, alertId: string): void {
  if (!window.isDestroyed()) window.webContents.send(IPC_CHANNELS.focusAlert, alertId);
}
