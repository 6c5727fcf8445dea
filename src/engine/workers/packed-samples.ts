/**
 * Book samples across the feed -> analytics thread hop as a few typed arrays
 * instead of one object graph per instrument (issue 11, latency). A
 * structured clone of 1,000 samples, each with its values, coverage and a
 * copy of its instrument, cost about 4 ms on each side of the hop, in the
 * feed worker at the boundary and in the analytics worker before it can
 * start; typed arrays are copied as blocks. Instruments travel only when
 * they are new or changed (the sender compares by identity: a feed worker
 * replaces an instrument's object when its metadata changes).
 *
 * Lossless: a value absent from a sample stays absent, NaN, infinities and
 * -0 stay themselves, the optional reference fields stay absent when they
 * were (test/workers/packed-samples.test.ts).
 */
import type { Instrument, MetricName } from '../../shared/core/model';
import type { BookSample } from '../pipeline/venue-books';

export interface PackedSamples {
  readonly count: number;
  readonly time: number;
  /** `venue:symbol` of each sample, in order. */
  readonly keys: readonly string[];
  /** Every metric name present in some sample's values or coverage, one column each. */
  readonly metrics: readonly MetricName[];
  /** count x metrics, row-major. */
  readonly values: Float64Array;
  /** count x metrics: bit 0 value present, bit 1 coverage present, bit 2 covered. */
  readonly cells: Uint8Array;
  /** Per sample: bookValid, venueStale, gapSinceSample, referenceStale, then one bit per reference field present. */
  readonly flags: Uint16Array;
  /** count x 5: markPrice, indexPrice, fundingRate, nextFundingTime, fundingIntervalMs. */
  readonly references: Float64Array;
  /** Instruments new or changed since this sender's last message, by sample index. */
  readonly instruments: readonly (readonly [index: number, instrument: Instrument])[];
}

const VALUE = 1;
const HAS_COVERAGE = 2;
const COVERED = 4;

const BOOK_VALID = 1;
const VENUE_STALE = 2;
const GAP = 4;
const REFERENCE_STALE = 8;
const REFERENCE_FIELDS = ['markPrice', 'indexPrice', 'fundingRate', 'nextFundingTime', 'fundingIntervalMs'] as const;
/** Bit of reference field i in `flags`. */
const referenceBit = (i: number): number => 16 << i;

/** The sending side: remembers which instrument object it last sent per key. */
export class SamplePacker {
  private readonly sent = new Map<string, Instrument>();
  /** Column of each metric name seen so far: a stable layout, grown when a new name appears. */
  private readonly columns = new Map<MetricName, number>();
  private metrics: MetricName[] = [];

  pack(time: number, samples: readonly BookSample[]): PackedSamples {
    for (const s of samples) {
      for (const name in s.values) this.column(name as MetricName);
      for (const name in s.covered) this.column(name as MetricName);
    }
    const count = samples.length;
    const m = this.metrics.length;
    const values = new Float64Array(count * m);
    const cells = new Uint8Array(count * m);
    const flags = new Uint16Array(count);
    const references = new Float64Array(count * REFERENCE_FIELDS.length);
    const keys = new Array<string>(count);
    const instruments: [number, Instrument][] = [];
    for (let i = 0; i < count; i++) {
      const s = samples[i]!;
      keys[i] = s.key;
      if (this.sent.get(s.key) !== s.instrument) {
        this.sent.set(s.key, s.instrument);
        instruments.push([i, s.instrument]);
      }
      const row = i * m;
      for (const name in s.values) {
        const at = row + this.columns.get(name as MetricName)!;
        values[at] = s.values[name as MetricName]!;
        cells[at] = VALUE;
      }
      for (const name in s.covered) {
        const at = row + this.columns.get(name as MetricName)!;
        cells[at]! |= HAS_COVERAGE | (s.covered[name as MetricName] ? COVERED : 0);
      }
      let f = (s.bookValid ? BOOK_VALID : 0) | (s.venueStale ? VENUE_STALE : 0) | (s.gapSinceSample ? GAP : 0) | (s.referenceStale ? REFERENCE_STALE : 0);
      for (let r = 0; r < REFERENCE_FIELDS.length; r++) {
        const v = s[REFERENCE_FIELDS[r]!];
        if (v === undefined) continue;
        references[i * REFERENCE_FIELDS.length + r] = v;
        f |= referenceBit(r);
      }
      flags[i] = f;
    }
    return { count, time, keys, metrics: [...this.metrics], values, cells, flags, references, instruments };
  }

  private column(name: MetricName): void {
    if (this.columns.has(name)) return;
    this.columns.set(name, this.metrics.length);
    this.metrics.push(name);
  }
}

/** The receiving side: keeps each key's instrument as last sent. */
export class SampleUnpacker {
  private readonly instruments = new Map<string, Instrument>();

  unpack(packed: PackedSamples): BookSample[] {
    for (const [index, instrument] of packed.instruments) this.instruments.set(packed.keys[index]!, instrument);
    const { count, metrics, values, cells, flags, references } = packed;
    const m = metrics.length;
    const out = new Array<BookSample>(count);
    for (let i = 0; i < count; i++) {
      const key = packed.keys[i]!;
      const instrument = this.instruments.get(key);
      if (instrument === undefined) throw new Error(`packed samples: no instrument was ever sent for ${key}`);
      const sampleValues: Partial<Record<MetricName, number>> = {};
      const covered: Partial<Record<MetricName, boolean>> = {};
      const row = i * m;
      for (let c = 0; c < m; c++) {
        const cell = cells[row + c]!;
        if (cell === 0) continue;
        if ((cell & VALUE) !== 0) sampleValues[metrics[c]!] = values[row + c]!;
        if ((cell & HAS_COVERAGE) !== 0) covered[metrics[c]!] = (cell & COVERED) !== 0;
      }
      const f = flags[i]!;
      const sample: { -readonly [K in keyof BookSample]: BookSample[K] } = {
        key,
        instrument,
        time: packed.time,
        values: sampleValues,
        covered,
        bookValid: (f & BOOK_VALID) !== 0,
        venueStale: (f & VENUE_STALE) !== 0,
        gapSinceSample: (f & GAP) !== 0,
        referenceStale: (f & REFERENCE_STALE) !== 0,
      };
      for (let r = 0; r < REFERENCE_FIELDS.length; r++) {
        if ((f & referenceBit(r)) !== 0) sample[REFERENCE_FIELDS[r]!] = references[i * REFERENCE_FIELDS.length + r]!;
      }
      out[i] = sample;
    }
    return out;
  }

  /** Forgets a venue's instruments (its feed worker restarted: it sends them all again). */
  forgetVenue(venue: string): void {
    for (const [key, instrument] of this.instruments) if (instrument.venue === venue) this.instruments.delete(key);
  }
}
