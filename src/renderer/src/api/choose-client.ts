import { browserSocket } from './browser-socket';
import type { ConsoleClient } from './connection';
import { createElectronClient, hasElectronApi } from './electron-client';
import { createWsClient } from './ws-client';
import { apiSocketUrl } from './ws-url';

/** Electron when the preload exposed `window.surveil`, otherwise the WebSocket of the serving origin. */
export function chooseClient(win: Window): ConsoleClient {
  if (hasElectronApi(win) && win.surveil) return createElectronClient(win.surveil);
  return createWsClient({ url: apiSocketUrl(win.location), connect: browserSocket });
}
