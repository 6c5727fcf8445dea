import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LimitsSettings } from '../../shared/config';
import type { MarketEvent } from '../../shared/core/model';
import { captureLineReader } from './capture-line';
import { BookTruth, type TruthVerdict } from '../pipeline/book-truth';
import { FrameTimeGuard } from '../pipeline/frame-time';
import { InstrumentDirectory } from '../pipeline/instrument-directory';
import { venueById } from '../venues/registry';
import type { BookSync, BookSyncState, VenueMapper } from '../venues/venue';
import { CaptureError, capturePartPaths, isBlankLine, isFrameLine, isGzipFile, parseCaptureHeader, withoutCr } from './capture-format';
import { readLineAt, readLineRange, type LineRangeEnd } from './capture-range';
import { walkGzipMembers, type GzipMembers } from './gzip-members';

// The capture index (docs/seek.md): built once per capture by one pass through
// every part with the venues' own mappers, kept in a sidecar file
// `<capture>.idx`, and trusted only while every part still has the size, mtime
// and header line it was built from.

export const CAPTURE_INDEX_FORMAT = 'surveil-capture-index';
/** 2: book-state checkpoints (`bookStates`, the `.ckpt` sidecar). A version 1 index is rebuilt. */
export const CAPTURE_INDEX_VERSION = 2;
/** Default spacing of the checkpoints kept per instrument: a book snapshot closer to the last one kept is not kept. */
export const DEFAULT_CHECKPOINT_SPACING_MS = 2000;
/**
 * Default spacing of the book-state checkpoints (docs/seek.md): a valid
 * book's whole state is stored when its last one is at least this old, so a
 * seek replays at most about this much capture time of a diff book's frames.
 */
export const DEFAULT_BOOK_STATE_SPACING_MS = 60_000;
/** Default step of the timeline (first frame at or after each step of capture time). */
export const DEFAULT_TIMELINE_STEP_MS = 1000;
/**
 * Book deltas remembered per instrument since its last snapshot, to find the
 * diffs a snapshot needs from before it (Binance buffers diffs that arrive
 * before their REST snapshot and applies those it does not cover).
 */
const BACKTRACK_DELTAS = 256;

/** Where a frame is: capture time, part (0 = the path itself), byte offset of its line, frame number, line number. */
export interface FramePosition {
  readonly t: number;
  readonly part: number;
  /** Byte offset of the line in its part (decompressed bytes for gzip). */
  readonly offset: number;
  /** Frames before it in the whole capture (0-based, every part, bad_time frames included). */
  readonly frame: number;
  /** Line number in its part (1-based, the header is line 1). */
  readonly line: number;
}

/** Positions stored column-wise: compact in JSON, and searched by time. */
export interface PositionColumns {
  readonly t: number[];
  readonly part: number[];
  readonly offset: number[];
  readonly frame: number[];
  readonly line: number[];
}

/**
 * Book-state checkpoints of one instrument: the position is the frame after
 * which the book sync had the stored state (a seek replays that frame, then
 * restores the sync); `at` and `length` locate the state in the sidecar.
 */
export interface BookStateColumns extends PositionColumns {
  readonly at: number[];
  readonly length: number[];
}

/** The sidecar of book states (`<capture>.ckpt`): one gzip member per checkpoint, located by the index. */
export interface BookStatesInfo {
  /** Spacing they were taken at (ms of capture time); 0: none taken. */
  readonly spacingMs: number;
  /** Size of the sidecar in bytes (checked on load; each read checks its record's gzip CRC, key, time and frame), and its sha256. */
  readonly bytes: number;
  readonly sha256: string;
  readonly keys: Readonly<Record<string, BookStateColumns>>;
}

/** One file of the capture as the index saw it: what makes an index stale when it changes. */
export interface PartStamp {
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly gzip: boolean;
  /** sha256 of the header line (line 1). */
  readonly header: string;
  /** Byte offset of line 2 (decompressed for gzip). */
  readonly dataOffset: number;
  /** Decompressed bytes of the part. */
  readonly bytes: number;
  readonly frames: number;
  /** How the part ends: whole, or cut short by a killed writer (only the last part may be). */
  readonly cut: 'none' | 'unterminated' | 'no_gzip_trailer';
  /** gzip written in members (the writer's `gzipMemberBytes`): where each starts, so a seek inflates from the nearest. */
  readonly members?: GzipMembers;
}

