import type Database from 'better-sqlite3';
import type { HistoryDatabase } from './history-db';
import type { ClosedMinute } from './minute-rollup';
import { decodeRollupStats, encodeRollupStats, type RollupStats } from './rollup-codec';
import { RollupSeriesCatalogue } from './rollup-series';

export const HOUR_MS = 3_600_000;

/** The start of the hour holding `time` (epoch ms, UTC hours). */
export function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

/** Minute rollups read per query when closing hours. */
const PAGE = 5_000;

class HourSeries implements RollupStats {
  n = 0;
  validMs = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  last = Number.NaN;
  /** Start of the latest minute that had the series: `last` counts only if it is the hour's latest minute. */
  lastMinute = Number.NaN;
  constructor(readonly z: boolean) {}

  get mean(): number {
    return this.z || this.n === 0 ? Number.NaN : this.sum / this.n;
  }
}

class Hour {
  minutes = 0;
  samples = 0;
  flags = 0;
  bookMs = 0;
  lastMinute = Number.NaN;
  readonly series = new Map<number, HourSeries>();
  constructor(readonly hour: number) {}

  /** A stored minute rollup (its BLOB). */
  add(minute: number, samples: number, flags: number, bookMs: number, stats: Uint8Array, isZ: (id: number) => boolean | undefined): void {
    this.addRow(minute, samples, flags, bookMs);
    decodeRollupStats(stats, { samples, bookMs }, isZ, null, (id, st) => this.addSeries(minute, id, isZ(id) === true, st));
  }

  /** A minute just closed, as written: float32 like its BLOB, so the hour is the one a fold of the stored minutes gives. */
  addClosed(m: ClosedMinute): void {
    this.addRow(m.minute, m.samples, m.flags, m.bookMs);
    for (const [id, z, st] of m.series) {
      const n = Math.min(0xffff, Math.round(st.n));
      const validMs = Math.min(0xffff, Math.round(st.validMs));
      this.addSeries(m.minute, id, z, { n, validMs, min: Math.fround(st.min), max: Math.fround(st.max), mean: Math.fround(st.mean), last: Math.fround(st.last) });
    }
  }

  private addRow(minute: number, samples: number, flags: number, bookMs: number): void {
    this.minutes++;
    this.samples += samples;
    this.flags |= flags;
    this.bookMs += bookMs;
    this.lastMinute = minute;
  }

  private addSeries(minute: number, id: number, z: boolean, st: RollupStats): void {
    let s = this.series.get(id);
    if (!s) this.series.set(id, (s = new HourSeries(z)));
    s.n += st.n;
    s.validMs += st.validMs;
    if (st.min < s.min) s.min = st.min;
    if (st.max > s.max) s.max = st.max;
    // Means weighted by each minute's sample count, as a bucket of minutes weighs them.
    if (!s.z) s.sum += st.mean * st.n;
    s.last = st.last;
    s.lastMinute = minute;
  }

  entries(): (readonly [number, boolean, RollupStats])[] {
    return [...this.series.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, s]) => {
        // A series absent from the hour's latest minute has no last (NaN, read as null), as in a bucket of minutes.
        const last = s.lastMinute === this.lastMinute ? s.last : Number.NaN;
        return [id, s.z, { n: s.n, validMs: s.validMs, min: s.min, max: s.max, mean: s.mean, last }] as const;
      });
  }
}

/**
 * Hourly rollups (`rollups_hourly`, schema v5), folded from the minute
 * rollups: same figures (min, max, mean weighted by samples, last, time
 * valid) per series, so a chart of whole hours reads the same from either
 * level. An hour is closed once, when its instrument's first minute of a
 * later hour is written ({@link RollupBuilder}), by retention before its
 * minutes go, or by the v5 migration; written with ON CONFLICT DO NOTHING.
 * The writer's hour is folded minute by minute as each closes (every
 * instrument crosses the hour at once: re-reading 60 minutes each then
 * would stall the writer for seconds at 2,500 instruments); what is in
 * memory is never the only copy: an hour first seen mid-way (a start, a
 * failed flush) is seeded from its stored minutes, and one whose minute
 * was found already written is folded from the table.
 * Not sent to the central database: it keeps its own hourly continuous
 * aggregate of the minute rollups (docs/sync.md).
 */
