import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { listInstruments, querySeries } from '../../src/engine/storage/history-queries';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/engine/storage/migrations';
import { applyRetentionSync } from '../../src/engine/storage/retention';
import { decodeRollupStats, encodeRollupStats, type RollupStats } from '../../src/engine/storage/rollup-codec';
import { RollupSeriesCatalogue } from '../../src/engine/storage/rollup-series';
import { INSERT_SAMPLE_SQL, sampleParams } from '../../src/engine/storage/sample-row';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { PERP, syntheticSamples } from './fixtures/synthetic';
import { tempDbPath } from './helpers';

const START = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** `count` samples at 1 s; sample 10 of each minute is stale, 20 has an invalid book, 30 does not reach the 10 bps band. */
function evaluations(count: number, seed = 1): SampleEvaluation[] {
  const samples = syntheticSamples(PERP, START, 1000, seed);
  return Array.from({ length: count }, (_, i) => {
    const e = samples.next();
    const s = i % 60;
    if (s === 10) return { ...e, sample: { ...e.sample, health: { stale: true, bookValid: true } } };
    if (s === 20) return { ...e, sample: { ...e.sample, health: { stale: false, bookValid: false } } };
    if (s === 30) return { ...e, sample: { ...e.sample, covered: { ...e.sample.covered, depth_bid_10bps: false } } };
    return e;
  });
}

function write(db: HistoryDatabase, list: readonly SampleEvaluation[], batch = 37): HistoryWriter {
  const writer = new HistoryWriter(db, { flushIntervalMs: 3_600_000, maxBatchRows: batch });
  for (const e of list) writer.onEvaluation(e, PERP);
  writer.flush();
  return writer;
}

/** Every rollup row as stored (stats as hex), in key order. */
function rollupRows(db: HistoryDatabase): { minute: number; samples: number; flags: number; book_ms: number; stats: string }[] {
  return db.prepare('SELECT minute, samples, flags, book_ms, hex(stats) AS stats FROM rollups ORDER BY instrument_id, minute').all() as never;
}

/** One series of one minute, decoded. */
function statsOf(db: HistoryDatabase, minute: number, series: string): RollupStats | null {
  const catalogue = new RollupSeriesCatalogue(db, { readonly: true });
  const id = catalogue.lookup(series)!;
  const row = db.prepare('SELECT samples, book_ms AS bookMs, stats FROM rollups WHERE minute = ?').get(minute) as { samples: number; bookMs: number; stats: Buffer };
  let found: RollupStats | null = null;
  decodeRollupStats(row.stats, row, (i) => catalogue.isZ(i), new Set([id]), (_i, s) => (found = s));
  return found;
}

const f32 = Math.fround;

