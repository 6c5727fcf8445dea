import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { RawFrame } from '../venues/venue';

/** Header line of a capture (line 1): `{"capture": 1, ...}`; other fields are free. */
export interface CaptureHeader {
  readonly capture: 1;
  readonly [field: string]: unknown;
}

/** A capture that cannot be read: says which file and line, never a stack trace. */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'CaptureError';
  }
}

const KINDS = new Set(['ws', 'rest']);

/** gzip is chosen by content (magic bytes 1f 8b), not by the file name. */
export function isGzipFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CaptureError(path, null, `cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const magic = Buffer.alloc(2);
    const n = readSync(fd, magic, 0, 2, 0);
    return n === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Parses the header line; throws CaptureError when it is not a version-1 capture header. */
export function parseCaptureHeader(file: string, text: string): CaptureHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CaptureError(file, 1, 'not a capture: line 1 is not JSON');
  }
  if (typeof value !== 'object' || value === null || (value as { capture?: unknown }).capture !== 1) {
    throw new CaptureError(file, 1, 'not a capture: line 1 must be a header with "capture": 1');
  }
  return value as CaptureHeader;
}

/** Parses one frame line; throws CaptureError naming the line and the field at fault. */
export function parseCaptureFrame(file: string, lineNo: number, text: string): RawFrame {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CaptureError(file, lineNo, 'not a capture line: invalid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CaptureError(file, lineNo, 'not a capture line: expected an object');
  }
  const { t, venue, kind, url, data, conn, status } = value;
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new CaptureError(file, lineNo, 'frame field "t" must be a number');
  if (typeof venue !== 'string' || venue === '') throw new CaptureError(file, lineNo, 'frame field "venue" must be a string');
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new CaptureError(file, lineNo, 'frame field "kind" must be "ws" or "rest"');
  if (typeof url !== 'string') throw new CaptureError(file, lineNo, 'frame field "url" must be a string');
  if (typeof data !== 'string') throw new CaptureError(file, lineNo, 'frame field "data" must be a string');
  const frame: { -readonly [K in keyof RawFrame]: RawFrame[K] } = { t, venue, kind: kind as RawFrame['kind'], url, data };
  if (typeof conn === 'string') frame.conn = conn;
  if (typeof status === 'number') frame.status = status;
  return frame;
}

/** A capture line with its line number (1-based, the header is line 1). */
export interface CaptureLine {
  readonly line: number;
  readonly frame: RawFrame;
  /** Bytes of the file read so far (compressed bytes for gzip): for progress bars. */
  readonly bytesRead: number;
}

/**
 * Streams a capture, plain or gzip, frame by frame. The header is checked
 * before the first frame is yielded; blank lines are skipped.
 */
export async function* readCapture(path: string): AsyncGenerator<CaptureLine, void, undefined> {
  const gzip = isGzipFile(path);
  const source = createReadStream(path);
  const input = gzip ? source.pipe(createGunzip()) : source;
  const errors: Error[] = [];
  const onError = (error: Error): void => {
    errors.push(error);
  };
  source.on('error', onError);
  input.on('error', onError);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      if (lineNo === 1) {
        parseCaptureHeader(path, text);
        continue;
      }
      if (text.trim() === '') continue;
      yield { line: lineNo, frame: parseCaptureFrame(path, lineNo, text), bytesRead: source.bytesRead };
    }
  } catch (error) {
    if (error instanceof CaptureError) throw error;
    throw new CaptureError(path, lineNo || null, `cannot read: ${(error as Error).message}`);
  } finally {
    lines.close();
    source.destroy();
  }
  if (errors.length > 0) throw new CaptureError(path, lineNo || null, `cannot read: ${errors[0]!.message}`);
  if (lineNo === 0) throw new CaptureError(path, null, 'empty file: not a capture');
}

/** Reads a whole capture into memory (tests, benchmarks). */
export async function readCaptureFrames(path: string): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const { frame } of readCapture(path)) frames.push(frame);
  return frames;
}
