/**
 * The history thread: the live engine's SQLite file, written off the
 * analytics worker's thread so that a slow disk, a WAL checkpoint or a
 * second's commit never holds a boundary's alerts back. It owns the file's
 * live writers: samples and their rollups, alerts and their audit trail,
 * the feed log, acknowledgements, the captures table, retention and the
 * central sync. Rows come from the analytics worker, already reduced to
 * their INSERT parameters; failures and drops go back to it, where they
 * raise the engine's history alert.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Instrument } from '../../shared/core/model';
import { openHistoryDb } from '../storage/history-db';
import { HistoryWriter } from '../storage/history-writer';
import { openCaptureId, recordCaptureProgress, recordCaptureStart } from '../storage/capture-log';
import { scheduleRetention } from '../storage/retention';
import { startBackgroundSync, type SyncLoop } from '../sync/sync-loop';
import { BoundaryGuard } from './boundary-guard';
import { LoopDelay } from '../threads/loop-delay';
import type { HistoryCommand, HistoryReport, HistoryWorkerData } from './history-protocol';

const data = (workerData as { data: HistoryWorkerData }).data;
const toAnalytics = (report: HistoryReport) => parentPort!.postMessage(report);

/** Commits in slices of this much work: the thread keeps taking rows (and a stop) between them. */
const HISTORY_SLICE_MS = 4;
/**
 * Rows the live history may hold unwritten: a minute of the whole market
 * (2,500 instruments a second); past it the oldest samples go, and the
 * history alert says so (docs/performance.md, session 5).
 */
const HISTORY_MAX_PENDING_ROWS = 150_000;
/** A stop commits what waits for at most this long (the analytics worker waits 4 s for the whole stop). */
const STOP_DRAIN_MS = 3_000;

let failures = 0;
let dropped = 0;
let lastError: string | null = null;
let dropLoggedAt = -Infinity;

/**
 * A start that fails is thrown as a plain Error with the file in its words:
 * a library's error class (SqliteError) reaches the parent as a clone
 * without its message, and the restart alert would say nothing.
 */
function starting<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new Error(`history thread could not ${what} ${data.dbPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

// Checked by the console service before the engine started (quick_check is O(size)).
const db = starting('open', () => openHistoryDb(data.dbPath, { integrityCheck: 'off' }));
// Slices hold off a live boundary until the analytics worker says it was evaluated: on a machine
// with few cores a commit must not take one from the threads a boundary's alerts pass through.
const guard = BoundaryGuard.live(data.config.features.sampling.intervalMs);
const history = starting('prepare its writes to', () => new HistoryWriter(db, {
  sampleIntervalMs: data.config.features.sampling.intervalMs,
  sliceMs: HISTORY_SLICE_MS,
  deferSlice: (slice) => guard.defer(slice),
  maxPendingRows: HISTORY_MAX_PENDING_ROWS,
  onError(error) {
    failures += 1;
    lastError = error instanceof Error ? error.message : String(error);
    process.stderr.write(`history: write failed: ${lastError}\n`);
    report();
  },
  // Samples dropped for the queue's cap are lost history: the same critical alert as a failed write, saying so.
  onDrop(count, pending) {
    failures += 1;
    dropped += count;
    lastError = `${dropped} samples dropped unwritten (${pending} rows still waiting): the history writer cannot keep up with this machine's disk or CPU`;
    const now = Date.now();
    if (now - dropLoggedAt >= 10_000) {
      dropLoggedAt = now;
      process.stderr.write(`history: ${lastError}\n`);
    }
    report();
  },
}));
history.start();
// Old rows go in small chunks between writes, hourly.
const retention = scheduleRetention(db, {
  retentionDays: data.config.features.storage.retentionDays,
  rawRetentionHours: data.config.features.storage.rawRetentionHours,
  minuteRollupRetentionDays: data.config.features.storage.minuteRollupRetentionDays,
  sampleIntervalMs: data.config.features.sampling.intervalMs,
  holdUnsynced: data.config.features.sync.enabled,
  holdUnsyncedSamples: data.config.features.sync.enabled && data.config.features.sync.sendSamples,
  onError: (error) => process.stderr.write(`history retention: ${String(error)}\n`),
});
// The central upload, when features.yaml enables it (URL from SURVEIL_PG_URL only).
let syncLoop: SyncLoop | null = null;
try {
  syncLoop = startBackgroundSync(db, data.config.features.sync);
} catch (error) {
  process.stderr.write(`sync not started: ${error instanceof Error ? error.message : String(error)}\n`);
}

