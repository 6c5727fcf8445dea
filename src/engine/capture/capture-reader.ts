import { createReadStream, statSync } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { RawFrame } from '../feed/raw-frame';
import { captureLineReader } from './capture-line';
import { CaptureError, capturePartPaths, isBlankLine, isFrameLine, isGzipFile, parseCaptureFrame, parseCaptureHeader, withoutCr, type CaptureHeader } from './capture-format';
import { readLineAt } from './capture-range';

// The streaming reader of captures. What a line, a header and a part name are
// is capture-format.ts; the names it exported before are exported from here still.
export { CaptureError, isGzipFile, parseCaptureFrame, type CaptureHeader } from './capture-format';

/** A capture line with its line number (1-based, the header is line 1). */
export interface CaptureLine {
  readonly line: number;
  readonly frame: RawFrame;
  /** Bytes of the file read so far (compressed bytes for gzip): for progress bars. */
  readonly bytesRead: number;
}

/**
 * How a recording killed mid-write ends: a last line without its newline that
 * does not parse (`cut_line`), or a gzip stream without its trailer
 * (`no_gzip_trailer`, whatever incomplete line it ended in is dropped).
 */
export interface CaptureTruncation {
  readonly file: string;
  readonly kind: 'cut_line' | 'no_gzip_trailer';
  /** Frames read from this file before the cut. */
  readonly frames: number;
  /** The last complete line read (the header is line 1). */
  readonly lastLine: number;
  /** Bytes of the file read (compressed bytes for gzip), and its size on disk. */
  readonly bytesRead: number;
  readonly fileBytes: number;
  /** Text of the incomplete last line that was left out, in bytes (uncompressed). */
  readonly droppedBytes: number;
  /** The warning in words, naming the file and how much was read. */
  readonly message: string;
}

export interface ReadCaptureOptions {
  /**
   * When given, a cut tail (see {@link CaptureTruncation}) ends the read
   * normally and is reported here; without it, it is a CaptureError. Damage
   * anywhere before the tail is always a CaptureError: only the end of a file
   * can be where a writer was killed.
   */
  readonly onTruncated?: (truncation: CaptureTruncation) => void;
}

