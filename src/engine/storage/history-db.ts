import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, posix, resolve, win32 } from 'node:path';
import Database from 'better-sqlite3';
import type { StorageSettings } from '../../shared/config/features-schema';
import { migrate } from './migrations';
import { resolveSqliteBinding } from './native-binding';

/** A history database handle (better-sqlite3). */
export type HistoryDatabase = Database.Database;

/** Folder name under the platform's user data folder. */
export const HISTORY_APP_DIR = 'surveil-console';
/** File name used when only a folder is given. */
export const HISTORY_FILE_NAME = 'history.sqlite';

export interface HistoryPathOptions {
  /** `--db FILE`: wins over everything. */
  readonly explicit?: string | null;
  /** features.yaml `storage`; its `path` may name a file or a folder. */
  readonly storage?: Pick<StorageSettings, 'path'> | null;
  /** Injected for tests; default the real process values. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
  readonly cwd?: string;
}

/**
 * The platform's per-user data folder for this app: `$XDG_DATA_HOME` or
 * `~/.local/share` on Linux, `~/Library/Application Support` on macOS,
 * `%APPDATA%` on Windows.
 */
export function defaultDataDir(options: HistoryPathOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), HISTORY_APP_DIR);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', HISTORY_APP_DIR);
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), HISTORY_APP_DIR);
}

/**
 * Where the history database lives: the explicit path, else
 * features.storage.path, else `<user data folder>/history.sqlite`. A
 * configured path that is an existing folder, or that does not end in a
 * database extension, is taken as a folder (features.yaml documents
 * `path: /some/folder`). `~` is expanded; relative paths are taken from the cwd.
 */
export function resolveHistoryPath(options: HistoryPathOptions = {}): string {
  const platform = options.platform ?? process.platform;
  const path = platform === 'win32' ? win32 : posix;
  const home = options.home ?? homedir();
  const cwd = options.cwd ?? process.cwd();
  const expand = (p: string): string => path.resolve(cwd, p === '~' ? home : p.replace(/^~(?=[/\\])/, home));
  if (options.explicit) return expand(options.explicit);
  const configured = options.storage?.path;
  if (configured) {
    const full = expand(configured);
    return isFolder(full) || !/\.(sqlite3?|db)$/i.test(full) ? path.join(full, HISTORY_FILE_NAME) : full;
  }
  return path.join(defaultDataDir(options), HISTORY_FILE_NAME);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface OpenHistoryOptions {
  /** How long a statement waits for another connection's lock before SQLITE_BUSY. Default 5 s. */
  readonly busyTimeoutMs?: number;
  /** Open without migrating or writing (a viewer of a file another process writes). */
  readonly readonly?: boolean;
  /**
   * `PRAGMA quick_check` before anything is written, so a damaged file is
   * refused at open, naming it, instead of failing at the end of a replay.
   * `full` (default): every table. `bounded`: every table when the file is
   * at most {@link QUICK_CHECK_FULL_MAX_BYTES}, else every table but
   * `samples` (the console's start: a desk's month of samples takes minutes
   * to check, see docs/runbook.md). `off`: only what opening reads anyway
   * (header and schema; a viewer, or a file checked just before).
   */
  readonly integrityCheck?: 'full' | 'bounded' | 'off';
  /** `bounded` only: the file size up to which every table is checked. Default {@link QUICK_CHECK_FULL_MAX_BYTES}. */
  readonly fullCheckMaxBytes?: number;
}

/** `bounded` checks every table of files up to this size: at most ~5 s (measured on 103 MB: 1.5-2.0 s uncached, 0.23-0.38 s cached; docs/runbook.md). */
export const QUICK_CHECK_FULL_MAX_BYTES = 256 * 1024 * 1024;

/** The history database file is damaged: opened, it would fail mid-write or lose what is written to it. */
export class HistoryCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `history database ${file} is damaged (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; ${problems.length - 3} more` : ''}): ` +
        'stop every process using it, move it aside together with its -wal and -shm files, and restore it from a backup ' +
        `(or let a new one be created at that path); \`sqlite3 ${file} .recover > rows.sql\` may salvage its rows`,
    );
    this.name = 'HistoryCorruptError';
  }
}

/** SQLite's ways of saying the file is not a sound database. */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** Whether an error is SQLite reporting a damaged file. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

/**
 * `PRAGMA quick_check` on every table, or on each table but `samples`:
 * b-tree structure, page use, NOT NULL and CHECK constraints, without the
 * index-content comparison of integrity_check. An empty list means sound.
 */
export function quickCheck(db: HistoryDatabase, options: { skipSamples?: boolean } = {}): string[] {
  const read = (pragma: string): string[] => (db.pragma(pragma) as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (!options.skipSamples) return read('quick_check');
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'samples'").pluck().all() as string[];
  return tables.flatMap((t) => read(`quick_check("${t.replace(/"/g, '""')}")`));
}

/**
 * Opens (creating folder and file if needed) and migrates the history
 * database. WAL lets the console read while the writer writes;
 * synchronous=NORMAL in WAL mode keeps every committed transaction across a
 * process crash (SIGKILL), and risks only the last ones on power loss, in
 * exchange for no fsync per commit.
 */
export function openHistoryDb(file: string, options: OpenHistoryOptions = {}): HistoryDatabase {
  const memory = file === ':memory:';
  if (!memory && !options.readonly) mkdirSync(dirname(resolve(file)), { recursive: true });
  let db: HistoryDatabase;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, nativeBinding: resolveSqliteBinding() });
  } catch (error) {
    throw isCorruptionError(error) ? new HistoryCorruptError(file, [(error as Error).message]) : error;
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    const check = memory ? 'off' : (options.integrityCheck ?? 'full');
    if (check !== 'off') {
      const skipSamples = check === 'bounded' && fileSize(file) > (options.fullCheckMaxBytes ?? QUICK_CHECK_FULL_MAX_BYTES);
      const problems = quickCheck(db, { skipSamples });
      if (problems.length > 0) throw new HistoryCorruptError(file, problems);
    }
    if (!options.readonly) {
      if (!memory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (error) {
    db.close();
    // A damaged header or schema page is found by the first read, whatever the check.
    throw isCorruptionError(error) ? new HistoryCorruptError(file, [(error as Error).message]) : error;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Folds the WAL back into the main file and truncates it (on close, before measuring size). */
export function checkpointHistoryDb(db: HistoryDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
