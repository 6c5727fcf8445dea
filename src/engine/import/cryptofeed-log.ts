import { basename } from 'node:path';
import type { VenueId } from '../../shared/core/model';
import type { RawFrame } from '../feed/raw-frame';
import { readLineBatches } from './line-reader';
import type { ReasonTally } from './import-tally';

/**
 * cryptofeed raw data collection logs -> capture frames. cryptofeed's
 * `AsyncFileCallback` (cryptofeed/raw_data_collection.py, the layout of the
 * project's `sample_data/`, read for this module on 2026-12-01) writes one
 * file per connection (`BINANCE.ws.1.0`, `BINANCE.http.0.0`, `BINANCE.0`),
 * one line per event, the time being the local receive time in seconds
 * (Python `time.time()`):
 *
 * - `configuration: {...}`: the feed's channels and symbols (a header);
 * - `<url> <-> <time>`: a websocket connection to `url` opened;
 * - `<url> <- <time>: <text>`: a message we sent (not part of a capture);
 * - `<url> -> <time>: <body>`: an HTTP response to `url` (REST snapshots, exchangeInfo);
 * - `<time>: <text>`: a websocket message received on the file's connection.
 *
 * These are the venue's raw frames, so they are written as they are and go
 * through the real mappers and book syncs on replay: Binance diff depth
 * against its REST snapshots, OKX books with their checksums. The venue comes
 * from the URL's host (the connection's, for received messages), else from
 * the file name. Lines the layout does not allow (no time, a time that goes
 * back, a message before any connection line in a file that names no venue,
 * a venue the console does not speak, a binary `b'...'` message) are counted
 * and named, never guessed.
 */

/** Hosts -> venues. */
const HOSTS: readonly (readonly [RegExp, VenueId | null])[] = [
  [/^(stream|api|data-api|data-stream)\.binance\.(com|vision)$/, 'binance-spot'],
  [/^(fstream|fapi)\.binance\.com$/, 'binance-usdm'],
  [/^(dstream|dapi)\.binance\.com$/, 'binance-coinm'],
  [/^(www\.|test\.)?deribit\.com$/, null],
  [/^(ws|wsaws|www|aws|wspap)\.(okx|okex)\.com$/, 'okx'],
];

/** cryptofeed feed ids (file name prefixes) -> venues. */
const FEEDS: Readonly<Record<string, VenueId | null>> = {
  BINANCE: 'binance-spot',
  BINANCE_FUTURES: 'binance-usdm',
  BINANCE_DELIVERY: 'binance-coinm',
  DERIBIT: null,
  OKX: 'okx',
  OKEX: 'okx',
};

/** The venue of a URL's host; null: a venue the console does not speak; undefined: unknown host. */
export function venueOfUrl(url: string): VenueId | null | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  for (const [pattern, venue] of HOSTS) if (pattern.test(host)) return venue;
  return undefined;
}

/** The venue a file's name implies (`BINANCE_FUTURES.ws.5.0`, `OKX-1a2b3c.0`). */
export function venueOfLogName(path: string): VenueId | null | undefined {
  const feed = /^([A-Z0-9_]+?)(?:-[0-9a-f]+)?\./.exec(basename(path))?.[1];
  return feed === undefined ? undefined : FEEDS[feed];
}

