/**
 * The IPC channel names between the preload and the main process. Main
 * imports them from here so both sides agree; nothing else is ever sent.
 * Pure constants: bundled into the sandboxed preload as they are.
 */
export const IPC_CHANNELS = {
  /** renderer -> main, invoke: one `ConsoleApi` request `(method, args)`. */
  request: 'surveil:request',
  /** main -> renderer: one `ConsoleEvent`. */
  event: 'surveil:event',
  /** main -> renderer: the supervisor clicked the desktop notification of this alert id. */
  focusAlert: 'surveil:focus-alert',
  /** renderer -> main, invoke: the saved panel layout, or null. */
  layoutLoad: 'surveil:layout-load',
  /** renderer -> main, invoke: saves the panel layout. */
  layoutSave: 'surveil:layout-save',
  /** renderer -> main, invoke: opens a written report or export (a path in the history folder's reports/ or exports/) with the system's application. */
  openWrittenFile: 'surveil:open-written-file',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];
