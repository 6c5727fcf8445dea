/**
 * Sync of the local history to the central PostgreSQL / TimescaleDB that
 * the desks share: schema, outbox cursors, batched idempotent inserts and
 * the background loop. See docs/sync.md.
 */
export { SyncOutbox, syncTargetKey, type OutboxBatch } from './outbox';
export {
  CENTRAL_SCHEMA_VERSION,
  CentralSchemaError,
  chooseCentralMode,
  detectTimescale,
  rollupAggregateSql,
  ROLLUPS_HOURLY_VIEW,
  ensureCentralSchema,
  plainSchemaSql,
  timescaleSql,
  timeIndexSql,
  type CentralMode,
  type CentralSchemaOptions,
  type CentralSchemaResult,
  type TimescaleTablePlan,
} from './pg-schema';
export { PgSync, SyncError, SYNCED_TABLES, type PgSyncOptions, type SyncLogger, type SyncPassResult, type TableCounts } from './pg-sync';
export { checkPgUrl, describePgError, describePgTarget, pgUrlFromEnv, PgUrlError, redactPgUrl, redactSecrets } from './pg-url';
export { backoffDelay, startBackgroundSync, SyncLoop, type BackgroundSyncOptions, type SyncLoopOptions, type SyncStatus } from './sync-loop';
export { expandRollupRow } from './rollup-rows';
export { ROLLUPS, SYNC_TABLES, type SyncTable, type SyncTableName } from './sync-tables';
