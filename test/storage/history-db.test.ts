import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, openHistoryDb, resolveHistoryPath } from '../../src/engine/storage/history-db';
import { HistorySchemaError, MIGRATIONS, migrate, schemaVersion, type Migration } from '../../src/engine/storage/migrations';
import { tempDbPath, tempDir } from './helpers';

describe('history database path', () => {
  const home = '/home/ops';

  it('takes the explicit path first, then features.storage.path, then the user data folder', () => {
    const storage = { path: '/data/surveil/history.db' };
    expect(resolveHistoryPath({ explicit: '/tmp/x.sqlite', storage, home, platform: 'linux' })).toBe('/tmp/x.sqlite');
    expect(resolveHistoryPath({ storage, home, platform: 'linux' })).toBe('/data/surveil/history.db');
    expect(resolveHistoryPath({ storage: { path: null }, home, platform: 'linux', env: {} })).toBe(
      '/home/ops/.local/share/surveil-console/history.sqlite',
    );
  });

  it('treats a configured folder as a folder, expands ~ and resolves relative paths from the cwd', () => {
    const dir = tempDir();
    expect(resolveHistoryPath({ storage: { path: dir }, platform: 'linux' })).toBe(join(dir, 'history.sqlite'));
    expect(resolveHistoryPath({ storage: { path: '/some/folder' }, platform: 'linux' })).toBe('/some/folder/history.sqlite');
    expect(resolveHistoryPath({ storage: { path: '~/surveil/h.sqlite' }, home, platform: 'linux' })).toBe('/home/ops/surveil/h.sqlite');
    expect(resolveHistoryPath({ explicit: 'out/replay.sqlite', cwd: '/work', platform: 'linux' })).toBe('/work/out/replay.sqlite');
  });

  it('uses each platform\'s user data folder', () => {
    expect(defaultDataDir({ platform: 'linux', home, env: { XDG_DATA_HOME: '/xdg' } })).toBe('/xdg/surveil-console');
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(defaultDataDir({ platform: 'linux', home, env: { XDG_DATA_HOME: 'rel' } })).toBe('/home/ops/.local/share/surveil-console');
    expect(defaultDataDir({ platform: 'darwin', home, env: {} })).toBe('/home/ops/Library/Application Support/surveil-console');
    expect(defaultDataDir({ platform: 'win32', home: 'C:\\Users\\ops', env: { APPDATA: 'C:\\Users\\ops\\AppData\\Roaming' } })).toBe(
      'C:\\Users\\ops\\AppData\\Roaming\\surveil-console',
    );
    expect(resolveHistoryPath({ platform: 'win32', home: 'C:\\Users\\ops', env: {} })).toBe(
      'C:\\Users\\ops\\AppData\\Roaming\\surveil-console\\history.sqlite',
    );
  });
});

describe('openHistoryDb', () => {
  it('creates the folder, opens in WAL with synchronous=NORMAL and a busy timeout, and migrates', () => {
    const path = join(tempDir(), 'nested', 'deeper', 'history.sqlite');
    const db = openHistoryDb(path, { busyTimeoutMs: 2500 });
    expect(existsSync(path)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(2500);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(['alert_case', 'alert_events', 'alerts', 'captures', 'feed_events', 'history_duplicates', 'history_meta', 'instruments', 'rollup_series', 'rollups', 'rollups_hourly', 'samples', 'silences']);
    db.close();
  });

  it('reopens an up-to-date file without running a migration again, its rows kept', () => {
    const path = tempDbPath();
    const first = openHistoryDb(path);
    first.prepare("INSERT INTO captures (path, venue, started) VALUES ('rec.jsonl.gz', 'okx', 1)").run();
    // SQLite's schema cookie moves with every CREATE / ALTER / DROP: unchanged across the reopen means no migration ran.
    const cookie = first.pragma('schema_version', { simple: true }) as number;
    first.close();
    const db = openHistoryDb(path);
    try {
      expect(db.pragma('schema_version', { simple: true })).toBe(cookie);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT path, venue FROM captures').all()).toEqual([{ path: 'rec.jsonl.gz', venue: 'okx' }]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('reopening a file one migration behind runs only the missing step', () => {
    const path = tempDbPath();
    const raw = new Database(path);
    migrate(raw, MIGRATIONS.slice(0, -1));
    raw.close();
    const db = openHistoryDb(path);
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer schema, naming both versions', () => {
    const path = tempDbPath();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openHistoryDb(path)).toThrow(HistorySchemaError);
    expect(() => openHistoryDb(path)).toThrow(`schema version ${MIGRATIONS.length + 1} is newer than this build supports (${MIGRATIONS.length})`);
  });

  it('applies later steps forward only, and a failing step leaves the previous version intact', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, 'm.sqlite'));
    const steps: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT;' },
    ];
    expect(migrate(db, steps.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(migrate(db, steps)).toEqual({ from: 1, to: 2 });
    const broken: Migration[] = [...steps, { version: 3, name: 'broken', sql: 'CREATE TABLE b (x); CREATE TABLE a (x);' }];
    expect(() => migrate(db, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").pluck().get()).toBe(0);
    expect(() => migrate(db, [steps[1]!])).toThrow(/version 2, expected 1/);
    db.close();
  });
});
