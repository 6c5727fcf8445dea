import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { listInstruments, querySeries, type SeriesPoint } from '../../src/engine/storage/history-queries';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { applyRetentionSync } from '../../src/engine/storage/retention';
import { HOUR_MS } from '../../src/engine/storage/rollup-hourly';
import { historyCoverage, rollupSeriesPoints } from '../../src/engine/storage/rollup-queries';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { tempDbPath } from './helpers';

const START = Date.UTC(2024, 0, 1);
const KEY = `${PERP.venue}:${PERP.symbol}`;
const METRICS = ['mid', 'spread_bps', 'depth_bid_10bps', 'z_spread_bps'];

/** `count` samples every `intervalMs`; every 7th has a stale feed (flags and time valid differ from the row's). */
function evaluations(count: number, intervalMs: number, start = START): SampleEvaluation[] {
  const samples = syntheticSamples(PERP, start, intervalMs, 3);
  return Array.from({ length: count }, (_, i) => {
    const e = samples.next();
    return i % 7 === 3 ? { ...e, sample: { ...e.sample, health: { stale: true, bookValid: true } } } : e;
  });
}

function write(db: HistoryDatabase, list: readonly SampleEvaluation[], intervalMs = 1000): void {
  const writer = new HistoryWriter(db, { flushIntervalMs: 3_600_000, maxBatchRows: 500, sampleIntervalMs: intervalMs });
  for (const e of list) writer.onEvaluation(e, PERP);
  writer.close();
}

function hourRows(db: HistoryDatabase): { hour: number; minutes: number; samples: number; flags: number; book_ms: number; stats: string }[] {
  return db.prepare('SELECT hour, minutes, samples, flags, book_ms, hex(stats) AS stats FROM rollups_hourly ORDER BY instrument_id, hour').all() as never;
}

const instrumentId = (db: HistoryDatabase): number => db.prepare('SELECT id FROM instruments WHERE key = ?').pluck().get(KEY) as number;

/** Points of the two levels for whole hours, compared figure by figure (means to float32 precision: the hour's mean is stored). */
function expectSamePoints(hourly: readonly SeriesPoint[], minutes: readonly SeriesPoint[]): void {
  expect(hourly.map((p) => [p.time, p.lastTime, p.count, p.stale, p.bookInvalid])).toEqual(minutes.map((p) => [p.time, p.lastTime, p.count, p.stale, p.bookInvalid]));
  hourly.forEach((p, i) => {
    for (const m of METRICS) {
      const a = p.values[m]!;
      const b = minutes[i]!.values[m]!;
      expect([m, a.min, a.max, a.last, a.validMs]).toEqual([m, b.min, b.max, b.last, b.validMs]);
      if (b.avg === null) expect(a.avg).toBeNull();
      // Stored as float32 (7 significant digits), as every rollup figure.
      else expect(Math.abs(a.avg! - b.avg)).toBeLessThanOrEqual(Math.abs(b.avg) * 2e-7 + 1e-9);
    }
  });
}

