import type Database from 'better-sqlite3';
import type { HistoryDatabase } from './history-db';
import { MINUTE_MS, minuteOf, MinuteRollup, type ClosedMinute } from './minute-rollup';
import { encodeRollupStats } from './rollup-codec';
import { HourlyRollupBuilder } from './rollup-hourly';
import { RollupSeriesCatalogue } from './rollup-series';
import { SAMPLE_INSERT_COLUMNS } from './sample-row';

/** What the builder did so far. */
export interface RollupCounts {
  /** Minutes written to `rollups`. */
  closed: number;
  /** Minutes found already written (a replay run again, or closed by retention first): skipped. */
  alreadyClosed: number;
  /** Samples stored for a minute already closed (out of order): in `samples`, not in its rollup. */
  lateSamples: number;
  /** Values of series beyond the 256 the catalogue can name: not rolled up. */
  droppedSeries: number;
}

/** Sample rows read per query when catching up. */
const CATCH_UP_PAGE = 10_000;

interface OpenMinute {
  readonly minute: number;
  /** Null when the minute was already closed before this run reached it. */
  readonly rollup: MinuteRollup | null;
}

/**
 * Per-minute rollups, built from sample rows as they are stored (by the
 * history writer, in its transaction), never by rescanning the table.
 *
 * A minute is closed once: when its instrument's first sample of a later
 * minute is stored, written under the natural key (instrument_id, minute)
 * with ON CONFLICT DO NOTHING. What is in memory is never the only copy:
 * a minute opened (or re-opened after a restart or a resumed replay) is
 * seeded from the rows already stored for it, and minutes left open by a
 * stop are closed from the stored rows on the instrument's next sample
 * ({@link catchUp}) or by retention before their raw rows go.
 */
export class RollupBuilder {
  readonly catalogue: RollupSeriesCatalogue;
  readonly counts: RollupCounts = { closed: 0, alreadyClosed: 0, lateSamples: 0, droppedSeries: 0 };
  private readonly open = new Map<number, OpenMinute>();
  private readonly lastMinute: Database.Statement;
  private readonly exists: Database.Statement;
  private readonly rows: Database.Statement;
  private readonly rowsAfter: Database.Statement;
  private readonly before: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly nextSeq: Database.Statement;
  /** Closes each hour from its minutes when a later hour's first minute is written; null before schema v5 (the v4 backfill). */
  readonly hourly: HourlyRollupBuilder | null;

  constructor(
    db: HistoryDatabase,
    /** The sampling interval (features.yaml sampling.interval_ms): the most time one sample stands for. */
    private readonly intervalMs = 1000,
    options: { readonly hourly?: boolean } = {},
  ) {
    this.catalogue = new RollupSeriesCatalogue(db);
    this.hourly = options.hourly === false ? null : new HourlyRollupBuilder(db, this.catalogue);
    this.lastMinute = db.prepare('SELECT max(minute) FROM rollups WHERE instrument_id = ?').pluck();
    this.exists = db.prepare('SELECT 1 FROM rollups WHERE instrument_id = ? AND minute = ?').pluck();
    this.rows = db.prepare(`SELECT ${SAMPLE_INSERT_COLUMNS.join(', ')} FROM samples WHERE instrument_id = ? AND time >= ? AND time < ? ORDER BY time LIMIT ?`).raw();
    this.rowsAfter = db.prepare(`SELECT ${SAMPLE_INSERT_COLUMNS.join(', ')} FROM samples WHERE instrument_id = ? AND time > ? AND time < ? ORDER BY time LIMIT ?`).raw();
    this.before = db.prepare('SELECT max(time) FROM samples WHERE instrument_id = ? AND time < ?').pluck();
    this.insert = db.prepare(`INSERT INTO rollups (instrument_id, minute, seq, samples, flags, book_ms, stats) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (instrument_id, minute) DO NOTHING`);
    this.nextSeq = db.prepare("UPDATE history_meta SET value = value + 1 WHERE key = 'rollup_seq' RETURNING value").pluck();
  }