/** A cryptofeed time (seconds, decimal) -> epoch ms, digit for digit (no binary rounding of the product). */
export function secondsToMs(text: string): number | undefined {
  const m = /^(\d{9,11})(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(3, '0');
  return Number(`${m[1]}${frac.slice(0, 3)}${frac.length > 3 ? `.${frac.slice(3)}` : ''}`);
}

/** Does this file look like a cryptofeed log (its first non-empty line)? */
export function isCryptofeedLine(line: string): boolean {
  return /^configuration: /.test(line) || /^\S+ (<->|<-|->) \d{9,11}(\.\d+)?/.test(line) || /^\d{9,11}(\.\d+)?: /.test(line);
}

export interface CryptofeedFileResult {
  lines: number;
  frames: number;
  /** Lines we sent (subscriptions, pings) and connection lines: not frames. */
  notFrames: number;
}

const RECEIVED = /^(\d{9,11}(?:\.\d+)?): /;
const HTTP = /^(\S+) -> (\d{9,11}(?:\.\d+)?): /;
const SENT = /^(\S+) <- (\d{9,11}(?:\.\d+)?): /;
const CONNECT = /^(\S+) <-> (\d{9,11}(?:\.\d+)?)\s*$/;

/**
 * Reads one cryptofeed log into frames (batches in file order). The file's
 * name (without the rotation number) is the frames' `conn`, which tells two
 * sockets of one venue apart.
 */
export async function* readCryptofeedFile(path: string, rejected: ReasonTally, result: CryptofeedFileResult): AsyncGenerator<RawFrame[], void, undefined> {
  const name = basename(path);
  const conn = name.replace(/\.\d+$/, '');
  const fileVenue = venueOfLogName(path);
  let wsUrl: string | null = null;
  let wsVenue: VenueId | null | undefined = undefined;
  let last = -Infinity;
  const onLongLine = ({ line, bytes }: { line: number; bytes: number }): void => {
    result.lines++;
    rejected.add('line_too_long', name, line, `${bytes} bytes without a newline`);
  };
  for await (const batch of readLineBatches(path, { onLongLine })) {
    const out: RawFrame[] = [];
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      const line = batch.firstLine + i;
      if (text === '') continue;
      result.lines++;
      const refuse = (reason: string, detail: string): void => rejected.add(reason, name, line, `${detail}: ${text.slice(0, 100)}`);
      if (text.startsWith('configuration: ')) {
        result.notFrames++;
        continue;
      }
      let m = CONNECT.exec(text);
      if (m) {
        result.notFrames++;
        wsUrl = m[1]!;
        wsVenue = venueOfUrl(wsUrl) ?? fileVenue;
        continue;
      }
      if (SENT.test(text)) {
        result.notFrames++;
        continue;
      }
      let kind: 'ws' | 'rest';
      let url: string;
      let venue: VenueId | null | undefined;
      let timeText: string;
      let data: string;
      if ((m = HTTP.exec(text))) {
        kind = 'rest';
        url = m[1]!;
        venue = venueOfUrl(url) ?? fileVenue;
        timeText = m[2]!;
        data = text.slice(m[0].length);
      } else if ((m = RECEIVED.exec(text))) {
        kind = 'ws';
        url = wsUrl ?? '';
        venue = wsUrl === null ? fileVenue : wsVenue;
        timeText = m[1]!;
        data = text.slice(m[0].length);
      } else {
        refuse('not_a_log_line', 'neither "<time>: <message>", "<url> -> <time>: <body>", "<url> <- <time>: ...", "<url> <-> <time>" nor "configuration: "');
        continue;
      }
      const t = secondsToMs(timeText);
      if (t === undefined) {
        refuse('bad_time', `time ${timeText} is not seconds since the epoch`);
        continue;
      }
      if (venue === undefined) {
        refuse('unknown_venue', wsUrl === null && kind === 'ws' ? 'a message before any connection line, in a file whose name names no venue' : `no venue for ${url || name}`);
        continue;
      }
      if (venue === null) {
        refuse('venue_not_spoken', `${url || name} is a venue the console does not replay`);
        continue;
      }
      if (t < last) {
        refuse('unsorted_time', `time ${timeText} is before the previous line's`);
        continue;
      }
      if (/^b['"]/.test(data)) {
        // cryptofeed writes compressed frames (OKEx v3, Huobi) as Python bytes literals: not the text a venue mapper reads.
        refuse('binary_message', 'a Python bytes literal (a compressed frame)');
        continue;
      }
      last = t;
      out.push(kind === 'ws' ? { t, venue, kind, url, data, conn } : { t, venue, kind, url, data });
    }
    result.frames += out.length;
    if (out.length > 0) yield out;
  }
}
