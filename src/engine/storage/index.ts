/**
 * Local history in SQLite: samples, alerts and their audit trail, feed
 * events and recordings, in one WAL database in the user's data folder.
 */
export { listCaptures, recordCaptureProgress, recordCaptureStart, type CaptureRecord } from './capture-log';
export {
  checkpointHistoryDb,
  defaultDataDir,
  HistoryCorruptError,
  isCorruptionError,
  openHistoryDb,
  quickCheck,
  QUICK_CHECK_FULL_MAX_BYTES,
  resolveHistoryPath,
  HISTORY_APP_DIR,
  HISTORY_FILE_NAME,
  type HistoryDatabase,
  type HistoryPathOptions,
  type OpenHistoryOptions,
} from './history-db';
export {
  alertTrail,
  getAlert,
  listInstruments,
  queryAlerts,
  queryFeedEvents,
  querySeries,
  UnknownSeriesError,
  type AlertEventRecord,
  type AlertQuery,
  type AlertRecord,
  type FeedEventQuery,
  type FeedEventRecord,
  type InstrumentRecord,
  type SeriesPoint,
  type SeriesQuery,
  type SeriesResult,
  type SeriesStats,
} from './history-queries';
export {
  HistoryWriter,
  type FeedEventInput,
  type FeedEventKind,
  type FlushStats,
  type HistoryWriterOptions,
} from './history-writer';
export { EVENT_KEYS, HistorySchemaError, MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations';
export {
  applyRetention,
  applyRetentionSync,
  retentionCutoff,
  scheduleRetention,
  type RetentionOptions,
  type RetentionResult,
  type RetentionSchedule,
} from './retention';
export { SAMPLE_FLAGS } from './sample-row';
