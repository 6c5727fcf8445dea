/**
 * History at whole-market scale (issue 11): bytes per day and write rate at
 * 2,500 instruments, and a 30-day series query on rollups.
 *
 * Bytes: `minutes` simulated minutes of 2,500 instruments at 1 s go through
 * the real HistoryWriter (raw samples and the rollups it builds) into a
 * fresh file; dbstat gives the bytes of each table and its index, divided by
 * its rows. A day is then extrapolated per table: rollups 2,500 x 1,440 rows
 * a day, raw samples a fixed window of raw_retention_hours (retention keeps
 * no more), so a day's disk is one day of rollups plus the raw window.
 * The synthetic samples carry every column metric and eight z-scores, as a
 * perpetual does (spot pairs have fewer): an upper bound per row.
 *
 * Write rate: the time inside the writer (queueing, encoding, rollups,
 * SQLite commits), samples made outside the timed part.
 *
 * Query: 30 days of minute rollups (and the hours folded from them) for one instrument among `neighbours` others,
 * written minute by minute across instruments as the writer writes them.
 * The table is clustered by (instrument_id, minute), so the query reads
 * the instrument's own pages whatever the number of neighbours; they make
 * the file (and its cache misses) realistic.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointHistoryDb, openHistoryDb } from '../src/engine/storage/history-db';
import { querySeries } from '../src/engine/storage/history-queries';
import { HistoryWriter } from '../src/engine/storage/history-writer';
import { applyRetentionSync } from '../src/engine/storage/retention';
import { HourlyRollupBuilder } from '../src/engine/storage/rollup-hourly';
import { encodeRollupStats, isZSeries } from '../src/engine/storage/rollup-codec';
import { RollupSeriesCatalogue } from '../src/engine/storage/rollup-series';
import { DEFAULT_RAW_RETENTION_HOURS } from '../src/shared/config/features-schema';
import type { Instrument } from '../src/shared/core/model';
import type { SampleEvaluation } from '../src/shared/core/surveillance-evaluator';
import { PERP, syntheticSamples } from '../test/storage/fixtures/synthetic';
import { mulberry32 } from '../test/support/prng';
import type { BenchHarness, BenchResult } from './index';

const INSTRUMENTS = 2500;
const DAY_MINUTES = 1440;
const START = Date.UTC(2024, 0, 1);

export interface ScaleFigures {
  readonly rawBytesPerRow: number;
  readonly rollupBytesPerRow: number;
  readonly rawWindowBytes: number;
  readonly rollupBytesPerDay: number;
  readonly rowsPerSecond: number;
}

function instruments(n: number): Instrument[] {
  return Array.from({ length: n }, (_, i) => ({ ...PERP, symbol: `SYM${i}USDT`, id: `SYM${i}-USDT-PERP`, base: `SYM${i}` }));
}

/** Writes `minutes` of 2,500 instruments through the writer; figures per table and the write rate. */
export function measureScaleWrite(dir: string, minutes: number): { results: BenchResult[]; figures: ScaleFigures } {
  const path = join(dir, 'scale.sqlite');
  const db = openHistoryDb(path);
  const writer = new HistoryWriter(db, { flushIntervalMs: 3_600_000 });
  const list = instruments(INSTRUMENTS);
  const sources = list.map((_, i) => syntheticSamples(list[i]!, START, 1000, i + 1));
  let timed = 0;
  let rows = 0;
  // One more second than the minutes, so the last minute is closed too.
  for (let second = 0; second <= minutes * 60; second++) {
    const batch: SampleEvaluation[] = sources.map((s) => s.next());
    const t0 = performance.now();
    for (let i = 0; i < INSTRUMENTS; i++) writer.onEvaluation(batch[i]!, list[i]!);
    timed += performance.now() - t0;
    rows += INSTRUMENTS;
  }
  const t0 = performance.now();
  writer.close();
  timed += performance.now() - t0;
  checkpointHistoryDb(db);
  const bytes = (name: string): number => db.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?').pluck().get(name) as number;
  const count = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const sampleRows = count('samples');
  const rollupRows = count('rollups');
  const rawBytesPerRow = (bytes('samples') + bytes('sqlite_autoindex_samples_1')) / sampleRows;
  // WITHOUT ROWID: the table is its (instrument_id, minute) key; rollups_seq is the sync's index.
  const rollupBytesPerRow = (bytes('rollups') + bytes('rollups_seq')) / rollupRows;
  const fileBytes = statSync(path).size;
  const closed = writer.stats.rollups.closed;
  db.close();

  const rawWindowBytes = rawBytesPerRow * INSTRUMENTS * 3600 * DEFAULT_RAW_RETENTION_HOURS;
  const rollupBytesPerDay = rollupBytesPerRow * INSTRUMENTS * DAY_MINUTES;
  const rowsPerSecond = rows / (timed / 1000);
  const gb = (b: number): string => `${(b / 1e9).toFixed(2)} GB`;
  const note =
    `${minutes} min x ${INSTRUMENTS} instruments: ${sampleRows.toLocaleString('en-US')} raw rows at ${rawBytesPerRow.toFixed(0)} B, ` +
    `${rollupRows.toLocaleString('en-US')} rollups (${closed} closed) at ${rollupBytesPerRow.toFixed(0)} B (file ${gb(fileBytes)})`;
  process.stderr.write(`history-scale: ${note}\n`);
  const perDay = rollupBytesPerDay + rawWindowBytes;
  return {
    figures: { rawBytesPerRow, rollupBytesPerRow, rawWindowBytes, rollupBytesPerDay, rowsPerSecond },
    results: [
      {
        name: `write ${INSTRUMENTS.toLocaleString('en-US')} instruments at 1 s (raw + rollups)`,
        ops: rows,
        seconds: timed / 1000,
        unit: 'rows',
        note: `${(rowsPerSecond / INSTRUMENTS).toFixed(1)}x the 2,500 rows/s a live market makes; ${note}`,
      },
      {
        name: `bytes a day at ${INSTRUMENTS.toLocaleString('en-US')} instruments`,
        ops: Math.round(perDay),
        seconds: 1,
        unit: 'bytes',
        note:
          `${gb(perDay)} = rollups ${gb(rollupBytesPerDay)}/day + raw window ${DEFAULT_RAW_RETENTION_HOURS} h ${gb(rawWindowBytes)} ` +
          `(goal < 5 GB; 30 days kept: ${gb(30 * rollupBytesPerDay + rawWindowBytes)} with minute rollups for all 30, ` +
          // Hourly rows have the minute layout (measured 585 B against 583 B), 24 a day.
          `${gb(7 * rollupBytesPerDay + 30 * rollupBytesPerRow * INSTRUMENTS * 24 + rawWindowBytes)} with minutes 7 days and hours 30; ` +
          `raw at 1 s alone: ${gb(rawBytesPerRow * INSTRUMENTS * 86_400)}/day)`,
      },
    ],
  };
}

