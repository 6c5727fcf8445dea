import type Database from 'better-sqlite3';
import type { HistoryDatabase } from './history-db';
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

  add(minute: number, samples: number, flags: number, bookMs: number, stats: Uint8Array, isZ: (id: number) => boolean | undefined): void {
    this.minutes++;
    this.samples += samples;
    this.flags |= flags;
    this.bookMs += bookMs;
    this.lastMinute = minute;
    decodeRollupStats(stats, { samples, bookMs }, isZ, null, (id, st) => {
      let s = this.series.get(id);
      if (!s) this.series.set(id, (s = new HourSeries(isZ(id) === true)));
      s.n += st.n;
      s.validMs += st.validMs;
      if (st.min < s.min) s.min = st.min;
      if (st.max > s.max) s.max = st.max;
      // Means weighted by each minute's sample count, as a bucket of minutes weighs them.
      if (!s.z) s.sum += st.mean * st.n;
      s.last = st.last;
      s.lastMinute = minute;
    });
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
 * minutes go, or by the v5 migration; written with ON CONFLICT DO NOTHING,
 * and always from the stored minutes, so nothing in memory is the only copy.
 * Not sent to the central database: it keeps its own hourly continuous
 * aggregate of the minute rollups (docs/sync.md).
 */
export class HourlyRollupBuilder {
  /** Hours written (new rows). */
  closed = 0;
  /** Per instrument: hours before this one are known closed (saves a query per minute written). */
  private readonly closedUntil = new Map<number, number>();
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

  /** A minute rollup was just written: closes the instrument's earlier hours when this minute starts a new one. */
  onMinute(instrumentId: number, minute: number): void {
    const hour = hourOf(minute);
    if ((this.closedUntil.get(instrumentId) ?? Number.NEGATIVE_INFINITY) >= hour) return;
    this.catchUp(instrumentId, hour);
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
  }

  private write(instrumentId: number, h: Hour): number {
    const stats = encodeRollupStats(h.entries(), { samples: h.samples, bookMs: h.bookMs }, true);
    const changes = this.insert.run(instrumentId, h.hour, h.minutes, h.samples, h.flags, h.bookMs, stats).changes;
    this.closed += changes;
    return changes;
  }
}
