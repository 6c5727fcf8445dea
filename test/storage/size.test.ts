import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_SAMPLES, writeInstrumentDay } from './fixtures/instrument-day';
import { tempDir } from './helpers';

describe('history size', () => {
  it('keeps an instrument-day at one sample per second near 20 MB', () => {
    const day = writeInstrumentDay(join(tempDir(), 'day.sqlite'));
    expect(day.rows).toBe(DAY_SAMPLES);
    const perRow = day.fileBytes / DAY_SAMPLES;
    process.stdout.write(
      `instrument-day: ${(day.fileBytes / 1e6).toFixed(1)} MB (${perRow.toFixed(0)} B/row: table ${(day.tableBytes / DAY_SAMPLES).toFixed(0)}, index ${(day.indexBytes / DAY_SAMPLES).toFixed(0)}), written at ${Math.round(DAY_SAMPLES / day.seconds).toLocaleString('en-US')} rows/s\n`,
    );
    // 18 REAL metrics (8 B), 8 milli-z integers (~2 B), time, flags, coverage, row and index overhead.
    expect(perRow).toBeLessThan(260);
  });
});
