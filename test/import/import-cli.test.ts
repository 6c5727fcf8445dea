import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';
import { binanceToTardis, INCREMENTAL_HEADER } from './real-to-tardis';

let dir: string;
let csv: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  const rows = binanceToTardis(await readCaptureFrames(realRecording(REAL.binanceSpot)), 'binance', ['NKNUSDT']);
  // One refused row before the snapshot: counted and named, the book is not touched.
  rows.unshift('binance,NKNUSDT,1633998500000000,1633998500000000,maybe,bid,0.35,1');
  csv = join(dir, 'binance_incremental_book_L2_2021-10-12_NKNUSDT.csv.gz');
  writeFileSync(csv, gzipSync(`${INCREMENTAL_HEADER}\n${rows.join('\n')}\n`));
});

describe('surveil import', () => {
  it('writes a capture that surveil replay turns into books, and prints the refused rows with file:line', () => {
    const out = join(dir, 'nkn.jsonl.gz');
    const run = surveil(['import', csv, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/incremental_book_L2, \d+ rows/);
    expect(run.stdout).toContain('binance-spot NKNUSDT (NKNUSDT) from incremental_book_L2: 1 snapshots');
    expect(run.stdout).toContain('bad_is_snapshot: 1');
    expect(run.stdout).toContain('binance_incremental_book_L2_2021-10-12_NKNUSDT.csv.gz:2: is_snapshot "maybe" is neither true nor false');
    expect(run.stdout).toMatch(/rows\/s/);
    const replay = surveil(['replay', out]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/binance-spot\s+NKNUSDT\s+NKNUSDT \(no metadata\)\s+0\.35270000\s+0\.35310000\s+614\/994/);
    // Refuses to overwrite without being told.
    const again = surveil(['import', csv, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--overwrite');
    expect(surveil(['import', csv, '--out', out, '--overwrite']).code).toBe(0);
  });

  it('never crashes on a malformed file: random bytes are refused by name and nothing is written to replay', () => {
    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, randomBytes(200_000));
    const run = surveil(['import', junk, '--format', 'tardis', '--out', join(dir, 'junk.jsonl')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nothing to replay');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(run.stdout).toMatch(/Refused \d+ rows/);
  });

  it('refuses a bad command line', () => {
    expect(surveil(['import', csv]).code).toBe(2);
    expect(surveil(['import', csv, '--out', join(dir, 'x.jsonl'), '--format', 'parquet']).code).toBe(2);
    expect(surveil(['import', join(dir, 'missing.csv'), '--out', join(dir, 'y.jsonl')]).stderr).toContain('no such file');
  });
});
