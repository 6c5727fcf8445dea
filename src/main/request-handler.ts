/**
 * The main process's side of the `surveil:request` channel, as a pure
 * function: who may ask (sender check), what may be asked (`validateRequest`
 * against `REQUEST_SCHEMAS`), then the call on the ConsoleApi. No electron
 * import, so every refusal is unit-tested; ipc-bridge.ts adds the checks
 * only Electron objects can answer (the sender is the main window's main frame).
 */
import { ApiRequestError, validateRequest, type ConsoleApi } from '../shared/contract';
import { isAppPage, type AppPages } from './app-pages';

/**
 * Answers one request from the renderer.
 *
 * @param senderUrl URL of the frame that sent it (`event.senderFrame.url`); undefined when the frame is gone
 * @param method the requested method name, as received (untrusted)
 * @param args the argument array, as received (untrusted)
 * @throws ApiRequestError when the sender is not the app's page, the method is unknown or the arguments do not fit
 *
 * @example
 * ipcMain.handle('surveil:request', (event, method, args) => handleRequest(event.senderFrame?.url, method, args, api, pages));
 */
export async function handleRequest(
  senderUrl: string | undefined,
  method: unknown,
  args: unknown,
  api: ConsoleApi,
  pages: AppPages,
): Promise<unknown> {
  assertTrustedSender(senderUrl, pages);
  const request = validateRequest(method, args);
  // Reflect.apply keeps `this` for class-based services (ConsoleService).
  return Reflect.apply(api[request.method] as (...a: unknown[]) => Promise<unknown>, api, request.args);
}

/** Throws ApiRequestError unless `senderUrl` is the app's own page. */
export function assertTrustedSender(senderUrl: string | undefined, pages: AppPages): void {
  if (senderUrl === undefined || !isAppPage(senderUrl, pages)) {
    throw new ApiRequestError(`request refused: sender ${JSON.stringify(senderUrl ?? null)} is not the console page`);
  }
}