export class HourlyRollupBuilder {
  /** Hours written (new rows). */
  closed = 0;
  /** Per instrument: hours before this one are known closed (saves a query per minute written). */
  private readonly closedUntil = new Map<number, number>();
  /** Per instrument: the hour being folded in memory; null where it must be folded from the table at its close. */
  private readonly open = new Map<number, Hour | null>();
  private readonly catalogue: RollupSeriesCatalogue;
  private readonly lastHour: Database.Statement;
  private readonly minutes: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(db: HistoryDatabase, catalogue?: RollupSeriesCatalogue) {
    this.catalogue = catalogue ?? new RollupSeriesCatalogue(db);
    this.lastHour = db.prepare('SELECT max(hour) FROM rollups_hourly WHERE instrument_id = ?').pluck();
    this.minutes = db.prepare('SELECT minute, samples, flags, book_ms, stats FROM rollups WHERE instrument_id = ? AND minute >= ? AND minute < ? ORDER BY minute LIMIT ?').raw();
    this.insert = db.prepare(`INSERT INTO rollups_hourly (instrument_id, hour, minutes, samples, flags, book_ms, stats) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (instrument_id, hour) DO NOTHING`);
  }

  /**
   * A minute rollup was just written (`written`: new, not found already
   * there): folds it into its hour, and closes the instrument's earlier
   * hours when it starts a new one.
   */
  onMinute(instrumentId: number, closed: ClosedMinute, written: boolean): void {
    const hour = hourOf(closed.minute);
    let open = this.open.get(instrumentId);
    if (open === undefined || (open !== null && open.hour !== hour) || (open === null && (this.closedUntil.get(instrumentId) ?? Number.NEGATIVE_INFINITY) < hour)) {
      // A new hour (or the first seen): the earlier ones close from the table (the one held in memory first).
      if (open) this.write(instrumentId, open);
      this.catchUp(instrumentId, hour);
      open = this.seed(instrumentId, hour, closed.minute);
      this.open.set(instrumentId, open);
    }
    if (open === null) return;
    if (written) open.addClosed(closed);
    else this.open.set(instrumentId, null);
  }

  /** The hour with its minutes stored before `minute` (a start mid-hour, or a flush that failed). */
  private seed(instrumentId: number, hour: number, minute: number): Hour {
    const h = new Hour(hour);
    const isZ = (id: number): boolean | undefined => this.catalogue.isZ(id);
    for (const [m, samples, flags, bookMs, stats] of this.minutes.all(instrumentId, hour, minute, 60) as [number, number, number, number, Uint8Array][]) {
      h.add(m, samples, flags, bookMs, stats, isZ);
    }
    return h;
  }

  /**
   * Closes, from the stored minute rollups, every hour of the instrument
   * after its last hourly row and before `untilHour`. O(minutes not yet
   * folded). Returns the hours written.
   */
  catchUp(instrumentId: number, untilHour: number): number {
    const last = this.lastHour.get(instrumentId) as number | null;
    let from = last === null ? Number.MIN_SAFE_INTEGER : last + HOUR_MS;
    let written = 0;
    let hour: Hour | null = null;
    const isZ = (id: number): boolean | undefined => this.catalogue.isZ(id);
    while (from < untilHour) {
      const page = this.minutes.all(instrumentId, from, untilHour, PAGE) as [number, number, number, number, Uint8Array][];
      for (const [minute, samples, flags, bookMs, stats] of page) {
        const h = hourOf(minute);
        if (hour && hour.hour !== h) {
          written += this.write(instrumentId, hour);
          hour = null;
        }
        hour ??= new Hour(h);
        hour.add(minute, samples, flags, bookMs, stats, isZ);
      }
      if (page.length < PAGE) break;
      from = page[page.length - 1]![0] + 1;
    }
    if (hour) written += this.write(instrumentId, hour);
    this.closedUntil.set(instrumentId, Math.max(untilHour, this.closedUntil.get(instrumentId) ?? Number.NEGATIVE_INFINITY));
    return written;
  }

  /** Forgets what it knew (a rolled-back transaction): the next minute re-reads the table. */
  reset(): void {
    this.closedUntil.clear();
    this.open.clear();
  }

  private write(instrumentId: number, h: Hour): number {
    const stats = encodeRollupStats(h.entries(), { samples: h.samples, bookMs: h.bookMs }, true);
    const changes = this.insert.run(instrumentId, h.hour, h.minutes, h.samples, h.flags, h.bookMs, stats).changes;
    this.closed += changes;
    return changes;
  }
}
