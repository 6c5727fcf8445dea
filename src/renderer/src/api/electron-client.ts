import type { ConsoleApi } from '../../../shared/contract';
import type { ConsoleClient, LinkState } from './connection';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in a plain browser. */
    readonly surveil?: ConsoleApi;
  }
}

/** The desktop-only members the renderer uses, feature-tested (the browser has no such thing). */
interface FocusAlertSource {
  onFocusAlert?: (listener: (alertId: string) => void) => () => void;
  openWrittenFile?: (path: string) => Promise<void>;
}

/** True when the Electron preload exposed the API (not the older `{ version }` stub). */
export function hasElectronApi(win: Window): boolean {
  return typeof win.surveil?.snapshot === 'function' && typeof win.surveil.subscribe === 'function';
}

/**
 * The ConsoleApi over Electron IPC. IPC has no link to lose, so it is always
 * open; desktop notifications come from the main process, so the renderer
 * must not raise its own (kind `electron`).
 */
export function createElectronClient(api: ConsoleApi): ConsoleClient {
  const link: LinkState = { status: 'open', since: Date.now() };
  return {
    kind: 'electron',
    snapshot: () => api.snapshot(),
    series: (query) => api.series(query),
    alertHistory: (query) => api.alertHistory(query),
    alertTrail: (id) => api.alertTrail(id),
    acknowledge: (ack) => api.acknowledge(ack),
    alertCase: (alertId) => api.alertCase(alertId),
    addNote: (note) => api.addNote(note),
    assignAlert: (assign) => api.assignAlert(assign),
    createSilence: (silence) => api.createSilence(silence),
    expireSilence: (expire) => api.expireSilence(expire),
    watchBook: (key) => api.watchBook(key),
    setInterest: (interest) => api.setInterest(interest),
    listCaptures: () => api.listCaptures(),
    openCapture: (open) => api.openCapture(open),
    controlReplay: (control) => api.controlReplay(control),
    startRecording: (start) => api.startRecording(start),
    stopRecording: () => api.stopRecording(),
    exportHistory: (request) => api.exportHistory(request),
    marketReport: (request) => api.marketReport(request),
    seekReplay: (request) => api.seekReplay(request),
    stepReplay: (request) => api.stepReplay(request),
    subscribe: (listener) => api.subscribe(listener),
    link: () => link,
    onLink: () => () => undefined,
    close: () => undefined,
    ...focusAlert(api as ConsoleApi & FocusAlertSource),
    ...writtenFiles(api as ConsoleApi & FocusAlertSource),
  };
}

function writtenFiles(api: ConsoleApi & FocusAlertSource): Pick<ConsoleClient, 'openWrittenFile'> {
  const open = api.openWrittenFile;
  return typeof open === 'function' ? { openWrittenFile: (path) => open(path) } : {};
}

function focusAlert(api: ConsoleApi & FocusAlertSource): Pick<ConsoleClient, 'onFocusAlert'> {
  const source = api.onFocusAlert;
  return typeof source === 'function' ? { onFocusAlert: (listener) => source(listener) } : {};
}
