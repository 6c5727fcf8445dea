import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { RawFrame } from '../feed/raw-frame';

// The capture format (docs/capture-format.md) in one place: the header's shape,
// the frame line (what the writer writes and what every reader accepts), the
// names of a recording's rotation parts and how gzip is told apart. The reader
// (capture-reader.ts), the writer (capture-writer.ts), the index, seek and step
// (capture-index / capture-seek / capture-step.ts), the console's capture list
// (console/capture-files.ts) and the hot line reader (capture-line.ts)
// all take it from here. Everything but isGzipFile and capturePartPaths is pure.

/** The format version a header names: line 1 is `{"capture": 1, ...}`. */
export const CAPTURE_VERSION = 1;

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

// ---------------------------------------------------------------- header

/** Header fields the writer sets: a caller's free fields cannot override them. */
export const WRITER_HEADER_FIELDS = ['capture', 'created', 'part', 'previous', 'gzipMemberBytes'] as const;

/** What the writer adds to the free fields of a header. */
export interface HeaderStamp {
  /** When the file was started (epoch ms): `created`, ISO 8601 UTC. */
  readonly created: number;
  /** Rotation part number and the file name (no folder) it continues; absent for the first file. */
  readonly part?: { readonly n: number; readonly previous: string };
  /** gzip member limit, written when the parts are cut into members (docs/seek.md). */
  readonly gzipMemberBytes?: number;
}

/**
 * The header object of one file of a recording: `capture`, `source` (default
 * `recorded`), `created`, then the free fields, then `gzipMemberBytes`,
 * `part` and `previous` when they apply. Key order is the written order.
 */
export function captureHeader(fields: { readonly source?: string; readonly [field: string]: unknown }, stamp: HeaderStamp): Record<string, unknown> {
  const free: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'source' && !(WRITER_HEADER_FIELDS as readonly string[]).includes(key)) free[key] = value;
  }
  const header: Record<string, unknown> = { capture: CAPTURE_VERSION, source: fields.source ?? 'recorded', created: new Date(stamp.created).toISOString(), ...free };
  if (stamp.gzipMemberBytes !== undefined && stamp.gzipMemberBytes > 0) header.gzipMemberBytes = stamp.gzipMemberBytes;
  if (stamp.part) {
    header.part = stamp.part.n;
    header.previous = stamp.part.previous;
  }
  return header;
}

/** The header as its line (no newline). */
export function serializeHeaderLine(header: Record<string, unknown>): string {
  return JSON.stringify(header);
}

/**
 * Parses the header line (without its newline or `\r`); throws CaptureError
 * (`file:1`) when it is not a version-1 capture header. With `gzip` false
 * (the file was found not to be gzip) and a name ending in `.gz`, the error
 * says so too: "line 1 is not JSON" alone does not say the .gz was never compressed.
 */
export function parseCaptureHeader(file: string, text: string, gzip?: boolean): CaptureHeader {
  try {
    return headerOf(file, text);
  } catch (error) {
    if (gzip === false && /\.gz$/i.test(file)) {
      throw new CaptureError(file, 1, `not a capture: the name ends in .gz but the file is not gzip-compressed (no gzip magic bytes), and ${(error as CaptureError).message.replace(/^.*?not a capture: /, '')}`);
    }
    throw error;
  }
}

function headerOf(file: string, text: string): CaptureHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CaptureError(file, 1, 'not a capture: line 1 is not JSON');
  }
  if (typeof value !== 'object' || value === null || (value as { capture?: unknown }).capture !== CAPTURE_VERSION) {
    throw new CaptureError(file, 1, 'not a capture: line 1 must be a header with "capture": 1');
  }
  return value as CaptureHeader;
}

// ---------------------------------------------------------------- lines

/** Frame kinds: a websocket text frame or an HTTP response body. */
export const FRAME_KINDS: readonly RawFrame['kind'][] = ['ws', 'rest'];
const KINDS = new Set<string>(FRAME_KINDS);

