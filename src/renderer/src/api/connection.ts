import type { ConsoleApi } from '../../../shared/contract';

/** The link between the console and the engine, as the header shows it. */
export type LinkState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open'; readonly since: number }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly retryAt: number; readonly reason: string };

/** Which transport carries the API: Electron IPC (preload) or the browser WebSocket. */
export type ClientKind = 'electron' | 'browser';

/**
 * A ConsoleApi plus what the shell needs to know about the transport:
 * its kind (Electron notifies from the main process; the browser does it
 * itself) and the link state. `onLink` fires `reconnected` after a link came
 * back, when the snapshot must be reloaded because events were missed.
 */
export interface ConsoleClient extends ConsoleApi {
  readonly kind: ClientKind;
  link(): LinkState;
  onLink(listener: (state: LinkState, reconnected: boolean) => void): () => void;
  close(): void;
  /** Electron only: the operator clicked the desktop notification of an alert. */
  onFocusAlert?(listener: (alertId: string) => void): () => void;
  /** Electron only: opens a report or export the engine wrote (its answer's `path`) with the system's application. */
  openWrittenFile?(path: string): Promise<void>;
}