describe('per-minute rollups', () => {
  it('closes each minute once its instrument moves on: min, max, mean, last, time valid, z-scores', () => {
    const db = openHistoryDb(':memory:');
    const list = evaluations(150);
    const writer = write(db, list);
    // 150 s: minutes 0 and 1 closed, minute 2 open (30 samples) until a later sample or a restart closes it.
    expect(rollupRows(db).map((r) => [r.minute - START, r.samples, r.flags, r.book_ms])).toEqual([
      [0, 60, 3, 58_000],
      [MINUTE, 60, 3, 58_000],
    ]);
    expect(writer.stats.rollups).toEqual({ closed: 2, alreadyClosed: 0, lateSamples: 0, droppedSeries: 0 });
    // Nothing pruned: a short range, even one starting before the first sample, reads the exact raw rows.
    const key = `${PERP.venue}:${PERP.symbol}`;
    expect(querySeries(db, { key, metrics: ['mid'], from: START - 30_000, to: START + 150_000 }).source).toBe('samples');
    expect(listInstruments(db)[0]!.firstSample).toBe(START + 0);

    const minute1 = list.slice(60, 120);
    const spreads = minute1.map((e) => e.sample.values.spread_bps!);
    const spread = statsOf(db, START + MINUTE, 'spread_bps')!;
    expect(spread.n).toBe(60);
    expect(spread.validMs).toBe(58_000);
    expect(spread.min).toBe(f32(Math.min(...spreads)));
    expect(spread.max).toBe(f32(Math.max(...spreads)));
    expect(spread.mean).toBe(f32(spreads.reduce((a, b) => a + b, 0) / 60));
    expect(spread.last).toBe(f32(spreads[59]!));
    // Depth at 10 bps also misses the second where the book did not reach the band.
    expect(statsOf(db, START + MINUTE, 'depth_bid_10bps')!.validMs).toBe(57_000);
    expect(statsOf(db, START + MINUTE, 'depth_ask_10bps')!.validMs).toBe(58_000);

    // z-scores as stored (milli-z): min, max, last; no mean.
    const zs = minute1.map((e) => Math.round((e.zscores.spread_bps as { z: number }).z * 1000) / 1000);
    const z = statsOf(db, START + MINUTE, 'z_spread_bps')!;
    expect([z.min, z.max, z.last]).toEqual([f32(Math.min(...zs)), f32(Math.max(...zs)), f32(zs[59]!)]);
    expect(z.mean).toBeNaN();
    db.close();
  });

  it('a restart mid-minute, a replay written twice and a resumed replay each give the rows of one clean run', () => {
    const list = evaluations(200);
    const clean = openHistoryDb(':memory:');
    write(clean, list).close();
    const expected = rollupRows(clean);
    expect(expected).toHaveLength(3);

    // Stopped at 90 s (minute 1 half written), started again: the open minute is seeded from the stored rows.
    const restarted = openHistoryDb(tempDbPath());
    write(restarted, list.slice(0, 90)).close();
    write(restarted, list.slice(90)).close();
    expect(rollupRows(restarted)).toEqual(expected);

    // The same history again: every sample and minute already there, nothing counted twice.
    const again = write(restarted, list);
    again.close();
    expect(rollupRows(restarted)).toEqual(expected);
    expect(again.stats.alreadyStored).toBe(200);

    // Killed after 130 samples (no close), resumed from the start: stored samples are skipped, the minute they began is completed.
    const resumed = openHistoryDb(tempDbPath());
    write(resumed, list.slice(0, 130));
    const second = write(resumed, list);
    second.close();
    expect(rollupRows(resumed)).toEqual(expected);
    expect(second.stats.rollups.lateSamples).toBe(0);
    for (const db of [clean, restarted, resumed]) db.close();
  });

  it('a sample for a minute already closed is stored raw and counted, not folded into the rollup', () => {
    const db = openHistoryDb(':memory:');
    const list = evaluations(130);
    const late = list.splice(30, 1)[0]!;
    const writer = write(db, list);
    const before = rollupRows(db);
    writer.onEvaluation(late, PERP);
    writer.flush();
    expect(writer.stats.rollups.lateSamples).toBe(1);
    expect(rollupRows(db)).toEqual(before);
    expect(db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(130);
    db.close();
  });

  it('upgrades a version 3 file with samples: every stored minute rolled up, the last resumed by the writer', () => {
    const list = evaluations(200);
    const path = tempDbPath();
    const v3 = new Database(path);
    migrate(v3, MIGRATIONS.slice(0, 3));
    const id = v3.prepare("INSERT INTO instruments (key, venue, symbol, canonical_id, type) VALUES (?, ?, ?, ?, ?) RETURNING id").pluck()
      .get(`${PERP.venue}:${PERP.symbol}`, PERP.venue, PERP.symbol, PERP.id, PERP.type) as number;
    const insert = v3.prepare(INSERT_SAMPLE_SQL);
    for (const e of list.slice(0, 150)) insert.run(id, ...sampleParams(e));
    v3.close();

    // A viewer opening it read-only (no migration) still reads its series from the raw rows.
    const viewer = openHistoryDb(path, { readonly: true, integrityCheck: 'off' });
    expect(querySeries(viewer, { key: `${PERP.venue}:${PERP.symbol}`, metrics: ['mid'], from: START, to: START + 150_000 }).points).toHaveLength(150);
    expect(listInstruments(viewer)[0]!.firstSample).toBe(START);
    viewer.close();

    const db = openHistoryDb(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    // Minutes 0 and 1 from the stored rows; minute 2 (30 samples so far) stays open.
    expect(rollupRows(db).map((r) => [r.minute - START, r.samples])).toEqual([
      [0, 60],
      [MINUTE, 60],
    ]);
    write(db, list.slice(150)).close();
    const clean = openHistoryDb(':memory:');
    write(clean, list).close();
    expect(rollupRows(db)).toEqual(rollupRows(clean));
    db.close();
    clean.close();
  });

  it('series past the raw window read rollups, the minute not closed yet from raw rows; instruments keep their first minute', () => {
    const db = openHistoryDb(':memory:');
    const list = evaluations(3 * 3600 + 30);
    write(db, list, 5000);
    const now = START + 3 * 3_600_000 + 30_000;
    const removed = applyRetentionSync(db, { retentionDays: 30, rawRetentionHours: 1, now: () => now });
    expect(removed.samples).toBe(2 * 3600);
    expect(db.prepare('SELECT min(time) FROM samples').pluck().get()).toBe(START + 2 * 3_600_000);

    const series = querySeries(db, { key: `${PERP.venue}:${PERP.symbol}`, metrics: ['spread_bps', 'z_spread_bps'], from: START, to: now + 1, maxPoints: 1000 });
    expect(series.source).toBe('rollups');
    expect(series.bucketMs).toBe(MINUTE);
    // 180 closed minutes and the open one from raw rows.
    expect(series.points).toHaveLength(181);
    const first = series.points[0]!;
    const spreads = list.slice(0, 60).map((e) => e.sample.values.spread_bps!);
    expect(first.count).toBe(60);
    expect(first.stale && first.bookInvalid).toBe(true);
    expect(first.values.spread_bps!.max).toBe(f32(Math.max(...spreads)));
    expect(first.values.spread_bps!.validMs).toBe(58_000);
    expect(first.values.z_spread_bps!.avg).toBeNull();
    const tail = series.points.at(-1)!;
    expect(tail.count).toBe(30);
    expect(tail.values.spread_bps!.last).toBe(list.at(-1)!.sample.values.spread_bps);

    // Within the raw window and short: raw rows, exact doubles.
    const recent = querySeries(db, { key: `${PERP.venue}:${PERP.symbol}`, metrics: ['spread_bps'], from: now - 600_000, to: now, maxPoints: 100 });
    expect(recent.source).toBe('samples');
    expect(listInstruments(db)[0]!.firstSample).toBe(START);
    db.close();
  });

  it('retention closes minutes a stop left open before their raw rows go, and prunes moved duplicates', () => {
    const db = openHistoryDb(':memory:');
    // Stopped 30 s into minute 2; nothing for the instrument after that.
    write(db, evaluations(150)).close();
    db.prepare("INSERT INTO history_duplicates (table_name, local_id, kept_id, row, moved_at) VALUES ('feed_events', 9, 1, '{}', ?), ('feed_events', 10, 1, '{}', ?)").run(
      START - 31 * 86_400_000,
      START,
    );
    const now = START + 2 * 3_600_000;
    const result = applyRetentionSync(db, { retentionDays: 30, rawRetentionHours: 1, now: () => now });
    expect(result).toMatchObject({ samples: 150, rolledUp: 1, rollups: 0, duplicates: 1 });
    expect(rollupRows(db).map((r) => [r.minute - START, r.samples])).toEqual([
      [0, 60],
      [MINUTE, 60],
      [2 * MINUTE, 30],
    ]);
    // Rollups go after retention_days.
    expect(applyRetentionSync(db, { retentionDays: 30, rawRetentionHours: 1, now: () => START + 31 * 86_400_000 }).rollups).toBe(3);
    db.close();
  });

  it('keeps raw samples for the sync only when it sends them', () => {
    const db = openHistoryDb(':memory:');
    write(db, evaluations(130)).close();
    const now = START + 2 * 3_600_000;
    // Synced nothing yet, sending samples: raw held.
    expect(applyRetentionSync(db, { retentionDays: 30, rawRetentionHours: 1, now: () => now, holdUnsynced: true }).samples).toBe(0);
    // Not sending samples: raw goes with its window whatever the cursors.
    expect(applyRetentionSync(db, { retentionDays: 30, rawRetentionHours: 1, now: () => now, holdUnsynced: true, holdUnsyncedSamples: false }).samples).toBe(130);
    db.close();
  });

  it('the stats BLOB round-trips: n and time valid only where they differ from the row, z-scores without a mean', () => {
    const defaults = { samples: 60, bookMs: 58_000 };
    const metric = { n: 60, validMs: 58_000, min: 1.5, max: 2.25, mean: 2, last: 1.75 };
    const sparse = { n: 12, validMs: 11_000, min: -3, max: 4, mean: 0.5, last: 4 };
    const z = { n: 60, validMs: 57_000, min: -1.25, max: 3.5, mean: Number.NaN, last: 0.5 };
    const blob = encodeRollupStats([[0, false, metric], [7, false, sparse], [200, true, z]], defaults);
    // 18 + 22 + 16 bytes: the common case carries neither count.
    expect(blob.length).toBe(18 + 22 + 16);
    const isZ = (id: number): boolean | undefined => (id === 200 ? true : id < 100 ? false : undefined);
    const out: [number, RollupStats][] = [];
    decodeRollupStats(blob, defaults, isZ, null, (id, st) => out.push([id, st]));
    expect(out).toEqual([[0, metric], [7, sparse], [200, z]]);
    const only: number[] = [];
    decodeRollupStats(blob, defaults, isZ, new Set([200]), (id) => only.push(id));
    expect(only).toEqual([200]);
    // An id this build does not know (a newer build's series) ends the read instead of misreading what follows.
    const seen: number[] = [];
    decodeRollupStats(blob, defaults, (id) => (id === 0 ? false : undefined), null, (id) => seen.push(id));
    expect(seen).toEqual([0]);
  });
});
