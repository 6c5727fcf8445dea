/**
 * The better-sqlite3 addon the history database loads
 * (src/engine/storage/native-binding.ts): the package's own build by
 * default, the file named by SURVEIL_SQLITE_BINDING when the Electron main
 * process sets it, inherited by worker threads. Run on real files: the Node
 * build named explicitly opens a real database; a file that is not an addon
 * fails in the open, which shows the named file is what is loaded.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { SQLITE_BINDING_ENV, SqliteBindingError, resolveSqliteBinding } from '../../src/engine/storage/native-binding';

const require = createRequire(import.meta.url);
const NODE_BUILD = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const dir = mkdtempSync(join(tmpdir(), 'surveil-binding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env[SQLITE_BINDING_ENV];
});

describe('resolveSqliteBinding', () => {
  it('is the package build (undefined) when nothing names one', () => {
    expect(resolveSqliteBinding({ env: {} })).toBeUndefined();
    expect(resolveSqliteBinding({ env: { [SQLITE_BINDING_ENV]: '' } })).toBeUndefined();
  });

  it('takes the environment, and an explicit path over it', () => {
    const other = join(dir, 'other.node');
    writeFileSync(other, '');
    expect(resolveSqliteBinding({ env: { [SQLITE_BINDING_ENV]: NODE_BUILD } })).toBe(NODE_BUILD);
    expect(resolveSqliteBinding({ explicit: other, env: { [SQLITE_BINDING_ENV]: NODE_BUILD } })).toBe(other);
  });

  it.each([
    ['a relative path', 'out/native/electron/better_sqlite3.node', 'not an absolute path'],
    ['no .node', '/usr/lib/libsqlite3.so', 'not a .node addon'],
    ['a missing file', '/nonexistent/out/native/electron/better_sqlite3.node', 'no such file'],
    ['a folder', '/tmp/.node', null],
  ])('refuses %s with the path and the variable in the message', (_what, path, reason) => {
    if (reason === null) {
      const folder = join(dir, 'folder.node');
      mkdirSync(folder, { recursive: true });
      path = folder;
      reason = 'not a file';
    }
    expect(() => resolveSqliteBinding({ env: { [SQLITE_BINDING_ENV]: path } })).toThrow(SqliteBindingError);
    expect(() => resolveSqliteBinding({ env: { [SQLITE_BINDING_ENV]: path } })).toThrow(`SQLite native binding ${path} (${SQLITE_BINDING_ENV}): ${reason}`);
  });
});

describe('openHistoryDb through the named binding', () => {
  it('opens and migrates a real database with the addon the variable names', () => {
    // A copy at another path: better-sqlite3 can only have loaded it because it was named.
    const copy = join(dir, 'copy', 'better_sqlite3.node');
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(NODE_BUILD, copy);
    process.env[SQLITE_BINDING_ENV] = copy;
    const db = openHistoryDb(join(dir, 'named.sqlite'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect((db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    expect(Object.keys(require.cache).some((k) => k === copy)).toBe(true);
  });

  it('fails the open when the named file is not a loadable addon, instead of using the package build', () => {
    const fake = join(dir, 'fake', 'better_sqlite3.node');
    mkdirSync(dirname(fake), { recursive: true });
    writeFileSync(fake, 'not an ELF file');
    process.env[SQLITE_BINDING_ENV] = fake;
    expect(() => openHistoryDb(join(dir, 'fake.sqlite'))).toThrow(/invalid ELF header|not a valid|file too short|Win32|mach-o/i);
  });

  it('fails the open with the resolver message for a missing file', () => {
    process.env[SQLITE_BINDING_ENV] = join(dir, 'gone', 'better_sqlite3.node');
    expect(() => openHistoryDb(join(dir, 'gone.sqlite'))).toThrow(/no such file/);
  });
});

describe('worker threads', () => {
  it('see the variable the main thread set before starting them (the engine workers open SQLite there)', async () => {
    process.env[SQLITE_BINDING_ENV] = NODE_BUILD;
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
       const named = process.env[${JSON.stringify(SQLITE_BINDING_ENV)}];
       const db = new Database(':memory:', { nativeBinding: named });
       parentPort.postMessage({ named, one: db.prepare('SELECT 1 AS one').get().one });
       db.close();`,
      { eval: true },
    );
    const message = await new Promise<{ named: string; one: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(message).toEqual({ named: NODE_BUILD, one: 1 });
  });
});
