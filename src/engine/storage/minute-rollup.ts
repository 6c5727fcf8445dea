import type { RollupStats } from './rollup-codec';
import { isZSeries } from './rollup-codec';
import type { RollupSeriesCatalogue } from './rollup-series';
import { COVERAGE_BITS, SAMPLE_METRIC_COLUMNS, SAMPLE_ZSCORE_COLUMNS, ZSCORE_SCALE } from './sample-columns';
import type { SampleExtra } from './sample-row';

export const MINUTE_MS = 60_000;

/** The start of the minute holding `time` (epoch ms). */
export function minuteOf(time: number): number {
  return Math.floor(time / MINUTE_MS) * MINUTE_MS;
}

/** Offsets in a sample row: the parameter order of sampleParams (time, flags, covered, metrics, z-scores, extra). */
const METRIC_AT = 3;
const Z_AT = METRIC_AT + SAMPLE_METRIC_COLUMNS.length;
const EXTRA_AT = Z_AT + SAMPLE_ZSCORE_COLUMNS.length;
const COVERAGE_BIT = new Map<string, number>(COVERAGE_BITS.map((m, i) => [m, 1 << i]));
/** flags bits 0 (stale) and 1 (book invalid): a sample whose values cannot be judged. */
const UNJUDGEABLE = 3;

class SeriesAccumulator implements RollupStats {
  n = 0;
  validMs = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;
  last = Number.NaN;
  constructor(readonly z: boolean) {}

  get mean(): number {
    return this.z || this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  add(value: number, validMs: number): void {
    this.n++;
    this.validMs += validMs;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sum += value;
    this.last = value;
  }
}

/** A closed minute, ready for the rollups table. */
export interface ClosedMinute {
  readonly instrumentId: number;
  readonly minute: number;
  readonly samples: number;
  /** OR of the samples' flags. */
  readonly flags: number;
  /** Time the instrument had a fresh, valid book. */
  readonly bookMs: number;
  readonly lastTime: number;
  readonly series: readonly (readonly [number, boolean, RollupStats])[];
}

/**
 * One instrument's figures over one minute, fed one stored sample row at a
 * time (the row as written to `samples`, so a minute started before a
 * restart is resumed from the rows themselves).
 *
 * Time valid: each sample stands for the time since the previous one, at
 * most one sampling interval (a longer silence is a hole, not coverage),
 * and counts for a series when the sample had its value on a fresh, valid
 * book and, for depth, the book reached the band.
 */
export class MinuteRollup {
  samples = 0;
  flags = 0;
  bookMs = 0;
  lastTime = Number.NaN;
  /** Series that could not get an id (catalogue full): counted, not stored. */
  droppedSeries = 0;
  private readonly series = new Map<number, SeriesAccumulator>();

  constructor(
    readonly instrumentId: number,
    readonly minute: number,
    private readonly catalogue: RollupSeriesCatalogue,
    private readonly intervalMs: number,
    /** Time of the instrument's sample before this minute's first, when known. */
    private previousTime: number | null,
  ) {}

  /** Adds a stored sample row; its time must lie in this minute. */
  add(row: readonly unknown[]): void {
    const time = row[0] as number;
    const flags = row[1] as number;
    const covered = row[2] as number;
    const span = this.previousTime === null ? this.intervalMs : Math.min(this.intervalMs, Math.max(0, time - this.previousTime));
    this.previousTime = time;
    this.lastTime = time;
    this.samples++;
    this.flags |= flags;
    const judged = (flags & UNJUDGEABLE) === 0;
    if (judged) this.bookMs += span;

    for (let i = 0; i < SAMPLE_METRIC_COLUMNS.length; i++) {
      const value = row[METRIC_AT + i];
      if (value === null || value === undefined) continue;
      const name = SAMPLE_METRIC_COLUMNS[i]!;
      const bit = COVERAGE_BIT.get(name);
      this.addValue(name, value as number, judged && (bit === undefined || (covered & bit) !== 0) ? span : 0);
    }
    for (let i = 0; i < SAMPLE_ZSCORE_COLUMNS.length; i++) {
      const value = row[Z_AT + i];
      if (value === null || value === undefined) continue;
      this.addValue(`z_${SAMPLE_ZSCORE_COLUMNS[i]!}`, (value as number) / ZSCORE_SCALE, judged ? span : 0);
    }
    const extraText = row[EXTRA_AT];
    if (typeof extraText === 'string') {
      const extra = JSON.parse(extraText) as SampleExtra;
      for (const [name, value] of Object.entries(extra.v ?? {})) {
        this.addValue(name, value, judged && extra.c?.[name] !== false ? span : 0);
      }
      for (const [name, value] of Object.entries(extra.z ?? {})) this.addValue(`z_${name}`, value, judged ? span : 0);
    }
  }

  /** The minute as a rollups row. */
  close(): ClosedMinute {
    const series = [...this.series.entries()].sort((a, b) => a[0] - b[0]).map(([id, s]) => [id, s.z, s] as const);
    return { instrumentId: this.instrumentId, minute: this.minute, samples: this.samples, flags: this.flags, bookMs: this.bookMs, lastTime: this.lastTime, series };
  }

  private addValue(name: string, value: number, validMs: number): void {
    if (!Number.isFinite(value)) return;
    const id = this.catalogue.idOf(name);
    if (id === null) {
      this.droppedSeries++;
      return;
    }
    let s = this.series.get(id);
    if (!s) this.series.set(id, (s = new SeriesAccumulator(isZSeries(name))));
    s.add(value, validMs);
  }
}
