import type { Acknowledgement, Alert, AlertEvent, Instrument, VenueId } from '../../shared/core/model';
import type { Config } from '../../shared/config';
import type { SyncEventKind } from '../pipeline/surveillance-pipeline';

/** What the history thread is started with. */
export interface HistoryWorkerData {
  readonly config: Config;
  readonly dbPath: string;
  /** How often the thread reports its status (ms); default 1 s. */
  readonly statusIntervalMs?: number;
}

/** Analytics worker -> history thread, in the order the rows were made. */
export type HistoryCommand =
  /**
   * One boundary's rows: each sample's INSERT parameters (sample-row.ts),
   * keyed, with the instruments new or changed since the last message, and
   * the alerts and audit events the boundary raised. Sent once the
   * boundary's alerts are out, so it also says the boundary was evaluated.
   */
  | {
      readonly type: 'boundary';
      readonly time: number;
      /** `venue:symbol` and its instrument, for those new or changed since the last message. */
      readonly instruments: readonly (readonly [key: string, instrument: Instrument])[];
      readonly keys: readonly string[];
      readonly params: readonly (readonly unknown[])[];
      readonly alerts: readonly Alert[];
      readonly events: readonly AlertEvent[];
    }
  | { readonly type: 'feed_alerts'; readonly alerts: readonly Alert[]; readonly events: readonly AlertEvent[] }
  | { readonly type: 'sync_event'; readonly key: string; readonly kind: SyncEventKind; readonly time: number; readonly detail?: string }
  | { readonly type: 'acknowledge'; readonly alertId: string; readonly ack: Acknowledgement; readonly event: AlertEvent }
  | { readonly type: 'capture_log'; readonly path: string; readonly venue: VenueId; readonly started: number; readonly ended: number | null; readonly frames: number; readonly bytes: number }
  | { readonly type: 'worker_restart'; readonly worker: string; readonly time: number; readonly reason: string }
  | { readonly type: 'stop' }
  /** Tests only: blocks the thread this long, as a stuck disk would. */
  | { readonly type: 'stall'; readonly ms: number }
  /** Tests only: fails the thread as a bug would. */
  | { readonly type: 'crash' };

/** History thread -> analytics worker. */
export type HistoryReport =
  /**
   * Failed writes and dropped rows so far (both raise the engine's history
   * alert), the last error in words, and the rows waiting; sent on every
   * failure or drop and every second. The thread's end is its exit.
   */
  {
      readonly type: 'status';
      readonly failures: number;
      readonly lastError: string | null;
      readonly pending: number;
      /** Sample rows taken from the port so far: the sender's measure of how far behind the thread is. */
      readonly received: number;
      readonly heapUsedBytes: number;
      /** The thread's worst event-loop delay since its last status, ms (threads/loop-delay.ts). */
      readonly loopDelayMs?: number;
    };
