import { FRAME_LINE, parseCaptureFrame } from './capture-format';
import type { RawFrame } from '../feed/raw-frame';
import { copyOf } from '../decode/json-cursor';

/**
 * Capture lines read without a JSON.parse of the whole line (docs/decoder.md).
 *
 * The writer always writes the line of capture-format.ts `FRAME_LINE`
 * (`serializeFrameLine`):
 * `{"t":N,"venue":"..","kind":"ws"|"rest","url":"..","data":"..."}` with
 * optional `"conn":".."` and `"status":N` after `data`. A line of exactly that
 * shape is read here: only the `data` string literal goes through
 * JSON.parse (its escapes are the one costly part, and V8 unescapes a string
 * literal far faster than it builds the line's object); `venue` and `url`
 * are kept from the previous line when they repeat, which they nearly always
 * do. Any other line, hand-made or damaged, goes to the full parser, which
 * accepts what JSON allows and names the line and field at fault.
 */

/** Where the data string of a writer's line ends: these keys can follow it, and cannot occur inside it (its quotes are escaped). */
const CONN_KEY = FRAME_LINE.conn;
const STATUS_KEY = FRAME_LINE.status;
const { start: START, venue: VENUE_KEY, kindWsUrl: KIND_WS_URL, kindRestUrl: KIND_REST_URL, data: DATA_KEY } = FRAME_LINE;
/** How far from the end of a line `conn` and `status` are looked for. */
const SUFFIX_SEARCH = 256;

/** JSON's number grammar, for a `t` or `status` the quick digit reader leaves to Number(). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class CaptureLineReader {
  private venue = '';
  private url = '';

  constructor(
    /** The full parser: what every line not of the writer's shape is read with. */
    private readonly fallback: (lineNo: number, text: string) => RawFrame,
  ) {}

  /** One frame line -> its frame; a line the quick path does not recognise exactly is parsed in full. */
  parse(lineNo: number, text: string): RawFrame {
    return this.quick(text) ?? this.fallback(lineNo, text);
  }

  private quick(text: string): RawFrame | undefined {
    if (!text.startsWith(START)) return undefined;
    let pos = START.length;
    const tEnd = text.indexOf(',', pos);
    if (tEnd < 0) return undefined;
    const t = jsonNumber(text, pos, tEnd);
    if (!Number.isFinite(t)) return undefined;
    pos = tEnd;
    if (!text.startsWith(VENUE_KEY, pos)) return undefined;
    pos += VENUE_KEY.length;
    const venueEnd = text.indexOf('"', pos);
    if (venueEnd <= pos) return undefined;
    const venue = this.sameVenue(text, pos, venueEnd);
    if (venue === undefined) return undefined;
    pos = venueEnd + 1;
    let kind: RawFrame['kind'];
    if (text.startsWith(KIND_WS_URL, pos)) {
      kind = 'ws';
      pos += KIND_WS_URL.length;
    } else if (text.startsWith(KIND_REST_URL, pos)) {
      kind = 'rest';
      pos += KIND_REST_URL.length;
    } else {
      return undefined;
    }
    const urlEnd = text.indexOf('"', pos);
    if (urlEnd < 0) return undefined;
    const url = this.sameUrl(text, pos, urlEnd);
    if (url === undefined) return undefined;
    pos = urlEnd + 1;
    if (!text.startsWith(DATA_KEY, pos)) return undefined;
    // The data literal starts at its opening quote (the key's last character).
    const dataStart = pos + DATA_KEY.length - 1;
    // The data literal ends before the first optional key, or before the closing brace. The keys
    // are looked for only near the end: one written further back (a long conn id) leaves a
    // "literal" that JSON.parse refuses, and the line goes to the full parser.
    const tail = Math.max(dataStart, text.length - SUFFIX_SEARCH);
    let dataEnd = text.indexOf(CONN_KEY, tail);
    const statusAt = text.indexOf(STATUS_KEY, tail);
    if (dataEnd < 0 || (statusAt >= 0 && statusAt < dataEnd)) dataEnd = statusAt;
    if (dataEnd < 0) dataEnd = text.length - 1;
    if (text.charCodeAt(dataEnd - 1) !== 34 /* " */ || dataEnd - 1 <= dataStart) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(text.slice(dataStart, dataEnd));
    } catch {
      return undefined;
    }
    if (typeof data !== 'string') return undefined;
    pos = dataEnd;
    let conn: string | undefined;
    let status: number | undefined;
    if (text.startsWith(CONN_KEY, pos)) {
      pos += CONN_KEY.length;
      const end = plainStringEnd(text, pos);
      if (end < 0) return undefined;
      conn = copyOf(text, pos, end);
      pos = end + 1;
    }
    if (text.startsWith(STATUS_KEY, pos)) {
      pos += STATUS_KEY.length;
      const end = text.length - 1;
      status = jsonNumber(text, pos, end);
      if (!Number.isFinite(status)) return undefined;
      pos = end;
    }
    if (pos !== text.length - 1 || text.charCodeAt(pos) !== 125 /* } */) return undefined;
    const frame: { -readonly [K in keyof RawFrame]: RawFrame[K] } = { t, venue, kind, url, data };
    if (conn !== undefined) frame.conn = conn;
    if (status !== undefined) frame.status = status;
    return frame;
  }

  /**
   * The previous line's venue when this one repeats it (one string for all),
   * else a copy; undefined when the text has an escape or a control
   * character (the full parser reads those). Compared as a slice: V8's string
   * equality is a block compare, a character loop is many times slower.
   */
  private sameVenue(text: string, start: number, end: number): string | undefined {
    if (end - start === this.venue.length && text.slice(start, end) === this.venue) return this.venue;
    if (!plain(text, start, end)) return undefined;
    return (this.venue = copyOf(text, start, end));
  }

  private sameUrl(text: string, start: number, end: number): string | undefined {
    if (end - start === this.url.length && text.slice(start, end) === this.url) return this.url;
    if (!plain(text, start, end)) return undefined;
    return (this.url = copyOf(text, start, end));
  }
}