/**
 * The index of one capture (every part of a rotated recording). `books` maps
 * each instrument key (`venue:symbol`) to its checkpoints: `t` is the time of
 * a book snapshot of that instrument, the position is where a replay must
 * start for the book to be rebuilt by that snapshot (the snapshot's frame,
 * or an earlier diff it still needs).
 */
export interface CaptureIndex {
  readonly format: typeof CAPTURE_INDEX_FORMAT;
  readonly version: typeof CAPTURE_INDEX_VERSION;
  readonly parts: readonly PartStamp[];
  readonly frames: number;
  readonly firstT: number | null;
  readonly lastT: number | null;
  readonly checkpointSpacingMs: number;
  readonly timelineStepMs: number;
  /** Frames that carry instrument metadata (exchangeInfo, public/instruments): a seek reads them first. */
  readonly metadata: PositionColumns;
  readonly books: Readonly<Record<string, PositionColumns>>;
  /** The books' own states every `bookStates.spacingMs` while valid (docs/seek.md): a diff book needs no snapshot to seek. */
  readonly bookStates: BookStatesInfo;
  readonly timeline: PositionColumns;
  /** Frames the mappers refused, and frames whose time cannot be believed: counted, as replay counts them. */
  readonly rejected: number;
  readonly badTime: number;
}

export interface CaptureIndexOptions {
  /** Where the index lives; default {@link captureIndexPath}. */
  readonly indexPath?: string;
  readonly limits?: Partial<LimitsSettings>;
  readonly checkpointSpacingMs?: number;
  readonly timelineStepMs?: number;
  /** Spacing of the book-state checkpoints ({@link DEFAULT_BOOK_STATE_SPACING_MS}); 0 takes none. */
  readonly bookStateSpacingMs?: number;
  /** Rebuild even when the saved index is current. */
  readonly rebuild?: boolean;
  /** Save a built index (default true); when saving fails the index is used from memory and `saveError` says why. */
  readonly save?: boolean;
}

/** An index ready to seek with, and how it was got. */
export interface OpenedCaptureIndex {
  readonly index: CaptureIndex;
  readonly path: string;
  /** `loaded`: the saved index was current; `built`: there was none; `rebuilt`: it was stale or corrupt (`reason`). */
  readonly status: 'loaded' | 'built' | 'rebuilt';
  readonly reason?: string;
  readonly saved: boolean;
  readonly saveError?: string;
  /** Wall time spent building (0 when loaded). */
  readonly buildMs: number;
}

/** The sidecar next to the capture: `rec.jsonl.gz` -> `rec.jsonl.gz.idx`. */
export function captureIndexPath(capture: string): string {
  return `${capture}.idx`;
}

/** The book-state sidecar beside an index: `rec.jsonl.gz.idx` -> `rec.jsonl.gz.ckpt` (another name: `<name>.ckpt`). */
export function bookStatesPath(indexPath: string): string {
  return indexPath.endsWith('.idx') ? `${indexPath.slice(0, -4)}.ckpt` : `${indexPath}.ckpt`;
}

/** The sidecar bytes of an index built in this process (saved with it, or used from memory when it cannot be saved). */
const builtStates = new WeakMap<CaptureIndex, Buffer>();

/** One book-state record of the sidecar, as stored (gzip of this JSON). */
interface BookStateRecord {
  readonly key: string;
  readonly t: number;
  readonly frame: number;
  readonly state: BookSyncState;
}

const emptyColumns = (): PositionColumns => ({ t: [], part: [], offset: [], frame: [], line: [] });

/** Appends a position; one out of time order (a capture whose times step back) is left out, so a search by time stays right. */
function pushPosition(columns: PositionColumns, p: FramePosition, ordered = true): void {
  if (ordered && columns.t.length > 0 && p.t < columns.t[columns.t.length - 1]!) return;
  columns.t.push(p.t);
  columns.part.push(p.part);
  columns.offset.push(p.offset);
  columns.frame.push(p.frame);
  columns.line.push(p.line);
}

/** The i-th position of a column set. */
export function positionAt(columns: PositionColumns, i: number): FramePosition {
  return { t: columns.t[i]!, part: columns.part[i]!, offset: columns.offset[i]!, frame: columns.frame[i]!, line: columns.line[i]! };
}

