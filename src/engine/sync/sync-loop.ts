import type { SyncSettings } from '../../shared/config/features-schema';
import type { HistoryDatabase } from '../storage/history-db';
import { pgUrlFromEnv } from './pg-url';
import { PgSync, SyncError, zeroCounts, type PgSyncOptions, type SyncLogger, type SyncPassResult, type TableCounts } from './pg-sync';

export interface SyncLoopOptions {
  /** Pause between passes once caught up (features.yaml sync.interval_seconds). */
  readonly intervalMs: number;
  /** First retry delay after a failure. Default 1 s. */
  readonly initialBackoffMs?: number;
  /** Longest retry delay. Default 5 minutes. */
  readonly maxBackoffMs?: number;
  /** Injected for tests; default Math.random. */
  readonly random?: () => number;
  readonly onPass?: (result: SyncPassResult) => void;
  /** A failed pass; the loop retries after `retryInMs`. */
  readonly onError?: (error: SyncError, retryInMs: number) => void;
}

/** What the loop is doing, for the console's status line. */
export interface SyncStatus {
  readonly state: 'idle' | 'syncing' | 'waiting' | 'backoff' | 'stopped';
  /** Failed passes in a row (0 after a success). */
  readonly failures: number;
  /** The last failure's message (redacted), cleared by a success. */
  readonly lastError: string | null;
  readonly lastSuccessAt: number | null;
  readonly lastPass: SyncPassResult | null;
  /** Rows sent since start, per table. */
  readonly totals: TableCounts;
  readonly nextAttemptAt: number | null;
}

/**
 * Retry delay after `failures` failures in a row: doubling from `initialMs`
 * up to `maxMs`, with "equal jitter" (between half and all of it) so desks
 * that lost the server together do not all come back in the same second.
 */
export function backoffDelay(failures: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/**
 * Background sync: a pass (until caught up) every interval, retried with
 * backoff while the server or network is down. Each pass resumes from the
 * local cursors, so an outage, a crash or a restart of the app costs
 * nothing but time.
 */
export class SyncLoop {
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private current: SyncStatus;

  constructor(
    readonly sync: PgSync,
    private readonly options: SyncLoopOptions,
  ) {
    const totals = zeroCounts();
    this.current = { state: 'idle', failures: 0, lastError: null, lastSuccessAt: null, lastPass: null, totals, nextAttemptAt: null };
  }

  /** Current state (a snapshot). */
  get status(): SyncStatus {
    return this.current;
  }

  /** Starts the loop; a second call does nothing. */
  start(): void {
    if (this.running || this.stopping) return;
    this.running = this.run();
  }

  /** Starts the next pass now instead of at the end of the wait (a "sync now" button). */
  syncNow(): void {
    this.wake?.();
  }

  /**
   * Stops after the batch in flight (its cursor is stored once it commits,
   * or it is sent again next time) and closes the connection.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.running) await this.running;
    else await this.sync.close();
    this.update({ state: 'stopped', nextAttemptAt: null });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.update({ state: 'syncing', nextAttemptAt: null });
      let delay: number;
      try {
        const pass = await this.sync.syncUntilCaughtUp(() => this.stopping);
        const totals = { ...this.current.totals };
        for (const [table, n] of Object.entries(pass.sent)) totals[table as keyof TableCounts] += n;
        this.update({ failures: 0, lastError: null, lastSuccessAt: Date.now(), lastPass: pass, totals });
        this.options.onPass?.(pass);
        // Not caught up means stopped or a writer outpacing us: go again at once.
        delay = pass.caughtUp ? this.options.intervalMs : 0;
      } catch (error) {
        const failure = this.sync.toSyncError(error);
        const failures = this.current.failures + 1;
        delay = backoffDelay(failures, this.options.initialBackoffMs ?? 1000, this.options.maxBackoffMs ?? 300_000, this.options.random);
        this.update({ failures, lastError: failure.message });
        this.options.onError?.(failure, delay);
      }
      if (this.stopping) break;
      this.update({ state: this.current.failures > 0 ? 'backoff' : 'waiting', nextAttemptAt: Date.now() + delay });
      await this.sleep(delay);
    }
    await this.sync.close();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private update(change: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...change };
  }
}

export interface BackgroundSyncOptions extends Omit<PgSyncOptions, 'url' | 'deskId' | 'batchSize'> {
  /** The URL from the OS keychain; default the SURVEIL_PG_URL environment variable. */
  readonly url?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly loop?: Partial<SyncLoopOptions>;
}

/**
 * The app's background sync from features.yaml: null when sync is disabled,
 * otherwise a started {@link SyncLoop}. Throws when enabled without a desk
 * id or a URL (the caller shows it; it never contains the password).
 */
export function startBackgroundSync(db: HistoryDatabase, settings: SyncSettings, options: BackgroundSyncOptions = {}): SyncLoop | null {
  if (!settings.enabled) return null;
  if (!settings.deskId) throw new SyncError('sync is enabled but features.yaml sync.desk_id is not set', false, 'config');
  const url = options.url ?? pgUrlFromEnv(options.env);
  const log: SyncLogger = options.log ?? ((_level, message) => process.stderr.write(`${message}\n`));
  const sync = new PgSync(db, { ...options, url, deskId: settings.deskId, batchSize: settings.batchSize, sendSamples: settings.sendSamples, log });
  const loop = new SyncLoop(sync, {
    intervalMs: settings.intervalSeconds * 1000,
    onError: (error, retryInMs) => log('warn', `sync: ${error.message}; retrying in ${(retryInMs / 1000).toFixed(1)} s`),
    ...options.loop,
  });
  loop.start();
  return loop;
}
