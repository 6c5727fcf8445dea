/**
 * The ConsoleApi as the renderer gets it. The engine is created with
 * `openAnyCapture` so that a file the supervisor picks in the Open capture
 * dialog can be replayed from anywhere; the renderer, which could be
 * compromised, must not get that power: it may open only a capture the
 * engine lists or one the supervisor picked in this session.
 */
import { resolve } from 'node:path';
import type { ConsoleApi } from '../shared/contract';

/**
 * Wraps `api` so that `openCapture` refuses other paths.
 *
 * @param picked absolute paths the supervisor chose in the dialog (main adds to it)
 */
export function guardCaptureOpening(api: ConsoleApi, picked: ReadonlySet<string>): ConsoleApi {
  const mayOpen = async (path: string): Promise<boolean> => {
    const wanted = resolve(path);
    if (picked.has(wanted)) return true;
    return (await api.listCaptures()).some((capture) => resolve(capture.path) === wanted);
  };
  return {
    snapshot: () => api.snapshot(),
    series: (query) => api.series(query),
    alertHistory: (query) => api.alertHistory(query),
    alertTrail: (alertId) => api.alertTrail(alertId),
    acknowledge: (ack) => api.acknowledge(ack),
    alertCase: (alertId) => api.alertCase(alertId),
    addNote: (note) => api.addNote(note),
    assignAlert: (assign) => api.assignAlert(assign),
    createSilence: (silence) => api.createSilence(silence),
    expireSilence: (expire) => api.expireSilence(expire),
    watchBook: (key) => api.watchBook(key),
    setInterest: (interest) => api.setInterest(interest),
    listCaptures: () => api.listCaptures(),
    openCapture: async (request) => {
      if (!(await mayOpen(request.path))) throw new Error(`not a capture this console offers: ${request.path}`);
      return api.openCapture(request);
    },
    controlReplay: (control) => api.controlReplay(control),
    startRecording: (request) => api.startRecording(request),
    stopRecording: () => api.stopRecording(),
    exportHistory: (request) => api.exportHistory(request),
    marketReport: (request) => api.marketReport(request),
    // Only the capture open (one this guard let through): the service refuses any other.
    seekReplay: (request) => api.seekReplay(request),
    stepReplay: (request) => api.stepReplay(request),
    subscribe: (listener) => api.subscribe(listener),
  };
}
