import type { LimitsSettings } from '../../shared/config';
import { captureLineReader, type CaptureLineReader } from './capture-line';
import { FrameTimeGuard } from '../pipeline/frame-time';
import { venueById } from '../venues/registry';
import type { RawFrame } from '../feed/raw-frame';
import type { VenueMapper } from '../venues/venue';
import { CaptureError, capturePartPaths, isBlankLine, isFrameLine, parseCaptureFrame, withoutCr } from './capture-format';
import { readLineAt, readLineRange, type LineRangeEnd } from './capture-range';
import { memberFor } from './gzip-members';
import { lastAtOrBefore, positionAt, type FramePosition, type OpenedCaptureIndex } from './capture-index';

// Stepping frame by frame around an instant (docs/seek.md, "The console"):
// the frames that touch one instrument's book (a snapshot, a diff, or a book
// message the mapper refused, which invalidates the book) found by reading
// the capture from an index position near the instant through the venues'
// own mappers. The index stores no per-frame positions; it bounds the read.

/** Where a step starts looking back from: doubled until a frame is found or the capture's start is reached. */
const FIRST_WINDOW_MS = 2_000;

export interface BookFrameOptions {
  /** The instrument, `venue:symbol`. */
  readonly key: string;
  readonly index: OpenedCaptureIndex;
  readonly limits?: Partial<LimitsSettings>;
  readonly signal?: AbortSignal;
}

/** Times of frames touching an instrument's book around an instant (capture time, epoch ms). */
export interface BookFramesAround {
  /** The last such frame at or before the instant: the frame whose book a seek to the instant shows; null when none. */
  readonly current: number | null;
  /** The last such frame before `current` (the step back); null when none. */
  readonly previous: number | null;
  /** Frames read to find them. */
  readonly scanned: number;
}

export interface BookFrameAfter {
  /** The first frame touching the book after the instant; null when the capture has none. */
  readonly next: number | null;
  readonly scanned: number;
}

/** The book frames at and before `at` (see {@link BookFramesAround}). */
export async function bookFramesAround(capture: string, at: number, options: BookFrameOptions): Promise<BookFramesAround> {
  const { index } = options.index;
  if (index.firstT === null) return { current: null, previous: null, scanned: 0 };
  let scanned = 0;
  for (let window = FIRST_WINDOW_MS; ; window *= 2) {
    const from = at - window;
    const start = lastAtOrBefore(index.timeline, from) ?? positionAt(index.timeline, 0);
    // The two latest distinct times at or before `at` inside this window.
    let current: number | null = null;
    let previous: number | null = null;
    scanned += await scanBookFrames(capture, start, at, options, (t) => {
      if (current === null || t > current) {
        previous = current;
        current = t;
      } else if (t < current && (previous === null || t > previous)) previous = t;
      return true;
    });
    // Both found (every frame of the window was seen), or the window reaches back to the capture's start.
    const whole = start.frame === index.timeline.frame[0];
    if (previous !== null || whole) return { current, previous, scanned };
    if (options.signal?.aborted) return { current, previous, scanned };
  }
}

/** The first frame touching the book after `at`. */
export async function bookFrameAfter(capture: string, at: number, options: BookFrameOptions): Promise<BookFrameAfter> {
  const { index } = options.index;
  if (index.firstT === null) return { next: null, scanned: 0 };
  const start = lastAtOrBefore(index.timeline, at) ?? positionAt(index.timeline, 0);
  // A later snapshot of the instrument touches its book: nothing past it needs reading.
  const checkpoints = index.books[options.key];
  let bound = Infinity;
  if (checkpoints) {
    for (let i = 0; i < checkpoints.t.length; i++) {
      if (checkpoints.t[i]! > at) {
        bound = checkpoints.t[i]!;
        break;
      }
    }
  }
  let next: number | null = null;
  const scanned = await scanBookFrames(capture, start, bound, options, (t) => {
    if (t <= at) return true;
    next = t;
    return false;
  });
  return { next: next ?? (Number.isFinite(bound) ? bound : null), scanned };
}

/**
 * Reads the capture from `start`, mapping every frame, and calls `visit` with
 * the time of each frame that touches `key`'s book, until `visit` returns
 * false, a frame is later than `until`, or the capture ends. Returns frames read.
 */
async function scanBookFrames(capture: string, start: FramePosition, until: number, options: BookFrameOptions, visit: (t: number) => boolean): Promise<number> {
  const { index } = options.index;
  const files = capturePartPaths(capture);
  if (files.length !== index.parts.length) throw new CaptureError(capture, null, `the index names ${index.parts.length} part(s), ${files.length} exist: reopen the index`);
  const colon = options.key.indexOf(':');
  const venue = options.key.slice(0, colon);
  const symbol = options.key.slice(colon + 1);
  const mappers = new Map<string, VenueMapper>();
  const mapperOf = (frame: RawFrame, file: string, line: number): VenueMapper => {
    let mapper = mappers.get(frame.venue);
    if (!mapper) {
      const v = venueById(frame.venue);
      if (!v) throw new CaptureError(file, line, `unknown venue "${frame.venue}"`);
      mappers.set(frame.venue, (mapper = v.createMapper(options.limits)));
    }
    return mapper;
  };
  // Instrument metadata up to the start first, as a replay from the beginning has read it.
  for (let i = 0; i < index.metadata.t.length; i++) {
    const p = positionAt(index.metadata, i);
    if (p.frame >= start.frame) continue;
    const file = files[p.part]!;
    const stamp = index.parts[p.part]!;
    const text = await readLineAt(file, stamp.gzip, p.offset, memberFor(stamp.members, p.offset));
    if (text === null) throw new CaptureError(file, p.line, 'the index names a line past the end of the file: reopen the index');
    const frame = parseCaptureFrame(file, p.line, withoutCr(text));
    mapperOf(frame, file, p.line).map(frame);
  }
  const times = new FrameTimeGuard();
  let scanned = 0;
  /** One line; false to stop. */
  const take = (file: string, reader: CaptureLineReader, lineNo: number, text: string): boolean => {
    if (isBlankLine(text)) return true;
    const frame = reader.parse(lineNo, text);
    scanned++;
    if (!times.accept(frame.t)) return true;
    if (frame.t > until) return false;
    const result = mapperOf(frame, file, lineNo).map(frame);
    let touches = false;
    if (result.kind === 'events') {
      for (const event of result.events) {
        if ((event.type === 'book_snapshot' || event.type === 'book_delta') && event.symbol === symbol && event.venue === venue) {
          touches = true;
          break;
        }
      }
    } else if (result.kind === 'rejected') touches = result.symbol === symbol && frame.venue === venue;
    return touches ? visit(frame.t) : true;
  };
  for (let part = start.part; part < files.length; part++) {
    const file = files[part]!;
    const stamp = index.parts[part]!;
    const from = part === start.part ? start.offset : stamp.dataOffset;
    const reader = captureLineReader(file);
    let lineNo = part === start.part ? start.line - 1 : 1;
    let end: LineRangeEnd | null = null;
    for await (const { texts } of readLineRange(file, stamp.gzip, from, (e) => (end = e), memberFor(stamp.members, from))) {
      for (const text of texts) {
        if (options.signal?.aborted) return scanned;
        if (!take(file, reader, ++lineNo, text)) return scanned;
      }
    }
    const ended = end as LineRangeEnd | null;
    if (ended !== null && ended.tail !== '' && stamp.cut !== 'unterminated' && isFrameLine(ended.tail)) {
      if (!take(file, reader, lineNo + 1, ended.tail)) return scanned;
    }
  }
  return scanned;
}