/**
 * Seeds 30 days of minute rollups for one instrument and its neighbours,
 * folds their hours, then times the 30-day series query on each level and
 * with the minute rollups kept 7 days.
 */
export function measureThirtyDayQuery(harness: BenchHarness, dir: string, neighbours = 20): BenchResult[] {
  const path = join(dir, 'thirty-days.sqlite');
  const db = openHistoryDb(path);
  const catalogue = new RollupSeriesCatalogue(db);
  const names = ['mid', 'spread_abs', 'spread_bps', 'imbalance', 'depth_bid_10bps', 'depth_ask_10bps', 'depth_10bps', 'depth_bid_25bps', 'depth_ask_25bps',
    'depth_bid_50bps', 'depth_ask_50bps', 'depth_bid_100bps', 'depth_ask_100bps', 'basis_perp_spot_bps', 'basis_perp_index_bps', 'basis_mark_index_bps',
    'funding_rate', 'funding_bps_8h', 'cross_venue_bps', 'z_spread_bps', 'z_depth_10bps', 'z_imbalance', 'z_basis_perp_spot_bps', 'z_basis_perp_index_bps',
    'z_basis_mark_index_bps', 'z_funding_rate', 'z_cross_venue_bps'];
  const ids = names.map((n) => [catalogue.idOf(n)!, isZSeries(n)] as const);
  const addInstrument = db.prepare("INSERT INTO instruments (key, venue, symbol, canonical_id, type) VALUES (?, 'binance-usdm', ?, ?, 'perpetual') RETURNING id").pluck();
  const keys = Array.from({ length: neighbours + 1 }, (_, i) => addInstrument.get(`binance-usdm:SYM${i}USDT`, `SYM${i}USDT`, `SYM${i}-USDT-PERP`) as number);
  let seq = 0;
  const insert = db.prepare('INSERT INTO rollups (instrument_id, minute, seq, samples, flags, book_ms, stats) VALUES (?, ?, ?, 60, 0, 60000, ?)');
  const rand = mulberry32(7);
  const minutes = 30 * DAY_MINUTES;
  const seedStarted = performance.now();
  db.transaction(() => {
    for (let m = 0; m < minutes; m++) {
      for (const id of keys) {
        const entries = ids.map(([sid, z]) => {
          const v = rand() * 100;
          return [sid, z, { n: 60, validMs: 60_000, min: v - 1, max: v + 1, mean: v, last: v + rand() - 0.5 }] as const;
        });
        insert.run(id, START + m * 60_000, ++seq, encodeRollupStats(entries, { samples: 60, bookMs: 60_000 }));
      }
    }
  })();
  checkpointHistoryDb(db);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const rows = minutes * keys.length;
  const fileMb = statSync(path).size / 1e6;
  process.stderr.write(`history-scale: seeded ${rows.toLocaleString('en-US')} rollups (${keys.length} instruments x 30 days) in ${seedSeconds.toFixed(1)} s, ${fileMb.toFixed(0)} MB\n`);
  // The hours, folded from those minutes as the v5 migration does (the writer folds each as it closes).
  const foldStarted = performance.now();
  const hourly = new HourlyRollupBuilder(db);
  db.transaction(() => {
    for (const id of keys) hourly.catchUp(id, START + minutes * 60_000);
  })();
  const foldSeconds = (performance.now() - foldStarted) / 1000;
  checkpointHistoryDb(db);
  const bytes = (name: string): number => db.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?').pluck().get(name) as number;
  const hourRows = db.prepare('SELECT count(*) FROM rollups_hourly').pluck().get() as number;
  const hourBytesPerRow = bytes('rollups_hourly') / hourRows;
  process.stderr.write(`history-scale: folded ${hourRows.toLocaleString('en-US')} hours in ${foldSeconds.toFixed(1)} s (${(rows / foldSeconds).toFixed(0)} minutes/s), ${hourBytesPerRow.toFixed(0)} B an hourly row\n`);

  const query = (name: string, maxPoints: number, level: 'minute' | 'hour'): BenchResult => {
    let points = 0;
    const result = harness.measure(
      name,
      'queries',
      () => {
        const series = querySeries(db, { key: 'binance-usdm:SYM0USDT', metrics: ['spread_bps', 'z_spread_bps'], from: START, to: START + minutes * 60_000, maxPoints });
        if (series.source !== 'rollups' || series.level !== level) throw new Error(`the 30-day query read ${series.source}/${series.level ?? '-'}, expected ${level}`);
        points = series.points.length;
        return 1;
      },
      { warmupMs: 500, runMs: 3000 },
    );
    const ms = (result.seconds * 1000) / result.ops;
    const read = level === 'hour' ? `${(30 * 24).toLocaleString('en-US')} hourly rollups` : '43,200 minute rollups';
    return { ...result, note: `${ms.toFixed(1)} ms a query: ${read} of one instrument among ${neighbours} neighbours (${fileMb.toFixed(0)} MB file, OS cache warm) -> ${points} points` };
  };
  const results = [
    query('30-day series on minute rollups (2 metrics, 1,000 points)', 1000, 'minute'),
    query('30-day series on hourly rollups (2 metrics, 720 points)', 720, 'hour'),
  ];
  // Minute rollups kept a week (the shipped minute_rollup_retention_days): 1,000 points over 30 days come from the hours.
  const end = START + minutes * 60_000;
  applyRetentionSync(db, { retentionDays: 30, minuteRollupRetentionDays: 7, now: () => end });
  results.push(query('30-day series, minute rollups kept 7 days (2 metrics, 1,000 points asked)', 1000, 'hour'));
  db.close();
  results.push({
    name: 'hourly rollup row',
    ops: Math.round(hourBytesPerRow),
    seconds: 1,
    unit: 'bytes',
    note: `${hourRows.toLocaleString('en-US')} hours folded from ${rows.toLocaleString('en-US')} minutes in ${foldSeconds.toFixed(1)} s; ${((hourBytesPerRow * INSTRUMENTS * 24) / 1e6).toFixed(0)} MB a day at ${INSTRUMENTS.toLocaleString('en-US')} instruments`,
  });
  return results;
}