/**
 * The writer's frame line, piece by piece:
 * `{"t":N,"venue":"..","kind":"ws"|"rest","url":"..","data":".."` then
 * `,"conn":".."` and `,"status":N` when present, then `}`. The hot line
 * reader (capture-line.ts) recognises exactly these pieces; any other
 * line goes to {@link parseCaptureFrame}.
 */
export const FRAME_LINE = {
  start: '{"t":',
  venue: ',"venue":"',
  kindWsUrl: ',"kind":"ws","url":"',
  kindRestUrl: ',"kind":"rest","url":"',
  data: ',"data":"',
  conn: ',"conn":"',
  status: ',"status":',
} as const;

/** One frame as a capture line (no newline), keys in the order of the format's example. */
export function serializeFrameLine(frame: RawFrame): string {
  const line: Record<string, unknown> = { t: frame.t, venue: frame.venue, kind: frame.kind, url: frame.url, data: frame.data };
  if (typeof frame.conn === 'string') line.conn = frame.conn;
  if (typeof frame.status === 'number') line.status = frame.status;
  return JSON.stringify(line);
}

/** What is wrong with a frame's required fields, as a reader says it (`frame field "t" must be a number`), or null. */
function requiredFieldProblem(t: unknown, venue: unknown, kind: unknown, url: unknown, data: unknown): string | null {
  if (typeof t !== 'number' || !Number.isFinite(t)) return 'frame field "t" must be a number';
  if (typeof venue !== 'string' || venue === '') return 'frame field "venue" must be a string';
  if (typeof kind !== 'string' || !KINDS.has(kind)) return 'frame field "kind" must be "ws" or "rest"';
  if (typeof url !== 'string') return 'frame field "url" must be a string';
  if (typeof data !== 'string') return 'frame field "data" must be a string';
  return null;
}

/**
 * Whether the writer may write this frame: a line {@link parseCaptureFrame}
 * refuses would make the whole file unreadable, and an optional field of the
 * wrong type (or a non-finite status, which JSON writes as null) would be lost.
 */
export function isWritableFrame(frame: RawFrame): boolean {
  return (
    requiredFieldProblem(frame.t, frame.venue, frame.kind, frame.url, frame.data) === null &&
    (frame.conn === undefined || typeof frame.conn === 'string') &&
    (frame.status === undefined || (typeof frame.status === 'number' && Number.isFinite(frame.status)))
  );
}

/**
 * Parses one frame line (without its newline or `\r`); throws CaptureError
 * naming `file:line` and the field at fault. Unknown fields are ignored, and
 * so are `conn` / `status` of another type.
 */
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
  const problem = requiredFieldProblem(t, venue, kind, url, data);
  if (problem !== null) throw new CaptureError(file, lineNo, problem);
  const frame: { -readonly [K in keyof RawFrame]: RawFrame[K] } = { t: t as number, venue: venue as string, kind: kind as RawFrame['kind'], url: url as string, data: data as string };
  if (typeof conn === 'string') frame.conn = conn;
  if (typeof status === 'number') frame.status = status;
  return frame;
}

/** True when the text is a whole frame line ({@link parseCaptureFrame} accepts it, a trailing `\r` aside): a last line without its newline is read when it is. */
export function isFrameLine(text: string): boolean {
  try {
    parseCaptureFrame('', 0, withoutCr(text));
    return true;
  } catch {
    return false;
  }
}

/** A line without the `\r` of a CRLF ending. */
export function withoutCr(text: string): string {
  return text.charCodeAt(text.length - 1) === 13 /* \r */ ? text.slice(0, -1) : text;
}

/** A blank line (whitespace only), skipped by every reader. A frame line starts with `{`, so most lines are told at once. */
export function isBlankLine(text: string): boolean {
  return text.charCodeAt(0) !== 123 /* { */ && text.trim() === '';
}

