import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../../src/engine/export';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { surveil } from '../support/cli';
import { cleanupFeedFaults, replayFeedFaults } from '../support/feed-fault-capture';
import { REAL, realRecording } from '../support/shared-data';
import { tempDir } from '../storage/helpers';
import { csvObjects } from './csv-parse';

const KEY = 'binance-usdm:SUSHIUSDT';
let dir: string;
let dbPath: string;

/** SQL over the same file, read-only. */
function sql<T>(query: string, ...params: unknown[]): T[] {
  const db = openHistoryDb(dbPath, { readonly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

function exportCli(args: string[]) {
  return surveil(['export', '--db', dbPath, ...args]);
}

function readParquetTable(path: string) {
  return tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
}

beforeAll(() => {
  dir = tempDir();
  dbPath = join(dir, 'history.sqlite');
  const run = surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath]);
  expect(run.code).toBe(0);
}, 120_000);
afterAll(() => cleanupFeedFaults());

describe('surveil export on a replayed real recording', () => {
  it('writes every raw sample of the instrument as CSV, values as SQL has them, nulls empty', () => {
    const out = join(dir, 'series.csv');
    const run = exportCli(['--instrument', KEY, '--what', 'series', '--metrics', 'mid,spread_bps,basis_perp_spot_bps,z_spread_bps', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/resolution raw samples/);
    const { header, rows } = csvObjects(readFileSync(out, 'utf8'));
    expect(header).toEqual(['key', 'instrument_id', 'time', 'time_ms', 'stale', 'book_invalid', 'mid', 'spread_bps', 'basis_perp_spot_bps', 'z_spread_bps']);
    const stored = sql<{ time: number; mid: number | null; spread_bps: number | null; basis: number | null; z: number | null }>(
      `SELECT s.time, s.mid, s.spread_bps, s.basis_perp_spot_bps AS basis, s.z_spread_bps / 1000.0 AS z
       FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? ORDER BY s.time`,
      KEY,
    );
    expect(stored.length).toBeGreaterThan(10);
    expect(rows).toHaveLength(stored.length);
    stored.forEach((s, n) => {
      const row = rows[n]!;
      expect(row.key).toBe(KEY);
      expect(row.instrument_id).toBe('SUSHI-USDT-PERP');
      expect(Number(row.time_ms)).toBe(s.time);
      expect(row.time).toBe(new Date(s.time).toISOString());
      expect(row.mid).toBe(s.mid === null ? '' : String(s.mid));
      expect(row.spread_bps).toBe(s.spread_bps === null ? '' : String(s.spread_bps));
      expect(row.z_spread_bps).toBe(s.z === null ? '' : String(s.z));
      // A perpetual replayed without its spot leg has no basis: empty, not 0 or "null".
      expect(row.basis_perp_spot_bps).toBe('');
      expect(s.basis).toBeNull();
    });
    // z-scores warm up: the first samples have none.
    expect(rows[0]!.z_spread_bps).toBe('');
  }, 60_000);

  it('writes the same samples as typed Parquet that reads back', () => {
    const out = join(dir, 'series.parquet');
    const run = exportCli(['--instrument', 'SUSHI-USDT-PERP', '--what', 'series', '--metrics', 'mid,spread_bps,basis_perp_spot_bps', '--format', 'parquet', '--out', out]);
    expect(run.code).toBe(0);
    const table = readParquetTable(out);
    const stored = sql<{ time: number; mid: number | null; flags: number }>(
      'SELECT s.time, s.mid, s.flags FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? ORDER BY s.time',
      KEY,
    );
    expect(table.numRows).toBe(stored.length);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({ key: 'Utf8', time: 'Timestamp<MILLISECOND, UTC>', stale: 'Bool', mid: 'Float64', basis_perp_spot_bps: 'Float64' });
    const rows = table.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    stored.forEach((s, n) => {
      expect(Number(rows[n]!.time)).toBe(s.time);
      expect(rows[n]!.mid).toBe(s.mid);
      expect(rows[n]!.stale).toBe((s.flags & 1) !== 0);
      expect(rows[n]!.basis_perp_spot_bps).toBeNull();
    });
  }, 60_000);

  it('writes one row per audit event with its alert, in CSV and Parquet', () => {
    const events = sql<{ alert_id: string; kind: string; time: number; fired_at: number | null }>(
      `SELECT e.alert_id, e.kind, e.time, a.fired_at FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id
       JOIN instruments i ON i.id = a.instrument_id WHERE i.key = ? ORDER BY a.opened_at, e.id`,
      KEY,
    );
    expect(events.length).toBeGreaterThan(0);
    const csv = join(dir, 'alerts.csv');
    expect(exportCli(['--instrument', KEY, '--what', 'alerts', '--out', csv]).code).toBe(0);
    const { rows } = csvObjects(readFileSync(csv, 'utf8'));
    expect(rows.map((r) => [r.alert_id, r.event_kind, Number(r.event_time_ms)])).toEqual(events.map((e) => [e.alert_id, e.kind, e.time]));
    for (const [n, e] of events.entries()) expect(rows[n]!.fired_at_ms).toBe(e.fired_at === null ? '' : String(e.fired_at));
    expect(rows.every((r) => r.ack_by === '' && r.ack_at === '')).toBe(true);

    const pq = join(dir, 'alerts.parquet');
    expect(exportCli(['--instrument', KEY, '--what', 'alerts', '--format', 'parquet', '--out', pq]).code).toBe(0);
    const table = readParquetTable(pq);
    expect(table.numRows).toBe(events.length);
    expect(String(table.schema.fields.find((f) => f.name === 'opened_at')!.type)).toBe('Timestamp<MILLISECOND, UTC>');
    expect(table.getChild('event_kind')!.toArray()).toEqual(events.map((e) => e.kind));
  }, 60_000);

  it('reads minute rollups where the raw rows are gone, and says so', () => {
    const pruned = join(dir, 'pruned.sqlite');
    copyFileSync(dbPath, pruned);
    const db = openHistoryDb(pruned);
    const id = db.prepare('SELECT id FROM instruments WHERE key = ?').pluck().get(KEY) as number;
    const firstMinute = db.prepare('SELECT min(minute) FROM rollups WHERE instrument_id = ?').pluck().get(id) as number;
    // Retention as it runs: the raw rows of the closed minutes go, the rollups stay.
    db.prepare('DELETE FROM samples WHERE instrument_id = ? AND time < ?').run(id, firstMinute + 60_000);
    const rollups = db.prepare('SELECT minute, samples FROM rollups WHERE instrument_id = ? ORDER BY minute').all(id) as { minute: number; samples: number }[];
    db.close();
    expect(rollups.length).toBeGreaterThan(0);
    const out = join(dir, 'minutes.csv');
    const run = surveil(['export', '--db', pruned, '--instrument', KEY, '--what', 'series', '--metrics', 'spread_bps', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/resolution minute rollups/);
    const { header, rows } = csvObjects(readFileSync(out, 'utf8'));
    expect(header).toEqual(['key', 'instrument_id', 'time', 'time_ms', 'end', 'end_ms', 'samples', 'stale', 'book_invalid', 'spread_bps_min', 'spread_bps_max', 'spread_bps_avg', 'spread_bps_last', 'spread_bps_valid_ms']);
    expect(rows.map((r) => [Number(r.time_ms), Number(r.samples)])).toEqual(rollups.map((r) => [r.minute, r.samples]));
    expect(rows.every((r) => Number(r.end_ms) - Number(r.time_ms) === 60_000 && Number(r.spread_bps_min) <= Number(r.spread_bps_max))).toBe(true);
    // The same rollups in Parquet: INT64 counts, DOUBLE statistics, TIMESTAMP bucket bounds.
    const pq = join(dir, 'minutes.parquet');
    expect(surveil(['export', '--db', pruned, '--instrument', KEY, '--what', 'series', '--metrics', 'spread_bps', '--format', 'parquet', '--out', pq]).code).toBe(0);
    const table = readParquetTable(pq);
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({ end: 'Timestamp<MILLISECOND, UTC>', samples: 'Int64', spread_bps_avg: 'Float64', spread_bps_valid_ms: 'Int64' });
    const parquetRows = table.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(parquetRows.map((r) => [Number(r.time), Number(r.samples), Number(r.spread_bps_valid_ms), r.spread_bps_avg])).toEqual(
      rows.map((r) => [Number(r.time_ms), Number(r.samples), Number(r.spread_bps_valid_ms), r.spread_bps_avg === '' ? null : Number(r.spread_bps_avg)]),
    );
  }, 60_000);

  it('an empty range says so and writes the header only', () => {
    const out = join(dir, 'empty.csv');
    const run = exportCli(['--instrument', KEY, '--what', 'series', '--metrics', 'mid', '--from', '2030-01-01T00:00:00Z', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no series for binance-usdm:SUSHIUSDT from 2030-01-01T00:00:00.000Z to the end: wrote the header only/);
    expect(readFileSync(out, 'utf8')).toBe('key,instrument_id,time,time_ms,stale,book_invalid,mid\r\n');
    const pq = join(dir, 'empty.parquet');
    // An alert still open at the end of the history is open in 2030 too: an empty range for alerts ends before it.
    expect(exportCli(['--instrument', KEY, '--what', 'alerts', '--to', '2020-01-01T00:00:00Z', '--format', 'parquet', '--out', pq]).code).toBe(0);
    expect(readParquetTable(pq).numRows).toBe(0);
  }, 60_000);

  it('bad arguments give clear errors', () => {
    const out = join(dir, 'bad.csv');
    const unknown = exportCli(['--instrument', 'BTCUSDT', '--what', 'series', '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no instrument "BTCUSDT" in this history; known: AKRO-USDT-PERP \(binance-usdm:AKROUSDT\), SUSHI-USDT-PERP \(binance-usdm:SUSHIUSDT\)/);
    expect(exportCli(['--instrument', KEY, '--what', 'trades', '--out', out]).stderr).toMatch(/--what must be series, alerts, feed-events, got "trades"/);
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--format', 'xlsx', '--out', out]).stderr).toMatch(/--format must be csv or parquet/);
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--from', 'yesterday', '--out', out]).stderr).toMatch(/--from must be \+SECONDSs, epoch ms or an ISO time, got "yesterday"/);
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--metrics', 'mid,Bad-Name', '--out', out]).stderr).toMatch(/unknown series "Bad-Name"/);
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--from', '+20s', '--to', '+10s', '--out', out]).stderr).toMatch(/the range is empty/);
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--out', join(dir, 'missing', 'x.csv')]).stderr).toMatch(/does not exist/);
  }, 60_000);

  it('an offset range counts from the first sample', () => {
    const out = join(dir, 'offset.csv');
    expect(exportCli(['--instrument', KEY, '--what', 'series', '--metrics', 'mid', '--from', '+5s', '--to', '+15s', '--out', out]).code).toBe(0);
    const [first] = sql<{ t: number }>('SELECT min(s.time) AS t FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ?', KEY);
    const expected = sql<{ time: number }>(
      'SELECT s.time FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? AND s.time >= ? AND s.time < ? ORDER BY s.time',
      KEY, first!.t + 5000, first!.t + 15_000,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(csvObjects(readFileSync(out, 'utf8')).rows.map((r) => Number(r.time_ms))).toEqual(expected.map((e) => e.time));
  }, 60_000);
});

describe('surveil export feed events', () => {
  it("writes the instrument's feed events and its venue's, oldest first, quoted", async () => {
    const { dbPath: faults } = await replayFeedFaults();
    const db = openHistoryDb(faults, { readonly: true });
    const expected = db
      .prepare(`SELECT f.id, f.time, f.kind, f.detail, i.key FROM feed_events f LEFT JOIN instruments i ON i.id = f.instrument_id
        WHERE f.venue = 'okx' AND (i.key IS NULL OR i.key = 'okx:BTC-USDT') ORDER BY f.time, f.id`)
      .all() as { id: number; time: number; kind: string; detail: string | null; key: string | null }[];
    db.close();
    expect(expected.length).toBeGreaterThan(0);
    const out = join(dir, 'feed.csv');
    const run = surveil(['export', '--db', faults, '--instrument', 'okx:BTC-USDT', '--what', 'feed-events', '--out', out]);
    expect(run.code).toBe(0);
    const { rows } = csvObjects(readFileSync(out, 'utf8'));
    expect(rows.map((r) => [Number(r.event_id), Number(r.time_ms), r.kind, r.key, r.detail])).toEqual(
      expected.map((e) => [e.id, e.time, e.kind, e.key ?? '', e.detail ?? '']),
    );
  }, 120_000);
});

describe('csvField', () => {
  it('quotes as RFC 4180 asks and prints numbers without locale', () => {
    expect(csvField('a,b', 'string')).toBe('"a,b"');
    expect(csvField('say "hi"', 'string')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines', 'string')).toBe('"two\r\nlines"');
    expect(csvField('plain', 'string')).toBe('plain');
    expect(csvField(1234567.5, 'double')).toBe('1234567.5');
    expect(csvField(1e-7, 'double')).toBe('1e-7');
    expect(csvField(null, 'double')).toBe('');
    expect(csvField(Number.NaN, 'double')).toBe('');
    expect(csvField(0, 'timestamp')).toBe('1970-01-01T00:00:00.000Z');
    expect(csvField(false, 'boolean')).toBe('false');
  });
});
