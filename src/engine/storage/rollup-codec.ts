/**
 * The `rollups.stats` BLOB: one entry per series present in the minute.
 *
 *   u8  series id (rollup_series.id)
 *   u8  bit 0: n follows, bit 1: valid_ms follows (otherwise they are the
 *       row's `samples` and `book_ms`, as for most series most minutes)
 *   [u16 n]        samples in which the series had a value
 *   [u16 valid_ms] time the series had a value on a fresh, valid book (and,
 *                  for depth, covered its band)
 *   f32 min, f32 max, [f32 mean: metrics only, not z-scores], f32 last
 *
 * Little-endian. float32 keeps 7 significant digits, finer than any chart
 * of a minute needs; raw samples keep float64. A metric entry is 18 bytes
 * (up to 22), a z-score entry 14: about 450 bytes for a perpetual's 19
 * metrics and 8 z-scores, against ~1,000 for the same figures as REAL
 * columns (SQLite stores every REAL in 8 bytes).
 *
 * Hourly rollups (`rollups_hourly`, rollup-hourly.ts) use the same layout
 * with `wide` counts: n and valid_ms as u32 (an hour holds 3,600,000 ms),
 * and `last` NaN when the hour's latest minute lacked the series (read as
 * null, as a bucket of minutes reads it).
 */

/** What an entry's n and valid_ms are when it does not carry them: the row's. */
export interface RollupDefaults {
  readonly samples: number;
  readonly bookMs: number;
}

/** One series over one minute. For a z-score `mean` is NaN (not stored). */
export interface RollupStats {
  readonly n: number;
  readonly validMs: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly last: number;
}

/** Whether a series name is a z-score (`z_<metric>`): stored without a mean. */
export function isZSeries(name: string): boolean {
  return name.startsWith('z_');
}

const N_FOLLOWS = 1;
const VALID_FOLLOWS = 2;

const clampU16 = (v: number): number => Math.min(0xffff, Math.max(0, Math.round(v)));

const clampU32 = (v: number): number => Math.min(0xffffffff, Math.max(0, Math.round(v)));

/**
 * Encodes entries given as [series id, whether it is a z-score, stats].
 * `wide`: counts as u32 (hourly rollups) instead of u16 (minute rollups).
 */
export function encodeRollupStats(entries: readonly (readonly [number, boolean, RollupStats])[], defaults: RollupDefaults, wide = false): Buffer {
  const clamp = wide ? clampU32 : clampU16;
  const countBytes = wide ? 4 : 2;
  let size = 0;
  for (const [, z, st] of entries) {
    size += 2 + (z ? 12 : 16);
    if (clamp(st.n) !== clamp(defaults.samples)) size += countBytes;
    if (clamp(st.validMs) !== clamp(defaults.bookMs)) size += countBytes;
  }
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  for (const [id, z, st] of entries) {
    // Counts past u16 would need a sampling interval under 1 ms: clamp rather than wrap.
    const n = clamp(st.n);
    const valid = clamp(st.validMs);
    const mask = (n !== clamp(defaults.samples) ? N_FOLLOWS : 0) | (valid !== clamp(defaults.bookMs) ? VALID_FOLLOWS : 0);
    buf.writeUInt8(id, o);
    buf.writeUInt8(mask, o + 1);
    o += 2;
    if (mask & N_FOLLOWS) o = wide ? buf.writeUInt32LE(n, o) : buf.writeUInt16LE(n, o);
    if (mask & VALID_FOLLOWS) o = wide ? buf.writeUInt32LE(valid, o) : buf.writeUInt16LE(valid, o);
    o = buf.writeFloatLE(st.min, o);
    o = buf.writeFloatLE(st.max, o);
    if (!z) o = buf.writeFloatLE(st.mean, o);
    o = buf.writeFloatLE(st.last, o);
  }
  return buf;
}

/**
 * Decodes the entries whose series id is in `wanted` (all when null).
 * `isZ(id)` says which ids are z-scores; an id it does not know (a newer
 * build's series) stops decoding, since its entry size is unknown.
 */
export function decodeRollupStats(
  blob: Uint8Array,
  defaults: RollupDefaults,
  isZ: (id: number) => boolean | undefined,
  wanted: ReadonlySet<number> | null,
  out: (id: number, stats: RollupStats) => void,
  wide = false,
): void {
  const countBytes = wide ? 4 : 2;
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let o = 0;
  while (o + 2 <= buf.length) {
    const id = buf.readUInt8(o);
    const mask = buf.readUInt8(o + 1);
    const z = isZ(id);
    if (z === undefined) return;
    const size = 2 + (mask & N_FOLLOWS ? countBytes : 0) + (mask & VALID_FOLLOWS ? countBytes : 0) + (z ? 12 : 16);
    if (o + size > buf.length) return;
    if (wanted === null || wanted.has(id)) {
      let p = o + 2;
      let n = defaults.samples;
      let validMs = defaults.bookMs;
      if (mask & N_FOLLOWS) {
        n = wide ? buf.readUInt32LE(p) : buf.readUInt16LE(p);
        p += countBytes;
      }
      if (mask & VALID_FOLLOWS) {
        validMs = wide ? buf.readUInt32LE(p) : buf.readUInt16LE(p);
        p += countBytes;
      }
      const min = buf.readFloatLE(p);
      const max = buf.readFloatLE(p + 4);
      const mean = z ? Number.NaN : buf.readFloatLE(p + 8);
      const last = buf.readFloatLE(p + (z ? 8 : 12));
      out(id, { n, validMs, min, max, mean, last });
    }
    o += size;
  }
}