/** The index of the last position with `t <= time`, or -1 when every one is later. Binary search: the times do not decrease. */
export function lastIndexAtOrBefore(columns: PositionColumns, time: number): number {
  let lo = 0;
  let hi = columns.t.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (columns.t[mid]! <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The last position with `t <= time`, or null when every one is later. */
export function lastAtOrBefore(columns: PositionColumns, time: number): FramePosition | null {
  const found = lastIndexAtOrBefore(columns, time);
  return found < 0 ? null : positionAt(columns, found);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A stored position refers to a frame earlier in the capture than another. */
export function isBefore(a: FramePosition, b: FramePosition): boolean {
  return a.part < b.part || (a.part === b.part && a.offset < b.offset);
}

/**
 * Reads every part of the capture once, through the venues' mappers, and
 * returns its index. Damage that replay refuses (a bad line in the middle,
 * an unknown venue, a cut part followed by another) is a CaptureError here too.
 */
export async function buildCaptureIndex(capture: string, options: CaptureIndexOptions = {}): Promise<CaptureIndex> {
  const files = capturePartPaths(capture);
  if (files.length === 0) throw new CaptureError(capture, null, 'cannot open: no such file');
  const spacing = options.checkpointSpacingMs ?? DEFAULT_CHECKPOINT_SPACING_MS;
  const step = options.timelineStepMs ?? DEFAULT_TIMELINE_STEP_MS;
  const mappers = new Map<string, VenueMapper>();
  const times = new FrameTimeGuard();
  const metadata = emptyColumns();
  const timeline = emptyColumns();
  const books: Record<string, PositionColumns> = {};
  const lastKept = new Map<string, number>();
  const stateSpacing = options.bookStateSpacingMs ?? DEFAULT_BOOK_STATE_SPACING_MS;
  const states = new BookStateBuilder(stateSpacing, options.limits);
  /** Per instrument: recent deltas since its last snapshot (positions and `seq.last`), oldest first. */
  const recent = new Map<string, { positions: FramePosition[]; lasts: (number | undefined)[] }>();
  const parts: PartStamp[] = [];
  let frames = 0;
  let rejected = 0;
  let firstT: number | null = null;
  let lastT: number | null = null;
  let nextStep = -Infinity;
  for (let part = 0; part < files.length; part++) {
    const file = files[part]!;
    const stats = statSync(file);
    const gzip = isGzipFile(file);
    const reader = captureLineReader(file);
    let lineNo = 0;
    let header = '';
    let memberBytes = 0;
    let dataOffset = 0;
    let partFrames = 0;
    let end: LineRangeEnd | null = null;
    const take = (text: string, offset: number): void => {
      lineNo++;
      if (lineNo === 1) {
        const fields = parseCaptureHeader(file, text);
        header = sha256(text);
        if (typeof fields.gzipMemberBytes === 'number' && fields.gzipMemberBytes > 0) memberBytes = fields.gzipMemberBytes;
        return;
      }
      if (lineNo === 2) dataOffset = offset;
      if (isBlankLine(text)) return;
      const frame = reader.parse(lineNo, text);
      const position: FramePosition = { t: frame.t, part, offset, frame: frames, line: lineNo };
      frames++;
      partFrames++;
      // The pipeline refuses such a frame (bad_time) before reading its time; so does the index.
      if (!times.accept(frame.t)) return;
      firstT ??= frame.t;
      lastT = frame.t;
      if (frame.t >= nextStep) {
        pushPosition(timeline, position);
        nextStep = (Math.floor(frame.t / step) + 1) * step;
      }
      let mapper = mappers.get(frame.venue);
      if (!mapper) {
        const venue = venueById(frame.venue);
        if (!venue) throw new CaptureError(file, lineNo, `unknown venue "${frame.venue}"`);
        mappers.set(frame.venue, (mapper = venue.createMapper(options.limits)));
      }
      const result = mapper.map(frame);
      if (result.kind === 'instruments') {
        pushPosition(metadata, position, false);
        states.directory.addMetadata(result.instruments);
      } else if (result.kind === 'rejected') {
        rejected++;
        if (result.symbol !== undefined) states.missed(frame.venue, result.symbol);
      }
      if (result.kind !== 'events') return;
      states.frame(result.events, position);
      for (const event of result.events) {
        if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
        const key = `${event.venue}:${event.symbol}`;
        let held = recent.get(key);
        if (!held) recent.set(key, (held = { positions: [], lasts: [] }));
        if (event.type === 'book_delta') {
          if (held.positions.length >= BACKTRACK_DELTAS) {
            held.positions.shift();
            held.lasts.shift();
          }
          held.positions.push(position);
          held.lasts.push(event.seq.last);
          continue;
        }
        // A snapshot: the replay starts at its frame, or at the first diff before it that it does not cover.
        let start = position;
        const id = event.seq.last;
        if (id !== undefined) {
          const i = held.lasts.findIndex((last) => last !== undefined && last >= id);
          if (i >= 0) start = held.positions[i]!;
        }
        held.positions = [];
        held.lasts = [];
        const kept = lastKept.get(key);
        if (kept !== undefined && frame.t - kept < spacing) continue;
        lastKept.set(key, frame.t);
        pushPosition((books[key] ??= emptyColumns()), { ...start, t: frame.t });
      }
    };
    for await (const chunk of readLineRange(file, gzip, 0, (e) => (end = e))) {
      for (let i = 0; i < chunk.texts.length; i++) take(chunk.texts[i]!, chunk.offsets[i]!);
    }
    const ended = end as LineRangeEnd | null;
    if (ended === null) throw new CaptureError(file, null, 'cannot read: the file ended early');
    let cut = ended.cut;
    if (cut === 'unterminated' && (lineNo === 0 || isFrameLine(ended.tail))) {
      // A last line written whole without its newline (a hand-made file) is a frame like any other.
      take(ended.tail, ended.tailOffset);
      cut = 'none';
    } else if (cut === 'no_gzip_trailer' && ended.tail !== '' && isFrameLine(ended.tail)) {
      take(ended.tail, ended.tailOffset);
    }
    if (lineNo === 0) throw new CaptureError(file, null, 'empty file: not a capture');
    if (cut !== 'none' && part < files.length - 1) {
      throw new CaptureError(file, lineNo + 1, `recording cut short, but ${files[part + 1]} continues it: frames are missing in the middle of the recording`);
    }
    // A member holds the writer's limit plus the batch that crossed it; a huge frame may make it longer (the walk then stops early: still right, slower).
    const members = gzip && memberBytes > 0 ? walkGzipMembers(file, stats.size, 2 * memberBytes + (8 << 20)) : undefined;
    parts.push({ name: basename(file), size: stats.size, mtimeMs: stats.mtimeMs, gzip, header, dataOffset: dataOffset || ended.bytes, bytes: ended.bytes, frames: partFrames, cut, ...(members ? { members } : {}) });
  }
  const blob = Buffer.concat(states.chunks);
  const bookStates: BookStatesInfo = { spacingMs: stateSpacing, bytes: blob.length, sha256: createHash('sha256').update(blob).digest('hex'), keys: states.keys };
  const index: CaptureIndex = { format: CAPTURE_INDEX_FORMAT, version: CAPTURE_INDEX_VERSION, parts, frames, firstT, lastT, checkpointSpacingMs: spacing, timelineStepMs: step, metadata, books, bookStates, timeline, rejected, badTime: times.rejected };
  builtStates.set(index, blob);
  return index;
}

/**
 * Runs every book's own sync over the index pass, as the pipeline does
 * (venue-books.ts: the venue's BookSync from the registry, the book-top
 * cross-check that invalidates a drifted book, a refused book message that
 * invalidates it), and stores a valid book's whole state when its last one is
 * at least `spacing` old. A book that drifted while deep-verifiable is not
 * checkpointed after it: the pipeline then verifies it against REST
 * snapshots (deep-verify.ts), which the index does not follow.
 */
class BookStateBuilder {
  readonly directory = new InstrumentDirectory();
  readonly chunks: Buffer[] = [];
  readonly keys: Record<string, BookStateColumns> = {};
  private bytes = 0;
  private readonly books = new Map<string, { sync: BookSync; truth?: BookTruth; last: number; untracked: boolean }>();
  private readonly touched: string[] = [];

  constructor(
    private readonly spacing: number,
    private readonly limits: CaptureIndexOptions['limits'],
  ) {}

  missed(venue: string, symbol: string): void {
    const held = this.books.get(`${venue}:${symbol}`);
    if (!held) return;
    held.sync.invalidate();
    held.truth?.reset();
  }

  frame(events: readonly MarketEvent[], position: FramePosition): void {
    if (this.spacing <= 0) return;
    const touched = this.touched;
    touched.length = 0;
    for (const event of events) {
      if (event.type === 'quote') {
        const held = this.books.get(`${event.venue}:${event.symbol}`);
        if (!held) continue;
        held.truth ??= new BookTruth();
        this.judge(held, held.truth.onQuote(event, held.sync, position.t));
        continue;
      }
      if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
      const key = `${event.venue}:${event.symbol}`;
      let held = this.books.get(key);
      if (!held) {
        const sync = venueById(event.venue)!.createBookSync(this.directory.resolve(event.venue, event.symbol), this.limits);
        this.books.set(key, (held = { sync, last: -Infinity, untracked: false }));
      }
      if (held.truth) this.judge(held, held.truth.beforeBook(event, held.sync, position.t));
      const result = held.sync.apply(event);
      if (held.truth) this.judge(held, held.truth.afterBook(held.sync, position.t));
      // A snapshot that took is a checkpoint of the index already (`books`): the spacing counts from it.
      if (event.type === 'book_snapshot' && result === 'applied' && held.sync.valid) held.last = position.t;
      else if (!touched.includes(key)) touched.push(key);
    }
    for (const key of touched) {
      const held = this.books.get(key)!;
      if (held.untracked || !held.sync.valid || position.t - held.last < this.spacing) continue;
      const columns = (this.keys[key] ??= { ...emptyColumns(), at: [], length: [] });
      // A frame whose time steps back is not a checkpoint: the times of a book's checkpoints are searched in order.
      if (columns.t.length > 0 && position.t < columns.t[columns.t.length - 1]!) continue;
      const state = held.sync.checkpoint();
      if (state === undefined) continue;
      held.last = position.t;
      const record: BookStateRecord = { key, t: position.t, frame: position.frame, state };
      const chunk = gzipSync(JSON.stringify(record));
      pushPosition(columns, position);
      columns.at.push(this.bytes);
      columns.length.push(chunk.length);
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
  }

  /** As the pipeline judges a cross-check verdict: a drift forgets the book. */
  private judge(held: { sync: BookSync; truth?: BookTruth; untracked: boolean }, verdict: TruthVerdict): void {
    if (verdict !== 'drift') return;
    held.sync.invalidate();
    held.truth!.reset();
    if (held.sync.deepVerifiable) held.untracked = true;
  }
}

/**
 * The state stored by the i-th book-state checkpoint of `key`: from the
 * sidecar next to the index (or from memory for an index built here).
 * Throws a CaptureError when the sidecar does not hold it (damaged, replaced).
 */
export function readBookState(opened: Pick<OpenedCaptureIndex, 'index' | 'path'>, key: string, i: number): BookSyncState {
  const columns = opened.index.bookStates.keys[key];
  if (!columns || i < 0 || i >= columns.t.length) throw new RangeError(`no book-state checkpoint ${i} of ${key}`);
  const at = columns.at[i]!;
  const length = columns.length[i]!;
  const file = bookStatesPath(opened.path);
  let chunk: Buffer;
  const memory = builtStates.get(opened.index);
  if (memory) chunk = memory.subarray(at, at + length);
  else {
    chunk = Buffer.alloc(length);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      throw new CaptureError(file, null, `cannot read the book-state checkpoints: ${(error as NodeJS.ErrnoException).code ?? String(error)}: reopen the index`);
    }
    try {
      let got = 0;
      while (got < length) {
        const n = readSync(fd, chunk, got, length - got, at + got);
        if (n === 0) break;
        got += n;
      }
      if (got < length) throw new CaptureError(file, null, `the book-state checkpoint of ${key} at byte ${at} is past the end of the file: reopen the index`);
    } finally {
      closeSync(fd);
    }
  }
  let record: BookStateRecord;
  try {
    record = JSON.parse(gunzipSync(chunk).toString('utf8')) as BookStateRecord;
  } catch {
    throw new CaptureError(file, null, `the book-state checkpoint of ${key} at byte ${at} is damaged: reopen the index`);
  }
  if (record?.key !== key || record.t !== columns.t[i] || record.frame !== columns.frame[i]) {
    throw new CaptureError(file, null, `the book-state checkpoint at byte ${at} is not the one the index names (${key} at ${columns.t[i]}): reopen the index`);
  }
  return record.state;
}

/**
 * Why a saved index cannot be used for this capture, or null when it can:
 * another format or version, parts added, removed, resized, touched or with
 * another header line, or columns that do not hold together (a damaged file).
 */
export async function staleReason(capture: string, index: unknown, indexPath = captureIndexPath(capture)): Promise<string | null> {
  const shape = shapeProblem(index);
  if (shape !== null) return `corrupt index: ${shape}`;
  const idx = index as CaptureIndex;
  if (idx.bookStates.bytes > 0 || Object.keys(idx.bookStates.keys).length > 0) {
    const file = bookStatesPath(indexPath);
    let size: number | null;
    try {
      size = statSync(file).size;
    } catch {
      size = null;
    }
    if (size === null) return `the book-state checkpoints ${basename(file)} are missing`;
    if (size !== idx.bookStates.bytes) return `${basename(file)} is ${size} bytes, the index names ${idx.bookStates.bytes}`;
  }
  const files = capturePartPaths(capture);
  if (files.length !== idx.parts.length) return `the capture has ${files.length} part(s), the index ${idx.parts.length}`;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const stamp = idx.parts[i]!;
    if (basename(file) !== stamp.name) return `part ${i} is ${basename(file)}, the index has ${stamp.name}`;
    const stats = statSync(file);
    if (stats.size !== stamp.size) return `${basename(file)} is ${stats.size} bytes, the index was built on ${stamp.size}`;
    if (stats.mtimeMs !== stamp.mtimeMs) return `${basename(file)} was modified after the index was built`;
    if (isGzipFile(file) !== stamp.gzip) return `${basename(file)} changed compression`;
    const header = await readLineAt(file, stamp.gzip, 0);
    if (header === null || sha256(withoutCr(header)) !== stamp.header) return `${basename(file)} has another header line`;
  }
  // A few stored positions must still be the frames they name (same size and mtime, other bytes: a copy tool that keeps both).
  const probes = [0, idx.timeline.t.length >> 1, idx.timeline.t.length - 1].filter((i, k, all) => i >= 0 && all.indexOf(i) === k);
  for (const i of probes) {
    const p = positionAt(idx.timeline, i);
    const stamp = idx.parts[p.part]!;
    if (stamp.gzip) continue;
    const line = await readLineAt(files[p.part]!, false, p.offset);
    let t: unknown;
    try {
      t = (JSON.parse(line ?? '') as { t?: unknown }).t;
    } catch {
      t = undefined;
    }
    if (t !== p.t) return `corrupt index: the frame at byte ${p.offset} of ${stamp.name} is not the one it names`;
  }
  return null;
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const idx = value as Partial<CaptureIndex>;
  if (idx.format !== CAPTURE_INDEX_FORMAT) return 'not a capture index';
  if (idx.version !== CAPTURE_INDEX_VERSION) return `version ${String(idx.version)}, this build reads ${CAPTURE_INDEX_VERSION}`;
  if (!Array.isArray(idx.parts) || idx.parts.length === 0) return 'no parts';
  for (const stamp of idx.parts) {
    if (typeof stamp?.name !== 'string' || !isCount(stamp.size) || typeof stamp.mtimeMs !== 'number' || typeof stamp.header !== 'string' || !isCount(stamp.dataOffset) || !isCount(stamp.bytes)) return 'a part stamp is incomplete';
    if (stamp.members !== undefined) {
      const { compressed, decompressed } = stamp.members;
      if (!Array.isArray(compressed) || !Array.isArray(decompressed) || compressed.length !== decompressed.length) return `${stamp.name}: gzip members do not hold together`;
      for (let i = 0; i < compressed.length; i++) {
        const ordered = i === 0 ? compressed[0] === 0 && decompressed[0] === 0 : compressed[i]! > compressed[i - 1]! && decompressed[i]! > decompressed[i - 1]!;
        if (!ordered || !isCount(compressed[i]) || !isCount(decompressed[i]) || compressed[i]! >= stamp.size || decompressed[i]! >= stamp.bytes) return `${stamp.name}: gzip member ${i} is out of place`;
      }
    }
  }
  if (!isCount(idx.frames) || typeof idx.checkpointSpacingMs !== 'number' || typeof idx.timelineStepMs !== 'number') return 'counts missing';
  if (typeof idx.books !== 'object' || idx.books === null) return 'no books';
  const states = idx.bookStates as Partial<BookStatesInfo> | undefined;
  if (typeof states !== 'object' || states === null || typeof states.spacingMs !== 'number' || !isCount(states.bytes) || typeof states.sha256 !== 'string' || typeof states.keys !== 'object' || states.keys === null) return 'no book states';
  for (const [key, columns] of Object.entries(states.keys)) {
    const problem = columnsProblem(columns, idx.parts as PartStamp[], idx.frames, true);
    if (problem !== null) return `bookStates.${key}: ${problem}`;
    const { at, length, t } = columns;
    if (!Array.isArray(at) || !Array.isArray(length) || at.length !== t.length || length.length !== t.length) return `bookStates.${key}: columns of different lengths`;
    for (let i = 0; i < at.length; i++) {
      if (!isCount(at[i]) || !isCount(length[i]) || length[i] === 0 || at[i]! + length[i]! > states.bytes) return `bookStates.${key}: state ${i} is outside the sidecar`;
    }
  }
  const sets: [string, unknown][] = [['metadata', idx.metadata], ['timeline', idx.timeline], ...Object.entries(idx.books).map(([k, v]) => [`books.${k}`, v] as [string, unknown])];
  for (const [name, columns] of sets) {
    const problem = columnsProblem(columns, idx.parts as PartStamp[], idx.frames, name !== 'metadata');
    if (problem !== null) return `${name}: ${problem}`;
  }
  return null;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function columnsProblem(value: unknown, parts: readonly PartStamp[], frames: number, ordered: boolean): string | null {
  if (typeof value !== 'object' || value === null) return 'missing';
  const c = value as PositionColumns;
  const names = ['t', 'part', 'offset', 'frame', 'line'] as const;
  if (!names.every((n) => Array.isArray(c[n]))) return 'a column is missing';
  const n = c.t.length;
  if (!names.every((name) => c[name].length === n)) return 'columns of different lengths';
  for (let i = 0; i < n; i++) {
    const part = c.part[i]!;
    if (!Number.isFinite(c.t[i])) return `time ${i} is not a number`;
    if (ordered && i > 0 && c.t[i]! < c.t[i - 1]!) return `time ${i} is not in order`;
    if (!isCount(part) || part >= parts.length) return `position ${i} names no part`;
    if (!isCount(c.offset[i]) || c.offset[i]! >= parts[part]!.bytes) return `position ${i} is past the end of its part`;
    if (!isCount(c.frame[i]) || c.frame[i]! >= frames || !isCount(c.line[i])) return `position ${i} has a bad frame or line number`;
  }
  return null;
}

/**
 * The capture's index: the saved one when it is current, else built (and
 * saved next to the capture, or at `indexPath`). A stale or corrupt saved
 * index is never used: it is rebuilt and the reason returned.
 */
export async function openCaptureIndex(capture: string, options: CaptureIndexOptions = {}): Promise<OpenedCaptureIndex> {
  const path = options.indexPath ?? captureIndexPath(capture);
  let reason: string | undefined;
  let existed = false;
  if (options.rebuild !== true) {
    let text: string | null = null;
    try {
      text = readFileSync(path, 'utf8');
      existed = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') reason = `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
    if (text !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
        reason = 'corrupt index: not JSON';
      }
      if (parsed !== undefined) {
        reason = (await staleReason(capture, parsed, path)) ?? undefined;
        if (reason === undefined) return { index: parsed as CaptureIndex, path, status: 'loaded', saved: true, buildMs: 0 };
      }
    }
  } else {
    reason = 'rebuild asked for';
    existed = true;
  }
  const started = performance.now();
  const index = await buildCaptureIndex(capture, options);
  const buildMs = performance.now() - started;
  const status = existed || reason !== undefined ? 'rebuilt' : 'built';
  const base = { index, path, status, ...(reason === undefined ? {} : { reason }), buildMs } as const;
  if (options.save === false) return { ...base, saved: false };
  try {
    saveCaptureIndex(path, index);
    return { ...base, saved: true };
  } catch (error) {
    return { ...base, saved: false, saveError: `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

/** Writes the index whole or not at all (a temp file renamed over it): a reader never sees half an index. */
export function saveCaptureIndex(path: string, index: CaptureIndex): void {
  // The book states first: an index is never on disk before the sidecar it names.
  const states = builtStates.get(index);
  if (states) writeWhole(bookStatesPath(path), states);
  writeWhole(path, JSON.stringify(index));
}

function writeWhole(path: string, data: string | Buffer): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
    throw error;
  }
}