/** Throws a CaptureError naming the path when it is not a readable regular file. */
export function checkCaptureFile(path: string): { readonly size: number } {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new CaptureError(path, null, `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (stats.isDirectory()) throw new CaptureError(path, null, 'is a folder, not a capture file');
  if (!stats.isFile()) throw new CaptureError(path, null, 'not a regular file');
  return { size: stats.size };
}

/** Frames of one chunk of a capture file, with their line numbers: what a replay loop takes at once. */
export interface CaptureBatch {
  readonly frames: RawFrame[];
  /** Line number of each frame (1-based, the header is line 1). */
  readonly lines: number[];
  /** Bytes of the file read so far (compressed bytes for gzip): for progress bars. */
  readonly bytesRead: number;
}

/**
 * Bytes read from the file at a time; the lines of a chunk go out as one
 * batch (one trip through the event loop per chunk, not per frame). Not
 * larger: a batch's frames are alive together, and 1 MB batches (about 1,300
 * frames) outlived the young generation and doubled the GC time (measured
 * on the 240 k-frame USD-M clone: 1 MB chunks 1.5x slower than 64 KB).
 */
export const CAPTURE_READ_CHUNK_BYTES = 1 << 16;

/**
 * Streams a capture, plain or gzip, frame by frame. The header is checked
 * before the first frame is yielded; blank lines are skipped.
 */
export async function* readCapture(path: string, options: ReadCaptureOptions = {}): AsyncGenerator<CaptureLine, void, undefined> {
  for await (const batch of readCaptureBatches(path, options)) {
    for (let i = 0; i < batch.frames.length; i++) yield { line: batch.lines[i]!, frame: batch.frames[i]!, bytesRead: batch.bytesRead };
  }
}

/**
 * {@link readCapture} a chunk of lines at a time. A damaged line throws its
 * CaptureError after the frames before it have been handed over, as frame
 * by frame.
 */
export async function* readCaptureBatches(path: string, options: ReadCaptureOptions = {}): AsyncGenerator<CaptureBatch, void, undefined> {
  const { size } = checkCaptureFile(path);
  const gzip = isGzipFile(path);
  const source = createReadStream(path, { highWaterMark: CAPTURE_READ_CHUNK_BYTES });
  // pipeline() hands a read error of the file to the gunzip stream, so the loop below sees every failure.
  const input: Readable = gzip ? pipeline(source, createGunzip({ chunkSize: 256 * 1024 }), () => undefined) : source;
  const decoder = new StringDecoder('utf8');
  const lines = captureLineReader(path);
  let pending = '';
  let lineNo = 0;
  let frames = 0;
  let batch: CaptureBatch = { frames: [], lines: [], bytesRead: 0 };
  // A named path in every message: "line 1 is not JSON" alone does not say the .gz was never compressed.
  const header = (text: string): void => void parseCaptureHeader(path, text, gzip);
  /** Adds one line to the batch; a damaged one throws (after the batch so far has been yielded, see below). */
  const take = (text: string): void => {
    lineNo++;
    const line = withoutCr(text);
    if (lineNo === 1) return header(line);
    if (isBlankLine(line)) return;
    frames++;
    batch.frames.push(lines.parse(lineNo, line));
    batch.lines.push(lineNo);
  };
  const flush = (): CaptureBatch | null => {
    if (batch.frames.length === 0) return null;
    const full = { ...batch, bytesRead: source.bytesRead };
    batch = { frames: [], lines: [], bytesRead: 0 };
    return full;
  };
  const cut = (kind: CaptureTruncation['kind'], dropped: string): void => {
    const droppedBytes = Buffer.byteLength(dropped);
    const what =
      kind === 'cut_line'
        ? `the last line (${lineNo + 1}) is cut short (${droppedBytes} bytes without a newline)`
        : `the gzip stream ends without its trailer${droppedBytes > 0 ? `, in the middle of line ${lineNo + 1} (${droppedBytes} bytes dropped)` : ''}`;
    const truncation: CaptureTruncation = {
      file: path,
      kind,
      frames,
      lastLine: lineNo,
      bytesRead: source.bytesRead,
      fileBytes: size,
      droppedBytes,
      message: `${path}: recording cut short (killed while writing?): ${what}; read ${frames} frames through line ${lineNo}, ${source.bytesRead} of ${size} bytes of the file`,
    };
    if (!options.onTruncated) {
      if (kind === 'cut_line') parseCaptureFrame(path, lineNo + 1, dropped);
      throw new CaptureError(path, lineNo + 1, 'cannot read: unexpected end of file (gzip trailer missing)');
    }
    options.onTruncated(truncation);
  };
  /** Takes one line; on a damaged line, the frames before it still go out first. */
  let damaged: unknown = null;
  const takeSafely = (text: string): boolean => {
    try {
      take(text);
      return true;
    } catch (error) {
      damaged = error;
      return false;
    }
  };
  try {
    let failure: Error | null = null;
    try {
      for await (const chunk of input) {
        pending += decoder.write(chunk as Buffer);
        let start = 0;
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
          const ok = takeSafely(pending.slice(start, nl));
          start = nl + 1;
          if (!ok) break;
        }
        const ready = flush();
        if (ready) yield ready;
        if (damaged !== null) throw damaged;
        pending = start === 0 ? pending : pending.slice(start);
      }
      pending += decoder.end();
    } catch (error) {
      if (error instanceof CaptureError) throw error;
      failure = error as Error;
    }
    if (failure !== null) {
      // zlib's "unexpected end of file": the stream stopped where the writer was killed, everything before it decoded.
      const truncated = gzip && (failure as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' && lineNo > 0;
      if (gzip && (failure as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' && lineNo === 0) {
        throw new CaptureError(path, 1, 'the gzip stream ends before its header line does (killed while writing?): nothing to replay');
      }
      if (!truncated) throw new CaptureError(path, lineNo + 1, `cannot read: ${gzip ? 'gzip stream is corrupt: ' : ''}${failure.message}`);
      pending += decoder.end();
      // A line complete up to its newline decodes as a whole frame; anything shorter is the cut.
      if (pending.trim() !== '' && lineNo > 0 && isFrameLine(pending)) {
        take(pending);
        pending = '';
        const ready = flush();
        if (ready) yield ready;
      }
      cut('no_gzip_trailer', pending);
      return;
    }
    if (pending === '') {
      if (lineNo === 0) throw new CaptureError(path, null, 'empty file: not a capture');
      return;
    }
    // A last line without its newline: a frame written whole (a hand-made file) is read, a cut one is the killed tail.
    if (lineNo === 0 || pending.trim() === '' || isFrameLine(pending)) {
      take(pending);
      const ready = flush();
      if (ready) yield ready;
      return;
    }
    cut('cut_line', pending);
  } finally {
    source.destroy();
    input.destroy();
  }
}

/** Reads a whole capture into memory (tests, benchmarks). */
export async function readCaptureFrames(path: string): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const { frame } of readCapture(path)) frames.push(frame);
  return frames;
}

/** The header of a capture file (line 1), read without the rest; a CaptureError when the file is not a capture. */
export async function readCaptureHeader(path: string): Promise<CaptureHeader> {
  checkCaptureFile(path);
  const gzip = isGzipFile(path);
  const line = await readLineAt(path, gzip, 0);
  if (line === null) throw new CaptureError(path, null, 'empty file: not a capture');
  return parseCaptureHeader(path, withoutCr(line), gzip);
}

/** The files of a recording (the path, then its rotation parts in order) and their sizes on disk. */
export interface CaptureRecording {
  readonly files: readonly string[];
  readonly sizes: readonly number[];
  /** Sum of the sizes (at least 1: a share of it is a progress fraction). */
  readonly bytes: number;
}

/** The recording that starts at `path`: every part that exists, each checked to be a readable file. */
export function openRecording(path: string): CaptureRecording {
  const files = capturePartPaths(path);
  if (files.length === 0) throw new CaptureError(path, null, 'cannot open: no such file');
  const sizes = files.map((file) => checkCaptureFile(file).size);
  return { files, sizes, bytes: sizes.reduce((a, b) => a + b, 0) || 1 };
}

/** A batch of one part of a recording. */
export interface RecordingBatch extends CaptureBatch {
  /** The part it comes from (0 = the path itself) and its file. */
  readonly part: number;
  readonly file: string;
  /** Bytes of the recording read so far: every earlier part whole, and this one's `bytesRead`. */
  readonly recordingBytesRead: number;
}

/**
 * Every part of a recording in order, as one stream of batches: what replay
 * reads (`surveil replay`, the console). Only the last part can be the one a
 * killed writer left open: it may end cut short (reported to `onTruncated`
 * when given, as by {@link readCaptureBatches}); a cut part with parts after
 * it is a hole in the recording and always a CaptureError.
 */
export async function* readRecordingBatches(recording: CaptureRecording, options: ReadCaptureOptions = {}): AsyncGenerator<RecordingBatch, void, undefined> {
  const { files, sizes } = recording;
  let before = 0;
  for (let part = 0; part < files.length; part++) {
    const file = files[part]!;
    const last = part === files.length - 1;
    const hole = (cut: CaptureTruncation): never => {
      throw new CaptureError(file, cut.lastLine + 1, `${cut.message.slice(file.length + 2)}, but ${files[part + 1]} continues it: frames are missing in the middle of the recording`);
    };
    for await (const batch of readCaptureBatches(file, last ? options : { onTruncated: hole })) {
      yield { ...batch, part, file, recordingBytesRead: before + batch.bytesRead };
    }
    before += sizes[part]!;
  }
}