  /**
   * A sample row (sampleParams order) just stored for `instrumentId`. Must
   * run inside the transaction that stored it; after that transaction
   * fails, call {@link reset}.
   */
  add(instrumentId: number, row: readonly unknown[]): void {
    const time = row[0] as number;
    const minute = minuteOf(time);
    let open = this.open.get(instrumentId);
    if (!open) {
      this.catchUp(instrumentId, minute);
      open = this.openMinute(instrumentId, minute, time, null);
    } else if (minute > open.minute) {
      const previous = open.rollup?.lastTime ?? null;
      if (open.rollup) this.write(open.rollup);
      open = this.openMinute(instrumentId, minute, time, previous);
    } else if (minute < open.minute) {
      this.counts.lateSamples++;
      return;
    }
    if (!open.rollup) {
      this.counts.lateSamples++;
      return;
    }
    open.rollup.add(row);
  }

  /**
   * Closes, from the stored rows, every minute of the instrument after its
   * last rollup and before `untilMinute` (minutes a stop left open, or a
   * database written before rollups existed). O(rows not yet rolled up).
   */
  catchUp(instrumentId: number, untilMinute: number): number {
    const last = this.lastMinute.get(instrumentId) as number | null;
    const from = last === null ? Number.MIN_SAFE_INTEGER : last + MINUTE_MS;
    if (from >= untilMinute) return 0;
    let rollup: MinuteRollup | null = null;
    let closed = 0;
    // In pages, not one iterator: the connection cannot write (rollups, new series) while a statement iterates.
    for (let after: number | null = null; ; ) {
      const page = (after === null ? this.rows.all(instrumentId, from, untilMinute, CATCH_UP_PAGE) : this.rowsAfter.all(instrumentId, after, untilMinute, CATCH_UP_PAGE)) as unknown[][];
      for (const row of page) {
        const minute = minuteOf(row[0] as number);
        if (!rollup || minute !== rollup.minute) {
          if (rollup && this.write(rollup)) closed++;
          const previous: number | null = rollup ? rollup.lastTime : ((this.before.get(instrumentId, minute) as number | null) ?? null);
          rollup = new MinuteRollup(instrumentId, minute, this.catalogue, this.intervalMs, previous);
        }
        rollup.add(row);
      }
      if (page.length < CATCH_UP_PAGE) break;
      after = page[page.length - 1]![0] as number;
    }
    if (rollup && this.write(rollup)) closed++;
    return closed;
  }

  /** Forgets the open minutes (their transaction failed): the next sample re-seeds them from what is stored. */
  reset(): void {
    this.open.clear();
    this.catalogue.reload();
    this.hourly?.reset();
  }

  private openMinute(instrumentId: number, minute: number, time: number, previous: number | null): OpenMinute {
    let open: OpenMinute;
    if (this.exists.get(instrumentId, minute) !== undefined) {
      open = { minute, rollup: null };
    } else {
      const before = previous ?? ((this.before.get(instrumentId, minute) as number | null) ?? null);
      const rollup = new MinuteRollup(instrumentId, minute, this.catalogue, this.intervalMs, before);
      // Rows of this minute stored before this one: an earlier run's, or samples of this run that were already stored.
      for (const row of this.rows.all(instrumentId, minute, time, MINUTE_MS) as unknown[][]) rollup.add(row);
      open = { minute, rollup };
    }
    this.open.set(instrumentId, open);
    return open;
  }

  /** True when the minute was new. */
  private write(rollup: MinuteRollup): boolean {
    const m: ClosedMinute = rollup.close();
    this.counts.droppedSeries += rollup.droppedSeries;
    // A minute already there burns a number: the cursor only needs order, not density.
    const seq = this.nextSeq.get() as number;
    const changes = this.insert.run(m.instrumentId, m.minute, seq, m.samples, m.flags, m.bookMs, encodeRollupStats(m.series, { samples: m.samples, bookMs: m.bookMs })).changes;
    if (changes > 0) this.counts.closed++;
    else this.counts.alreadyClosed++;
    this.hourly?.onMinute(m.instrumentId, m, changes > 0);
    return changes > 0;
  }
}
