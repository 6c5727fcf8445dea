import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writtenFilePath } from '../../src/main/written-files';
import { ApiRequestError } from '../../src/shared/contract';

/**
 * openWrittenFile's path check on real files and symlinks: only a file in
 * the history folder's reports/ or exports/ opens, whatever the path says.
 */
let base: string;
let history: string;
let report: string;
let exported: string;
let outside: string;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'surveil-written-')));
  history = join(base, 'history');
  mkdirSync(join(history, 'reports'), { recursive: true });
  mkdirSync(join(history, 'exports', 'sub'), { recursive: true });
  mkdirSync(join(history, 'captures'));
  report = join(history, 'reports', 'market-report_2026-03-01_all.html');
  exported = join(history, 'exports', 'BTC-USDT-PERP_series_start_end.csv');
  writeFileSync(report, '<!doctype html>');
  writeFileSync(exported, 'key\r\n');
  writeFileSync(join(history, 'exports', 'sub', 'nested.parquet'), 'PAR1');
  writeFileSync(join(history, 'history.sqlite'), 'db');
  writeFileSync(join(history, 'captures', 'rec.jsonl'), '{}\n');
  outside = join(base, 'secret.txt');
  writeFileSync(outside, 'secret');
  // Symlinks pointing out of the folders, and one pointing from one allowed folder into the other.
  symlinkSync(outside, join(history, 'exports', 'leak.csv'));
  symlinkSync(join(history, 'history.sqlite'), join(history, 'reports', 'db.html'));
  symlinkSync(base, join(history, 'exports', 'up'));
  symlinkSync(exported, join(history, 'reports', 'export-link.csv'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const refusal = (path: unknown, dir: string | null = history): string => {
  try {
    writtenFilePath(path, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiRequestError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${String(path)}`);
};

describe('writtenFilePath', () => {
  it('accepts a report and an export the engine wrote, answering their real paths', () => {
    expect(writtenFilePath(report, history)).toBe(report);
    expect(writtenFilePath(exported, history)).toBe(exported);
    expect(writtenFilePath(join(history, 'exports', 'sub', 'nested.parquet'), history)).toBe(join(history, 'exports', 'sub', 'nested.parquet'));
    // A `..` that stays inside is folded; a symlink between the two folders lands inside one.
    expect(writtenFilePath(join(history, 'reports', '..', 'exports', 'BTC-USDT-PERP_series_start_end.csv'), history)).toBe(exported);
    expect(writtenFilePath(join(history, 'reports', 'export-link.csv'), history)).toBe(exported);
  });

  it('refuses .. out of the folders, other folders of the history and files elsewhere', () => {
    expect(refusal(join(history, 'reports', '..', 'history.sqlite'))).toMatch(/is not a report or export this console wrote/);
    expect(refusal(join(history, 'exports', '..', '..', 'secret.txt'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'history.sqlite'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'captures', 'rec.jsonl'))).toMatch(/is not a report or export/);
    expect(refusal(outside)).toMatch(/is not a report or export/);
    expect(refusal('/etc/passwd')).toMatch(/is not a report or export/);
  });

  it('refuses symlinks that point out, even when their names look right', () => {
    expect(refusal(join(history, 'exports', 'leak.csv'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'reports', 'db.html'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'exports', 'up', 'secret.txt'))).toMatch(/is not a report or export/);
  });

  it('refuses a reports/ folder that is itself a symlink to elsewhere', () => {
    const other = join(base, 'other-history');
    mkdirSync(other);
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere', 'x.html'), 'x');
    symlinkSync(join(base, 'elsewhere'), join(other, 'reports'));
    expect(refusal(join(other, 'reports', 'x.html'), other)).toMatch(/is not a report or export/);
  });

  it('refuses the folders themselves, missing files, relative paths and what is not a path', () => {
    expect(refusal(join(history, 'reports'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'exports', 'sub'))).toMatch(/is not a report or export/);
    expect(refusal(join(history, 'exports', 'gone.csv'))).toMatch(/no such file/);
    expect(refusal(relative(process.cwd(), exported))).toMatch(/not an absolute path/);
    expect(refusal('')).toMatch(/expected the path/);
    expect(refusal(42)).toMatch(/expected the path/);
    expect(refusal({ path: exported })).toMatch(/expected the path/);
    expect(refusal(`${exported}\0.html`)).toMatch(/expected the path/);
    expect(refusal('/'.repeat(5000))).toMatch(/expected the path/);
    expect(refusal(exported, null)).toMatch(/keeps no history/);
  });
});
