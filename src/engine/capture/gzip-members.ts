import { closeSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

// Where the gzip members of a capture part start (RFC 1952: a gzip file is
// members one after another). A member is a complete deflate stream, so
// inflating can start at any of them: the capture writer's `gzipMemberBytes`
// ends one every N bytes of text, and the capture index records them so that a
// seek inflates one member instead of the file from its start (docs/seek.md).

/** Compressed and decompressed offsets of each member's start, in order. */
export interface GzipMembers {
  readonly compressed: number[];
  readonly decompressed: number[];
}

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/** Length of the member header at the start of `buf`, or -1 when it is not one (RFC 1952, 2.3). */
function headerLength(buf: Buffer): number {
  if (buf.length < 10 || buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8) return -1;
  const flags = buf[3]!;
  let pos = 10;
  if (flags & FEXTRA) {
    if (buf.length < pos + 2) return -1;
    pos += 2 + buf.readUInt16LE(pos);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const end = buf.indexOf(0, pos);
    if (end < 0) return -1;
    pos = end + 1;
  }
  if (flags & FHCRC) pos += 2;
  return pos <= buf.length ? pos : -1;
}

/**
 * Walks the members of a gzip file whose members hold at most `maxMemberBytes`
 * of text (the writer's `gzipMemberBytes` plus one write batch), inflating
 * each once: `inflateRawSync` with `info` says how many compressed bytes the
 * member's deflate stream took, and its 8-byte trailer follows. A member that
 * does not decode whole within that bound (the cut tail of a killed
 * recording, or a file not written that way) ends the walk: the members
 * before it are still good starts.
 */
export function walkGzipMembers(file: string, size: number, maxMemberBytes: number): GzipMembers {
  const members: GzipMembers = { compressed: [], decompressed: [] };
  // Deflate never grows text by more than a few bytes per 16 kB block; the header is small.
  const window = Math.min(size, maxMemberBytes + (maxMemberBytes >> 6) + 4096);
  const buf = Buffer.alloc(window);
  const fd = openSync(file, 'r');
  try {
    let pos = 0;
    let out = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, Math.min(window, size - pos), pos);
      const chunk = buf.subarray(0, n);
      const header = headerLength(chunk);
      if (header < 0) break;
      let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
      try {
        inflated = inflateRawSync(chunk.subarray(header), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      } catch {
        break;
      }
      const next = pos + header + inflated.engine.bytesWritten + 8;
      if (next > size) break;
      members.compressed.push(pos);
      members.decompressed.push(out);
      out += inflated.buffer.length;
      pos = next;
    }
  } finally {
    closeSync(fd);
  }
  return members;
}

/** The last member starting at or before decompressed `offset`: where to start inflating for it. */
export function memberFor(members: GzipMembers | undefined, offset: number): { readonly compressed: number; readonly decompressed: number } | undefined {
  if (!members || members.decompressed.length === 0) return undefined;
  let lo = 0;
  let hi = members.decompressed.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (members.decompressed[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? undefined : { compressed: members.compressed[found]!, decompressed: members.decompressed[found]! };
}
