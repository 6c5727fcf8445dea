import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { HistoryDatabase } from './history-db';
import { minuteOf } from './minute-rollup';
import { RollupBuilder } from './rollup-builder';
import { hourOf } from './rollup-hourly';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** features.yaml storage.retention_days: alerts, feed events, rollups, moved duplicates. */
  readonly retentionDays: number;
  /**
   * features.yaml storage.raw_retention_hours: raw samples older than this
   * go, once their minutes are rolled up. Default: retention_days (raw kept
   * as long as everything else).
   */
  readonly rawRetentionHours?: number;
  /**
   * features.yaml storage.minute_rollup_retention_days: minute rollups older
   * than this go once their hours are folded into `rollups_hourly` (kept for
   * retentionDays). Default: retentionDays.
   */
  readonly minuteRollupRetentionDays?: number;
  /** The sampling interval, for the rollups retention closes itself. Default 1,000 ms. */
  readonly sampleIntervalMs?: number;
  /** Rows deleted per transaction: small, so a writer waits milliseconds at most. Default 2,000. */
  readonly chunkRows?: number;
  readonly now?: () => number;
  /**
   * Keep rows the central sync has not sent yet (features.yaml sync.enabled):
   * nothing past the lowest sync cursor of its table is deleted, so a desk
   * offline longer than the retention period loses nothing centrally.
   */
  readonly holdUnsynced?: boolean;
  /**
   * Hold raw samples for the sync too (sync.send_samples). Default
   * `holdUnsynced`; false when the sync does not send samples, or raw
   * samples would be held for ever.
   */
  readonly holdUnsyncedSamples?: boolean;
}

/** Rows deleted by one retention pass, per table. */
export interface RetentionResult {
  samples: number;
  alerts: number;
  alertEvents: number;
  feedEvents: number;
  rollups: number;
  /** Hourly rollups past retention_days. */
  hourlyRollups: number;
  /** Hours retention folded itself before their minutes went (an instrument not written since). */
  hoursRolledUp: number;
  /** Rows of history_duplicates (copies a migration moved aside) past retention. */
  duplicates: number;
  /** Minutes retention rolled up itself before their raw rows went (left open by a stop). */
  rolledUp: number;
}

const emptyResult = (): RetentionResult => ({ samples: 0, alerts: 0, alertEvents: 0, feedEvents: 0, rollups: 0, hourlyRollups: 0, hoursRolledUp: 0, duplicates: 0, rolledUp: 0 });

/** Epoch ms before which rows are deleted. */
export function retentionCutoff(retentionDays: number, now: number): number {
  return Math.floor(now - retentionDays * DAY_MS);
}

/**
 * Deletes rows older than the retention period, in chunks of `chunkRows`,
 * each in its own short transaction, yielding to the event loop between
 * chunks so the history writer's flush (same process) and other processes
 * (busy_timeout) get the lock in between. Samples go by time; alerts go once
 * resolved before the cutoff, with their audit trail; open alerts stay
 * however old. Captures are kept: their files outlive the retention period.
 */
export async function applyRetention(
  db: HistoryDatabase,
  options: RetentionOptions,
  shouldStop: () => boolean = () => false,
): Promise<RetentionResult> {
  const result = emptyResult();
  const steps = retentionSteps(db, options, result);
  for (;;) {
    if (shouldStop()) break;
    const more = steps.next();
    if (more.done) break;
    await yieldToLoop();
  }
  return result;
}

/** The same as {@link applyRetention} without yielding (tests, a one-off CLI purge). */
export function applyRetentionSync(db: HistoryDatabase, options: RetentionOptions): RetentionResult {
  const result = emptyResult();
  const steps = retentionSteps(db, options, result);
  while (!steps.next().done) {
    // each step is one committed chunk
  }
  return result;
}

