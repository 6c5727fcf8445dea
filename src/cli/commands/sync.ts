import { existsSync } from 'node:fs';
import { defaultConfigDir } from '../../engine/config/default-config-dir';
import { loadConfig } from '../../engine/config/load-config';
import { checkpointHistoryDb, HistoryCorruptError, openHistoryDb, resolveHistoryPath, type HistoryDatabase } from '../../engine/storage/history-db';
import { PgSync, SYNCED_TABLES, type SyncPassResult } from '../../engine/sync/pg-sync';
import { PgUrlError, pgUrlFromEnv, redactPgUrl } from '../../engine/sync/pg-url';
import { SyncLoop } from '../../engine/sync/sync-loop';
import { isConfigError } from '../../shared/config/config-error';
import type { FeaturesConfig } from '../../shared/config/features-schema';
import type { CliCommand, CliIo } from '../index';
import { untilSignal } from '../until-signal';

/** `sync --db FILE [--once] [--desk ID] [--config DIR] [--schema NAME] [--full] [--samples]` */
export const sync: CliCommand = {
  name: 'sync',
  summary: 'Copy the local history to the central PostgreSQL/TimescaleDB (URL from the SURVEIL_PG_URL environment variable)',
  options: {
    db: { type: 'string', valueName: 'FILE', description: 'the local history database (required)' },
    once: { type: 'boolean', description: 'sync until caught up, print rows per table, exit (default: keep syncing until Ctrl-C)' },
    desk: { type: 'string', valueName: 'ID', description: 'desk id (default: features.yaml sync.desk_id)' },
    config: { type: 'string', valueName: 'DIR', description: `config folder (default: ${defaultConfigDir()})` },
    schema: { type: 'string', valueName: 'NAME', description: 'central PostgreSQL schema (default: surveil)' },
    full: { type: 'boolean', description: 'send the whole local history again (after a central restore; rows already there are skipped)' },
    samples: { type: 'boolean', description: 'also send raw samples (default: features.yaml sync.send_samples; rollups are always sent)' },
  },
  async run(args, io) {
    if (typeof args.values.db !== 'string') {
      io.err('surveil sync: --db FILE is required');
      return 2;
    }
    let url: string;
    try {
      url = pgUrlFromEnv();
    } catch (error) {
      if (!(error instanceof PgUrlError)) throw error;
      io.err(`surveil sync: ${error.message}`);
      return 1;
    }
    let features: FeaturesConfig;
    try {
      features = loadConfig(typeof args.values.config === 'string' ? args.values.config : defaultConfigDir()).features;
    } catch (error) {
      if (!isConfigError(error)) throw error;
      for (const problem of error.problems) io.err(problem);
      return 1;
    }
    const deskId = typeof args.values.desk === 'string' ? args.values.desk : features.sync.deskId;
    if (!deskId) {
      io.err('surveil sync: no desk id: pass --desk ID or set sync.desk_id in features.yaml');
      return 1;
    }
    const path = resolveHistoryPath({ explicit: args.values.db });
    // openHistoryDb would create an empty file: a typo must not "sync" nothing successfully.
    if (!existsSync(path)) {
      io.err(`surveil sync: ${path}: no such file`);
      return 1;
    }
    let db: HistoryDatabase;
    try {
      db = openHistoryDb(path);
    } catch (error) {
      // A damaged file's message names it and says what to do, before any sync work.
      if (error instanceof HistoryCorruptError) io.err(`surveil sync: ${error.message}`);
      else io.err(`surveil sync: ${path}: cannot open the history database: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    try {
      const pg = new PgSync(db, {
        url,
        deskId,
        schema: typeof args.values.schema === 'string' ? args.values.schema : undefined,
        batchSize: features.sync.batchSize,
        sendSamples: args.values.samples === true || features.sync.sendSamples,
        log: (_level, message) => io.err(message),
      });
      if (args.values.full === true) pg.resendAll();
      if (args.values.once === true) return await once(pg, redactPgUrl(url), io);
      if (!features.sync.enabled) io.err('surveil sync: note: sync.enabled is false in features.yaml (the app will not sync); running because asked');
      return await forever(pg, features.sync.intervalSeconds, io);
    } finally {
      checkpointHistoryDb(db);
      db.close();
    }
  },
};

async function once(pg: PgSync, shownUrl: string, io: CliIo): Promise<number> {
  let result: SyncPassResult;
  try {
    result = await pg.syncUntilCaughtUp();
  } catch (error) {
    // The (redacted) URL tells the operator which server and user were tried.
    io.err(`surveil sync: ${shownUrl}: ${pg.toSyncError(error).message}`);
    return 1;
  } finally {
    await pg.close();
  }
  printPass(result, pg, io);
  if (!pg.sendsSamples) io.out('raw samples: not sent (features.yaml sync.send_samples is false; --samples sends them); rollups carry the history');
  return 0;
}

async function forever(pg: PgSync, intervalSeconds: number, io: CliIo): Promise<number> {
  const loop = new SyncLoop(pg, {
    intervalMs: intervalSeconds * 1000,
    onPass: (pass) => {
      const sent = SYNCED_TABLES.filter((t) => pass.sent[t] > 0).map((t) => `${t} ${pass.sent[t]}`);
      if (sent.length > 0) io.out(`${new Date().toISOString()} synced ${sent.join(', ')}`);
    },
    onError: (error, retryInMs) => io.err(`${new Date().toISOString()} sync failed: ${error.message}; retrying in ${(retryInMs / 1000).toFixed(1)} s`),
  });
  // Listening before the line that says it syncs: whoever reads that line and then signals must stop it, not kill it.
  const stopped = untilSignal();
  io.err(`surveil sync: syncing to ${pg.target} every ${intervalSeconds} s; Ctrl-C to stop`);
  loop.start();
  await stopped.signal;
  io.err('surveil sync: stopping after the batch in flight');
  await loop.stop();
  const totals = loop.status.totals;
  io.out(`stopped; rows sent: ${SYNCED_TABLES.map((t) => `${t} ${totals[t]}`).join(', ')}`);
  return 0;
}

function printPass(result: SyncPassResult, pg: PgSync, io: CliIo): void {
  io.out(`mode: ${result.mode === 'timescaledb' ? 'timescaledb' : 'plain postgres'} (${pg.target}, schema "${pg.schemaName}")`);
  const width = Math.max(...SYNCED_TABLES.map((t) => t.length));
  io.out(`${'table'.padEnd(width)}  ${'sent'.padStart(9)}  ${'new'.padStart(9)}`);
  for (const t of SYNCED_TABLES) io.out(`${t.padEnd(width)}  ${String(result.sent[t]).padStart(9)}  ${String(result.inserted[t]).padStart(9)}`);
  const rows = SYNCED_TABLES.reduce((n, t) => n + result.sent[t], 0);
  const seconds = result.elapsedMs / 1000;
  io.out(`caught up: ${rows} rows in ${result.batches} batches, ${seconds.toFixed(2)} s${seconds > 0 && rows > 0 ? ` (${Math.round(rows / seconds)} rows/s)` : ''}`);
}
