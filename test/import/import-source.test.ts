import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames, readCaptureHeader } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { importFiles, type ImportSummary } from '../../src/engine/import/import-files';
import { IMPORT_SIDECAR_SUFFIX } from '../../src/engine/import/import-source';
import type { ReplayReport } from '../../src/engine/replay/replay-report';
import { SHIPPED_CONFIG } from '../config/helpers';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';
import { binanceToTardis, INCREMENTAL_HEADER } from './real-to-tardis';

/**
 * An imported capture names its source: the header says the format,
 * dataset and files (written before the rows are read), the sidecar
 * <capture>.import.json the rows and refused rows of each, and the replay
 * report (`surveil replay --report`, its summary) and the console's replay
 * view say it in words.
 */
const NAME = 'binance_incremental_book_L2_2021-10-12_NKNUSDT.csv.gz';
let dir: string;
let capture: string;
let summary: ImportSummary;
let expected: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'import-source-'));
  const rows = binanceToTardis(await readCaptureFrames(realRecording(REAL.binanceSpot)), 'binance', ['NKNUSDT']);
  // Two rows the import refuses: counted for this file.
  rows.unshift('binance,NKNUSDT,1633998500000000,1633998500000000,maybe,bid,0.35,1');
  rows.splice(5, 0, 'binance,NKNUSDT,1633998500000001,1633998500000001,false,bid,abc,1');
  const csv = join(dir, NAME);
  writeFileSync(csv, gzipSync(`${INCREMENTAL_HEADER}\n${rows.join('\n')}\n`));
  capture = join(dir, 'nkn.jsonl.gz');
  summary = await importFiles({ files: [csv], out: capture });
  expect(summary.rejectedRows).toBe(2);
  expected = `imported from Tardis.dev incremental_book_L2 file ${NAME} (${summary.rows} rows, 2 refused)`;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an imported capture's source", () => {
  it('is in the capture header (format, dataset, file) and its sidecar (rows, refused)', async () => {
    const header = await readCaptureHeader(capture);
    expect(header['source']).toBe('import:tardis');
    expect((header['import'] as { sources: unknown }).sources).toEqual([{ file: NAME, format: 'tardis', dataset: 'incremental_book_L2' }]);
    const sidecar = JSON.parse(readFileSync(`${capture}${IMPORT_SIDECAR_SUFFIX}`, 'utf8')) as unknown;
    expect(sidecar).toEqual({
      capture: 'nkn.jsonl.gz',
      frames: summary.framesWritten,
      sources: [{ file: NAME, format: 'tardis', dataset: 'incremental_book_L2', rows: summary.rows, refused: 2, error: null }],
    });
    expect(summary.rows).toBeGreaterThan(1000);
  });

  it('is named by the replay report and its summary', () => {
    const out = join(dir, 'report.json');
    const run = surveil(['replay', capture, '--report', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`  source: ${expected}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ReplayReport;
    expect(report.source).toEqual({
      kind: 'import:tardis',
      files: [{ file: NAME, format: 'tardis', dataset: 'incremental_book_L2', rows: summary.rows, refused: 2 }],
      text: expected,
    });
    // A recording of our own has none.
    const recorded = join(dir, 'recorded.json');
    expect(surveil(['replay', realRecording(REAL.binanceSpot), '--report', recorded]).code).toBe(0);
    expect((JSON.parse(readFileSync(recorded, 'utf8')) as ReplayReport).source).toBeNull();
  });

  it("is in the console's replay state, as the replay view shows it", async () => {
    const service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath: null, openAnyCapture: true });
    try {
      const opened = await service.openCapture({ path: capture, speed: 'max' });
      expect(opened.source).toBe(expected);
      expect((await service.snapshot()).replay?.source).toBe(expected);
      await expect.poll(async () => (await service.snapshot()).replay?.state, { timeout: 20_000 }).toBe('done');
      expect((await service.snapshot()).replay?.source).toBe(expected);
    } finally {
      await service.stop();
    }
  });

  it('without the sidecar (copied alone, or another capture beside it) names the file without counts', async () => {
    const copy = join(dir, 'copy.jsonl.gz');
    writeFileSync(copy, readFileSync(capture));
    // A sidecar of another capture is not read.
    writeFileSync(`${copy}${IMPORT_SIDECAR_SUFFIX}`, readFileSync(`${capture}${IMPORT_SIDECAR_SUFFIX}`));
    const out = join(dir, 'copy.json');
    expect(surveil(['replay', copy, '--report', out]).code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ReplayReport;
    expect(report.source?.text).toBe(`imported from Tardis.dev incremental_book_L2 file ${NAME}`);
    expect(report.source?.files).toEqual([{ file: NAME, format: 'tardis', dataset: 'incremental_book_L2', rows: null, refused: null }]);
  });
});
