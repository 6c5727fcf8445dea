/**
 * The `rollups.stats` BLOB: one entry per series present in the minute.
 *
 *   u8  series id (rollup_series.id)
 *   u16 n         samples in which the series had a value
 *   u16 valid_ms  time the series had a value on a fresh, valid book (and,
 *                 for depth, covered its band)
 *   f32 min, f32 max, [f32 mean: metrics only, not z-scores], f32 last
 *
 * Little-endian. float32 keeps 7 significant digits, finer than any chart
 * of a minute needs; raw samples keep float64. A metric entry is 21 bytes,
 * a z-score entry 17: about 540 bytes for a perpetual's 19 metrics and 8
 * z-scores, against ~1,000 for the same figures as REAL columns (SQLite
 * stores every REAL in 8 bytes).
 */

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

const HEADER = 5;

/** Bytes an entry takes. */
function entryBytes(z: boolean): number {
  return HEADER + (z ? 12 : 16);
}

/** Encodes entries given as [series id, whether it is a z-score, stats]. */
export function encodeRollupStats(entries: readonly (readonly [number, boolean, RollupStats])[]): Buffer {
  let size = 0;
  for (const [, z] of entries) size += entryBytes(z);
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  for (const [id, z, s] of entries) {
    buf.writeUInt8(id, o);
    // Counts past u16 would need a sampling interval under 1 ms: clamp rather than wrap.
    buf.writeUInt16LE(Math.min(0xffff, s.n), o + 1);
    buf.writeUInt16LE(Math.min(0xffff, Math.max(0, Math.round(s.validMs))), o + 3);
    o += HEADER;
    buf.writeFloatLE(s.min, o);
    buf.writeFloatLE(s.max, o + 4);
    o += 8;
    if (!z) {
      buf.writeFloatLE(s.mean, o);
      o += 4;
    }
    buf.writeFloatLE(s.last, o);
    o += 4;
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
  isZ: (id: number) => boolean | undefined,
  wanted: ReadonlySet<number> | null,
  out: (id: number, stats: RollupStats) => void,
): void {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let o = 0;
  while (o + HEADER <= buf.length) {
    const id = buf.readUInt8(o);
    const z = isZ(id);
    if (z === undefined) return;
    const size = entryBytes(z);
    if (o + size > buf.length) return;
    if (wanted === null || wanted.has(id)) {
      const n = buf.readUInt16LE(o + 1);
      const validMs = buf.readUInt16LE(o + 3);
      const p = o + HEADER;
      const min = buf.readFloatLE(p);
      const max = buf.readFloatLE(p + 4);
      const mean = z ? Number.NaN : buf.readFloatLE(p + 8);
      const last = buf.readFloatLE(p + (z ? 8 : 12));
      out(id, { n, validMs, min, max, mean, last });
    }
    o += size;
  }
}