/** One committed chunk per iteration. */
function* retentionSteps(db: HistoryDatabase, options: RetentionOptions, result: RetentionResult): Generator<void> {
  if (!(options.retentionDays > 0)) return;
  const now = (options.now ?? Date.now)();
  const cutoff = retentionCutoff(options.retentionDays, now);
  // Raw rows go by whole minutes, so the minute a cut would split is kept whole for its rollup.
  const rawCutoff = minuteOf(options.rawRetentionHours === undefined ? cutoff : Math.floor(now - options.rawRetentionHours * 3_600_000));
  // Minute rollups go by whole hours, each only once its hour is folded; hours go by retention_days.
  const minuteCutoff = hourOf(options.minuteRollupRetentionDays === undefined ? cutoff : retentionCutoff(options.minuteRollupRetentionDays, now));
  const hourCutoff = hourOf(cutoff);
  const chunk = Math.max(1, Math.floor(options.chunkRows ?? 2000));
  const synced = options.holdUnsynced || options.holdUnsyncedSamples ? syncedPositions(db) : null;
  // Without sync every row may go; with it, only rows at or below the table's cursor.
  const upTo = (table: string): number => (synced && options.holdUnsynced ? (synced.get(table) ?? 0) : Number.MAX_SAFE_INTEGER);
  const samplesUpTo = synced && (options.holdUnsyncedSamples ?? options.holdUnsynced) ? (synced.get('samples') ?? 0) : Number.MAX_SAFE_INTEGER;
  const inChunk = (fn: () => number): number => db.transaction(fn).immediate();

  // Per instrument, so each chunk is a range of the (instrument_id, time) index rather than a table scan.
  const deleteSamples = db.prepare(`DELETE FROM samples WHERE id IN
    (SELECT id FROM samples WHERE instrument_id = ? AND time < ? AND id <= ? ORDER BY time LIMIT ?)`);
  // Rollups are keyed (instrument_id, minute) and ordered for the sync by seq.
  const deleteRollups = db.prepare(`DELETE FROM rollups WHERE instrument_id = @id AND minute IN
    (SELECT minute FROM rollups WHERE instrument_id = @id AND minute < @cutoff AND seq <= @upTo ORDER BY minute LIMIT @chunk)`);
  const deleteHours = db.prepare(`DELETE FROM rollups_hourly WHERE instrument_id = @id AND hour IN
    (SELECT hour FROM rollups_hourly WHERE instrument_id = @id AND hour < @cutoff ORDER BY hour LIMIT @chunk)`);
  const builder = new RollupBuilder(db, options.sampleIntervalMs ?? 1000);
  const hourly = builder.hourly!;
  const instruments = db.prepare('SELECT id FROM instruments ORDER BY id').pluck().all() as number[];
  for (const id of instruments) {
    // Never a raw row without its minute: minutes a stop left open are closed from the rows first (cheap: only rows after the last rollup).
    result.rolledUp += inChunk(() => builder.catchUp(id, rawCutoff));
    yield;
    for (;;) {
      const n = inChunk(() => deleteSamples.run(id, rawCutoff, samplesUpTo, chunk).changes);
      result.samples += n;
      if (n < chunk) break;
      yield;
    }
    // Never a minute rollup deleted before its hour is folded (only minutes not folded yet are read).
    result.hoursRolledUp += inChunk(() => hourly.catchUp(id, minuteCutoff));
    for (;;) {
      const n = inChunk(() => deleteRollups.run({ id, cutoff: minuteCutoff, upTo: upTo('rollups'), chunk }).changes);
      result.rollups += n;
      if (n < chunk) break;
      yield;
    }
    for (;;) {
      const n = inChunk(() => deleteHours.run({ id, cutoff: hourCutoff, chunk }).changes);
      result.hourlyRollups += n;
      if (n < chunk) break;
      yield;
    }
    yield;
  }

  // resolved_at >= opened_at, so the opened_at index narrows the search.
  const oldAlerts = db
    .prepare(
      `SELECT alert_id FROM alerts a WHERE opened_at < @cutoff AND state = 'resolved' AND resolved_at < @cutoff
         AND revision <= @alertsUpTo
         AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = a.alert_id AND e.id > @eventsUpTo)
       LIMIT @chunk`,
    )
    .pluck();
  const deleteEvents = db.prepare('DELETE FROM alert_events WHERE alert_id = ?');
  const deleteAlert = db.prepare('DELETE FROM alerts WHERE alert_id = ?');
  for (;;) {
    const ids = inChunk(() => {
      const found = oldAlerts.all({ cutoff, chunk, alertsUpTo: upTo('alerts'), eventsUpTo: upTo('alert_events') }) as string[];
      for (const alertId of found) {
        result.alertEvents += deleteEvents.run(alertId).changes;
        result.alerts += deleteAlert.run(alertId).changes;
      }
      return found.length;
    });
    if (ids < chunk) break;
    yield;
  }
  yield;

  const deleteFeed = db.prepare('DELETE FROM feed_events WHERE id IN (SELECT id FROM feed_events WHERE time < ? AND id <= ? LIMIT ?)');
  for (;;) {
    const n = inChunk(() => deleteFeed.run(cutoff, upTo('feed_events'), chunk).changes);
    result.feedEvents += n;
    if (n < chunk) break;
    yield;
  }

  // Copies the v3 migration moved aside (and any later one): kept as long as the rest of the history.
  const deleteDuplicates = db.prepare('DELETE FROM history_duplicates WHERE id IN (SELECT id FROM history_duplicates WHERE moved_at < ? LIMIT ?)');
  for (;;) {
    const n = inChunk(() => deleteDuplicates.run(cutoff, chunk).changes);
    result.duplicates += n;
    if (n < chunk) break;
    yield;
  }
}

/** A running retention schedule. */
export interface RetentionSchedule {
  /** Runs a pass now (or joins the one running). */
  runNow(): Promise<RetentionResult>;
  /** Stops the timer and the pass in progress after its current chunk. */
  stop(): void;
}

/**
 * Applies retention now and then every `intervalMs` (default one hour).
 * Errors (a busy database) are reported and the next pass tries again.
 */
export function scheduleRetention(
  db: HistoryDatabase,
  options: RetentionOptions & { readonly intervalMs?: number; readonly onError?: (error: unknown) => void },
): RetentionSchedule {
  let stopped = false;
  let running: Promise<RetentionResult> | null = null;
  const runNow = (): Promise<RetentionResult> => {
    running ??= applyRetention(db, options, () => stopped).finally(() => {
      running = null;
    });
    return running;
  };
  const tick = (): void => {
    runNow().catch((error: unknown) => {
      if (options.onError) options.onError(error);
      else process.stderr.write(`history: retention failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  };
  const timer = setInterval(tick, options.intervalMs ?? 3_600_000);
  timer.unref();
  tick();
  return {
    runNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/**
 * The lowest sync cursor per table over every sync target the database has
 * known (the sync's own `sync_cursors` table; see src/engine/sync/outbox.ts).
 * Empty when it never synced: then nothing is synced and nothing may go.
 */
function syncedPositions(db: HistoryDatabase): Map<string, number> {
  const out = new Map<string, number>();
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_cursors'").get();
  if (!exists) return out;
  const rows = db.prepare('SELECT table_name AS name, MIN(position) AS position FROM sync_cursors GROUP BY table_name').all() as {
    name: string;
    position: number;
  }[];
  for (const row of rows) out.set(row.name, row.position);
  return out;
}