/** The line reader of one capture file: a line not of the writer's shape is parsed in full, errors naming `file:line`. */
export function captureLineReader(file: string): CaptureLineReader {
  return new CaptureLineReader((lineNo, text) => parseCaptureFrame(file, lineNo, text));
}

/** text[start, end) has no escape and no control character: the string's value is its text. */
function plain(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ || c < 32) return false;
  }
  return true;
}

/** Index of the quote closing a string that starts at `start` and has no escapes or control characters; -1 otherwise. */
function plainStringEnd(text: string, start: number): number {
  const end = text.indexOf('"', start);
  if (end < 0) return -1;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ || c < 32) return -1;
  }
  return end;
}

/** Exact powers of ten for {@link jsonNumber}. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A JSON number in text[start, end): its value, or NaN when the text is not
 * one. One pass checks the grammar and gathers the digits; up to 15 digits
 * without an exponent the value is one exact division (as Number() rounds
 * it), anything longer goes to Number().
 */
function jsonNumber(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === 45; /* - */
  if (negative) i += 1;
  const intStart = i;
  let mantissa = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mantissa = mantissa * 10 + (c - 48);
    i += 1;
  }
  let digits = i - intStart;
  if (digits === 0 || (digits > 1 && text.charCodeAt(intStart) === 48)) return NaN;
  let scale = 0;
  if (i < end && text.charCodeAt(i) === 46 /* . */) {
    i += 1;
    const fracStart = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      mantissa = mantissa * 10 + (c - 48);
      i += 1;
    }
    scale = i - fracStart;
    if (scale === 0) return NaN;
    digits += scale;
  }
  if (i < end) return JSON_NUMBER.test(text.slice(start, end)) ? Number(text.slice(start, end)) : NaN;
  if (digits > 15) return Number(text.slice(start, end));
  const value = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -value : value;
}