const loopDelay = new LoopDelay();
function report(): void {
  toAnalytics({ type: 'status', failures, lastError, pending: history.stats.pending, received, heapUsedBytes: getHeapStatistics().used_heap_size, loopDelayMs: loopDelay.take() });
}
// Often enough for the sender to tell a stuck thread (no report, rows piling up in its port) from a busy one.
const statusTimer = setInterval(report, data.statusIntervalMs ?? 1_000);
statusTimer.unref();

/** Instruments by key, as the analytics worker last sent them. */
const instruments = new Map<string, Instrument>();
/** Capture path -> its row in the captures table, while recording. */
const captureIds = new Map<string, number>();
let stopping = false;
/** Sample rows taken from the port so far. */
let received = 0;

parentPort!.on('message', (command: HistoryCommand) => {
  if (stopping) return;
  switch (command.type) {
    case 'boundary': {
      received += command.keys.length;
      for (const [key, instrument] of command.instruments) instruments.set(key, instrument);
      for (let i = 0; i < command.keys.length; i++) {
        const instrument = instruments.get(command.keys[i]!);
        // The analytics worker sends an instrument before its first row; a row without one is a bug, said and counted.
        if (instrument) history.onSampleRow(instrument, command.params[i]!);
        else {
          failures += 1;
          lastError = `a sample of ${command.keys[i]} came without its instrument: not stored`;
          report();
        }
      }
      history.onFeedAlerts(command);
      guard.evaluated(command.time);
      return;
    }
    case 'feed_alerts':
      history.onFeedAlerts(command);
      return;
    case 'sync_event':
      history.onSyncEvent(command.key, command.kind, command.time, command.detail);
      return;
    case 'acknowledge':
      try {
        // False: no alert row to mark (its boundary was lost with a crashed thread); said, not skipped.
        if (!history.acknowledge(command.alertId, command.ack, command.event)) {
          failures += 1;
          lastError = `acknowledgement of ${command.alertId} not stored: the alert is not in the history`;
          report();
        }
      } catch (error) {
        failures += 1;
        lastError = `acknowledgement of ${command.alertId} not stored: ${error instanceof Error ? error.message : String(error)}`;
        report();
      }
      return;
    case 'capture_log':
      try {
        // A thread restarted during a recording finds its row again rather than opening a second one.
        const id = captureIds.get(command.path) ?? openCaptureId(db, command.path) ?? recordCaptureStart(db, { path: command.path, venue: command.venue, started: command.started });
        captureIds.set(command.path, id);
        if (command.ended !== null) {
          recordCaptureProgress(db, id, { frames: command.frames, bytes: command.bytes, ended: command.ended });
          captureIds.delete(command.path);
        }
      } catch (error) {
        failures += 1;
        lastError = `capture log of ${command.path} not stored: ${error instanceof Error ? error.message : String(error)}`;
        report();
      }
      return;
    case 'worker_restart':
      history.recordWorkerRestart(command.worker, command.time, command.reason);
      return;
    case 'stop':
      stopping = true;
      void stopAll();
      return;
    case 'crash':
      setImmediate(() => {
        throw new Error('history thread crash requested');
      });
      return;
    case 'stall': {
      const until = Date.now() + command.ms;
      while (Date.now() < until) {
        // Busy on purpose: a stuck disk holds the thread, and rows queue in its port meanwhile.
      }
      return;
    }
  }
});

/** Everything received is committed, sync finishes its batch, then the thread ends. */
async function stopAll(): Promise<void> {
  clearInterval(statusTimer);
  loopDelay.stop();
  retention.stop();
  // History first: nothing already received may wait on a slow central server. In
  // transactions of 50 ms: if the stop runs out of time, only the tail is lost.
  try {
    if (!history.drain(50, performance.now() + STOP_DRAIN_MS)) process.stderr.write(`history: ${history.stats.pending} rows still waiting ${STOP_DRAIN_MS / 1000} s into the stop\n`);
    history.close();
  } catch (error) {
    process.stderr.write(`history: final write failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (syncLoop) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([syncLoop.stop().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
  }
  db.close();
  parentPort!.close();
}
