import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole } from '../../src/engine/console/run-console';
import { checkpointHistoryDb, HistoryCorruptError, openHistoryDb } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { surveil } from '../support/cli';
import { mulberry32 } from '../support/prng';
import { realRecording, REAL, repoRoot } from '../support/shared-data';
import { PG_URL, surveilSync } from '../sync/helpers';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { alertOf, eventOf, tempDir } from './helpers';

/** A history file with several pages per table, checkpointed and closed: no WAL hides the main file's pages. */
function writeHistory(path: string): void {
  const db = openHistoryDb(path);
  const writer = new HistoryWriter(db, { flushIntervalMs: 60_000 });
  const samples = syntheticSamples(PERP, Date.UTC(2024, 0, 1), 1000, 3);
  for (let i = 0; i < 3000; i++) {
    const evaluation = samples.next();
    const time = evaluation.sample.time;
    const id = `${PERP.venue}:${PERP.symbol}/spread_bps/${time}`;
    const alerts = i % 5 === 0 ? [alertOf({ id, openedAt: time, firedAt: time })] : [];
    const events = i % 5 === 0 ? [eventOf({ alertId: id, time, note: 'x'.repeat(200) })] : [];
    writer.onEvaluation({ ...evaluation, alerts, events }, PERP);
  }
  writer.close();
  checkpointHistoryDb(db);
  db.close();
}

/** A leaf page of the table, past the first (the root of a multi-page table is an interior page). */
function leafPage(path: string, table: string): { page: number; size: number } {
  const db = new Database(path, { readonly: true });
  try {
    const size = db.pragma('page_size', { simple: true }) as number;
    const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(table) as number[];
    expect(pages.length, `${table} pages`).toBeGreaterThan(2);
    return { page: pages[Math.floor(pages.length / 2)]!, size };
  } finally {
    db.close();
  }
}

/** Overwrites one page with seeded garbage, as a bad sector or a stray write would leave it. */
function garblePage(path: string, page: number, size: number, seed = 1): void {
  const random = mulberry32(seed);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, size, (page - 1) * size);
  } finally {
    closeSync(fd);
  }
}

function corruptHistory(table: string): string {
  const path = join(tempDir(), 'history.sqlite');
  writeHistory(path);
  const { page, size } = leafPage(path, table);
  garblePage(path, page, size);
  return path;
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('a damaged history database is refused at open, by name', () => {
  it('a garbage data page: HistoryCorruptError naming the file and what to do, and the file is left as it was', () => {
    const path = corruptHistory('alert_events');
    const before = sha(path);
    let error: unknown;
    try {
      openHistoryDb(path).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HistoryCorruptError);
    const message = (error as Error).message;
    expect(message).toContain(`history database ${path} is damaged`);
    expect(message).toMatch(/move it aside together with its -wal and -shm files, and restore it from a backup/);
    expect(sha(path)).toBe(before);
    // Without the check the open succeeds: the damage would surface only when a write reaches that page.
    openHistoryDb(path, { integrityCheck: 'off' }).close();
  });

  it('a garbage first page (header and schema) is refused the same way, whatever the check', () => {
    const path = join(tempDir(), 'history.sqlite');
    writeHistory(path);
    garblePage(path, 1, 4096);
    expect(() => openHistoryDb(path, { integrityCheck: 'off' })).toThrow(HistoryCorruptError);
    expect(() => openHistoryDb(path)).toThrow(`history database ${path} is damaged`);
  });

  it('bounded, past the size limit: every table but samples is checked', () => {
    const samplesDamaged = corruptHistory('samples');
    expect(() => openHistoryDb(samplesDamaged)).toThrow(HistoryCorruptError);
    openHistoryDb(samplesDamaged, { integrityCheck: 'bounded', fullCheckMaxBytes: 0 }).close();
    expect(() => openHistoryDb(samplesDamaged, { integrityCheck: 'bounded' })).toThrow(HistoryCorruptError);
    const eventsDamaged = corruptHistory('alert_events');
    expect(() => openHistoryDb(eventsDamaged, { integrityCheck: 'bounded', fullCheckMaxBytes: 0 })).toThrow(HistoryCorruptError);
  });

  it('surveil replay --db refuses it before replaying: exit 1, the file named, no report', () => {
    const path = corruptHistory('samples');
    const report = join(tempDir(), 'report.json');
    const run = surveil(['replay', realRecording(REAL.binanceUsdm), '--db', path, '--report', report]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`surveil replay: history database ${path} is damaged`);
    expect(run.stderr).toMatch(/move it aside/);
    expect(run.stdout).not.toMatch(/history written/);
    expect(existsSync(report)).toBe(false);
  });

  it('surveil sync --db refuses it before connecting: exit 1, the file named', () => {
    const path = corruptHistory('alert_events');
    const run = surveilSync(['--db', path, '--once', '--desk', 'corrupt-desk'], PG_URL);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`surveil sync: history database ${path} is damaged`);
    expect(run.stderr).toMatch(/restore it from a backup/);
    expect(run.stdout).toBe('');
  });

  it('the console does not start on it: the error names the file before any engine runs', async () => {
    const path = corruptHistory('samples');
    const config = loadConfig(join(repoRoot, 'config'));
    await expect(runConsole({ config, db: path, host: '127.0.0.1', port: 0 })).rejects.toThrow(`history database ${path} is damaged`);
  });
});