// ---------------------------------------------------------------- gzip

/** gzip is chosen by content (magic bytes 1f 8b), not by the file name. */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A name ending in `.gz`: the writer compresses such a file (a reader still goes by {@link isGzipFile}). */
export function isGzipName(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** Whether the file starts with the gzip magic bytes; throws CaptureError when it cannot be opened. */
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
    return hasGzipMagic(magic.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- parts

/** The name of a capture the console offers: `.jsonl` or `.jsonl.gz` (rotation parts `rec.0001.jsonl.gz` included). */
export function isCaptureFileName(name: string): boolean {
  return /\.jsonl(\.gz)?$/.test(name);
}

/** The extension a part number goes before: `.jsonl.gz`, `.jsonl`, `.gz` or nothing (any case). */
function extensionOf(path: string): string {
  return /(\.jsonl)?(\.gz)?$/i.exec(path)![0];
}

/** How a part number is written: at least four digits. */
const partNumber = (n: number): string => String(n).padStart(4, '0');

/**
 * Path of rotation part `n` (1, 2, ...) of a recording: the number goes before
 * the extension, so `rec.jsonl.gz` continues in `rec.0001.jsonl.gz`
 * (`rec.jsonl` -> `rec.0001.jsonl`; a name without `.jsonl` gets the number at
 * the end or before `.gz`). Part 0 is the path itself.
 */
export function capturePartPath(path: string, n: number): string {
  if (n === 0) return path;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`part number must be a whole number >= 0, not ${n}`);
  const ext = extensionOf(path);
  return `${path.slice(0, path.length - ext.length)}.${partNumber(n)}${ext}`;
}

/**
 * The inverse of {@link capturePartPath}: which part of the recording `first`
 * the path `candidate` is (0 for `first` itself), or null when the writer
 * would never give it that name (`rec.1.jsonl.gz`, `rec.0001.jsonl.gz.idx`,
 * `other.0001.jsonl.gz`, `rec.0000.jsonl.gz` are not parts of `rec.jsonl.gz`).
 */
export function capturePartIndex(first: string, candidate: string): number | null {
  if (candidate === first) return 0;
  const ext = extensionOf(first);
  const stem = `${first.slice(0, first.length - ext.length)}.`;
  if (!candidate.startsWith(stem) || !candidate.endsWith(ext)) return null;
  const digits = candidate.slice(stem.length, candidate.length - ext.length);
  if (!/^\d{4,}$/.test(digits)) return null;
  const n = Number(digits);
  return n >= 1 && Number.isSafeInteger(n) && partNumber(n) === digits ? n : null;
}

/**
 * For a name the writer gives a rotation part, the recording's first file and
 * the part number (`rec.0002.jsonl.gz` -> `rec.jsonl.gz`, 2); null for any
 * other name. Whether that first file exists is for the caller to look.
 */
export function capturePartOf(path: string): { readonly first: string; readonly n: number } | null {
  const ext = extensionOf(path);
  const match = /\.(\d{4,})$/.exec(path.slice(0, path.length - ext.length));
  if (!match) return null;
  const first = `${path.slice(0, match.index)}${ext}`;
  const n = capturePartIndex(first, path);
  return n === null || n === 0 ? null : { first, n };
}

/** Orders paths as parts of the recording `first` (part 0 first); a path that is not one of its parts goes last. */
export function comparePartPaths(first: string, a: string, b: string): number {
  return (capturePartIndex(first, a) ?? Infinity) - (capturePartIndex(first, b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The files of a recording that exist, in order: the path itself, then its
 * parts until one is missing (a part after a gap is not part of the
 * recording's frames: they would not follow on). `exists` defaults to the disk.
 */
export function capturePartPaths(path: string, exists: (path: string) => boolean = existsSync): string[] {
  const files: string[] = [];
  for (let n = 0; exists(capturePartPath(path, n)); n++) files.push(capturePartPath(path, n));
  return files;
}