describe('hourly rollups', () => {
  it('folds each hour from its minutes once the next hour starts: the same figures as a bucket of its minutes', () => {
    const db = openHistoryDb(':memory:');
    // 2.5 h at 5 s, every 13th sample missing (minutes of 11 and 12 samples: the hour's mean is weighted by them): hours 0 and 1 closed, hour 2 open.
    const list = evaluations(1800, 5000).filter((_, i) => i % 13 !== 5);
    write(db, list, 5000);
    const rows = hourRows(db);
    const inHour = (h: number) => list.filter((e) => Math.floor((e.sample.time - START) / HOUR_MS) === h).length;
    expect(rows.map((r) => [r.hour - START, r.minutes, r.samples])).toEqual([
      [0, 60, inHour(0)],
      [HOUR_MS, 60, inHour(1)],
    ]);
    expect(inHour(0)).toBeLessThan(720);
    expect(rows[0]!.flags & 1).toBe(1);
    const id = instrumentId(db);
    const range = { from: START, to: START + 2 * HOUR_MS, origin: START, bucketMs: HOUR_MS };
    const hourly = rollupSeriesPoints(db, id, METRICS, range, 'hour');
    const minutes = rollupSeriesPoints(db, id, METRICS, range, 'minute');
    expect(hourly).toHaveLength(2);
    expectSamePoints(hourly, minutes);
    // Time valid past what a u16 holds: 5 s per judged sample, 6 in 7 judged.
    expect(hourly[0]!.values['mid']!.validMs).toBeGreaterThan(0xffff);
    db.close();
  });

  it('picks the coarsest level that gives the points asked for, and reads past the minute rollups kept', () => {
    const path = tempDbPath();
    const db = openHistoryDb(path);
    // 3 days at 60 s.
    const days = 3;
    write(db, evaluations(days * 1440, 60_000), 60_000);
    const to = START + days * 86_400_000;
    // 72 h over 1,000 points: 4.3 min buckets, minutes give them.
    const fine = querySeries(db, { key: KEY, metrics: METRICS, from: START, to, maxPoints: 1000 });
    expect([fine.source, fine.level, fine.bucketMs]).toEqual(['rollups', 'minute', 5 * 60_000]);
    // 72 points or fewer: hours give them.
    const coarse = querySeries(db, { key: KEY, metrics: METRICS, from: START, to, maxPoints: 72 });
    expect([coarse.level, coarse.bucketMs, coarse.points.length]).toEqual(['hour', HOUR_MS, 72]);
    // The same hours from the minutes, bucketed by hour: the same chart (the last hour is still open: minutes and a raw row).
    const id = instrumentId(db);
    const fromMinutes = rollupSeriesPoints(db, id, METRICS, { from: START, to, origin: START, bucketMs: HOUR_MS }, 'minute');
    expectSamePoints(coarse.points.slice(0, 71), fromMinutes.slice(0, 71));
    expect(coarse.points[71]!.count).toBe(60);

    // Minute rollups kept 1 day, hours 30: the first two days only in hours.
    const now = to + 60_000;
    const result = applyRetentionSync(db, { retentionDays: 30, minuteRollupRetentionDays: 1, rawRetentionHours: 1, now: () => now });
    expect(result.rollups).toBeGreaterThan(1440);
    expect(result.hourlyRollups).toBe(0);
    const cover = historyCoverage(db, id);
    expect(cover.firstHour).toBe(START);
    expect(cover.firstRollup).toBeGreaterThan(START + 86_400_000);
    const after = querySeries(db, { key: KEY, metrics: METRICS, from: START, to, maxPoints: 1000 });
    expect(after.level).toBe('hour');
    expect(after.points[0]!.time).toBe(START);
    // The last closed hour, then the open hour's minutes (one bucket), then nothing missing: 72 hours in all.
    expect(after.points).toHaveLength(72);
    expect(after.points.slice(0, 48)).toEqual(coarse.points.slice(0, 48));
    expect(listInstruments(db)[0]!.firstSample).toBe(START);
    db.close();
  });

  it('a history begun mid-hour is not taken for pruned minutes: raw rows and minutes still serve what they cover', () => {
    const db = openHistoryDb(':memory:');
    // From 00:17 for 2 h at 5 s: hour 0 is folded from 43 minutes, and starts before the first minute.
    write(db, evaluations(1440, 5000, START + 17 * 60_000), 5000);
    expect(hourRows(db)[0]!.hour).toBe(START);
    const short = querySeries(db, { key: KEY, metrics: METRICS, from: START, to: START + HOUR_MS, maxPoints: 1000 });
    expect(short.source).toBe('samples');
    const day = querySeries(db, { key: KEY, metrics: METRICS, from: START, to: START + 7 * HOUR_MS, maxPoints: 300 });
    expect([day.source, day.level]).toEqual(['rollups', 'minute']);
    expect(listInstruments(db)[0]!.firstSample).toBe(START + 17 * 60_000);
    db.close();
  });

  it('v5 folds a v4 file\'s minutes into hours; retention folds the hours of an instrument gone quiet before its minutes go', () => {
    const list = evaluations(3 * 720 + 100, 5000);
    const clean = openHistoryDb(':memory:');
    write(clean, list, 5000);

    const path = tempDbPath();
    const old = openHistoryDb(path);
    write(old, list.slice(0, 2 * 720 + 100), 5000);
    old.close();
    // As a v4 build leaves it: minute rollups, no hourly table, none of v6's alert cases and silences.
    const v4 = new Database(path);
    v4.exec('DROP TABLE rollups_hourly; DROP TABLE alert_case; DROP TABLE silences');
    v4.pragma('user_version = 4');
    // 1,540 samples at 5 s: minutes 0 to 127 closed, 128 open.
    expect(v4.prepare('SELECT count(*) FROM rollups').pluck().get()).toBe(128);
    v4.close();

    const db = openHistoryDb(path);
    expect(hourRows(db).map((r) => r.hour - START)).toEqual([0, HOUR_MS]);
    write(db, list.slice(2 * 720 + 100), 5000);
    expect(hourRows(db)).toEqual(hourRows(clean));

    // Nothing written for a day: retention folds the open hour before the minute cut-off takes its minutes.
    const now = START + 4 * HOUR_MS + 2 * 86_400_000;
    const result = applyRetentionSync(db, { retentionDays: 30, minuteRollupRetentionDays: 1, rawRetentionHours: 1, sampleIntervalMs: 5000, now: () => now });
    expect(result.hoursRolledUp).toBe(1);
    expect(db.prepare('SELECT count(*) FROM rollups').pluck().get()).toBe(0);
    expect(hourRows(db).map((r) => [r.hour - START, r.minutes])).toEqual([
      [0, 60],
      [HOUR_MS, 60],
      [2 * HOUR_MS, 60],
      [3 * HOUR_MS, 9],
    ]);
    // Every sample is still in some hour.
    expect(hourRows(db).reduce((n, r) => n + r.samples, 0)).toBe(list.length);
    db.close();
    clean.close();
  });
});
