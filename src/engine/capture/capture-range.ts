import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureError } from './capture-format';

// Lines of one capture file with their byte offsets, from any offset: what the
// capture index is built from and what a seek reads. capture-reader.ts streams
// a file from its start and does not say where a line begins; an index needs
// exactly that. Offsets count the bytes of the file for plain captures and the
// bytes of the decompressed stream for gzip (docs/seek.md: gzip is not seekable,
// a read from offset N inflates and skips the N bytes before it).

/** Bytes read from the disk at a time. Lines go out a chunk at a time (one trip through the event loop per chunk). */
const RANGE_CHUNK_BYTES = 1 << 20;

/** A chunk's complete lines: the text of each (without its newline) and where it starts. */
export interface LineChunk {
  readonly texts: string[];
  /** Byte offset of each line (decompressed bytes for gzip). */
  readonly offsets: number[];
}

/** How the read ended: whole, on a last line without its newline, or on a gzip stream without its trailer. */
export interface LineRangeEnd {
  readonly cut: 'none' | 'unterminated' | 'no_gzip_trailer';
  /** The text after the last newline (empty when none): a hand-made last line, or a cut one. */
  readonly tail: string;
  readonly tailOffset: number;
  /** Decompressed bytes of the file seen (its size for plain files). */
  readonly bytes: number;
}

/** A gzip member start (compressed offset, and the decompressed offset it begins at): inflating can begin there. */
export interface InflateStart {
  readonly compressed: number;
  readonly decompressed: number;
}

/**
 * Streams the lines of `file` starting at byte `start` (which must be the
 * start of a line). For gzip, `from` is a member start at or before `start`
 * to inflate from (gzip-members.ts); without it the file is inflated from
 * its beginning. `onEnd` is called once when the file is read to its end;
 * a consumer that stops early (breaks out of the loop) never gets it.
 * Read errors and corrupt gzip streams throw a CaptureError naming the file.
 */
export async function* readLineRange(file: string, gzip: boolean, start: number, onEnd?: (end: LineRangeEnd) => void, from?: InflateStart): AsyncGenerator<LineChunk, void, undefined> {
  const inflateAt = gzip && from && from.decompressed <= start ? from : { compressed: 0, decompressed: 0 };
  const source = createReadStream(file, { highWaterMark: RANGE_CHUNK_BYTES, start: gzip ? inflateAt.compressed : start });
  const input: Readable = gzip ? pipeline(source, createGunzip({ chunkSize: 256 * 1024 }), () => undefined) : source;
  // Absolute offset of the first byte of `carry`.
  let carryAt = start;
  let carry: Buffer = Buffer.alloc(0);
  // Decompressed bytes seen so far (gzip skips up to `start`).
  let seen = gzip ? inflateAt.decompressed : start;
  let cut: LineRangeEnd['cut'] = 'none';
  try {
    try {
      for await (const raw of input) {
        let chunk = raw as Buffer;
        const chunkAt = seen;
        seen += chunk.length;
        if (seen <= start) continue;
        if (chunkAt < start) chunk = chunk.subarray(start - chunkAt);
        const buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
        const texts: string[] = [];
        const offsets: number[] = [];
        let from = 0;
        for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
          texts.push(buf.toString('utf8', from, nl > from && buf[nl - 1] === 13 ? nl - 1 : nl));
          offsets.push(carryAt + from);
          from = nl + 1;
        }
        carry = from === 0 ? buf : buf.subarray(from);
        carryAt += from;
        if (texts.length > 0) yield { texts, offsets };
      }
    } catch (error) {
      if (error instanceof CaptureError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // zlib's "unexpected end of file": the writer was killed; everything before it decoded.
      if (gzip && code === 'Z_BUF_ERROR') cut = 'no_gzip_trailer';
      else throw new CaptureError(file, null, `cannot read: ${gzip ? 'gzip stream is corrupt: ' : ''}${(error as Error).message}`);
    }
    const tail = carry.toString('utf8');
    if (cut === 'none' && tail !== '') cut = 'unterminated';
    onEnd?.({ cut, tail, tailOffset: carryAt, bytes: seen });
  } finally {
    source.destroy();
    input.destroy();
  }
}

/** The one line that starts at `offset` (without its newline), or null when the file ends there. */
export async function readLineAt(file: string, gzip: boolean, offset: number, from?: InflateStart): Promise<string | null> {
  let tail: string | null = null;
  for await (const chunk of readLineRange(file, gzip, offset, (end) => (tail = end.tail === '' ? null : end.tail), from)) {
    return chunk.texts[0]!;
  }
  return tail;
}
