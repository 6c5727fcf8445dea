import { guardMapper, oversize, type FrameSizeLimits } from './frame-json';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult } from '../venue';
import { clip, reject, WireReject } from './reject';

/**
 * The one safe way to run a venue mapper's decoding, the same for every
 * venue, in this order (`decode` and `hot` are made once per mapper, not per
 * frame: this runs on every frame of a replay):
 *
 * 1. a REST frame with an HTTP error status is `http_error` (the body is not
 *    read, whatever its size);
 * 2. a frame over its size limit is `too_large`, before anything reads it
 *    (frame-json.ts `oversize`);
 * 3. the venue's hot decoder, when it has one (docs/decoder.md): its events,
 *    or undefined and
 * 4. `decode`, the JSON path: `parseJson` and the field readers. A
 *    WireReject thrown in 3 or 4 becomes its `rejected` result (with the
 *    book's symbol when `forBook` put it on);
 * 5. all of it inside frame-json.ts `guardMapper`: a refusal of a frame
 *    nested past MAX_JSON_DEPTH is `too_deep` (symbol kept), and any other
 *    exception is a counted `unknown_message`, never a thrown one.
 */
export function mapFrame(
  frame: RawFrame,
  sizes: FrameSizeLimits,
  decode: (frame: RawFrame) => MapResult,
  hot?: (frame: RawFrame) => MapResult | undefined,
): MapResult {
  return guardMapper(frame, () => {
    if (frame.kind === 'rest' && frame.status !== undefined && frame.status >= 400) {
      return { kind: 'rejected', reason: 'http_error', detail: `HTTP ${frame.status} from ${pathOf(frame.url)}: ${clip(frame.data, 40)}` };
    }
    const tooLarge = oversize(frame, sizes);
    if (tooLarge !== undefined) return tooLarge;
    try {
      return hot?.(frame) ?? decode(frame);
    } catch (error) {
      if (error instanceof WireReject) return error.result();
      throw error;
    }
  });
}

/** The frame's JSON value; unparseable text is `bad_json`. One call per frame (inside `mapFrame`). */
export function parseJson(frame: RawFrame): unknown {
  try {
    return JSON.parse(frame.data) as unknown;
  } catch {
    return reject('bad_json', `${frame.kind} frame of ${frame.data.length} characters is not JSON: ${clip(frame.data, 40)}`);
  }
}

/** Path of a URL without scheme, host or query; tolerant of relative URLs. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  const noQuery = query === -1 ? url : url.slice(0, query);
  const scheme = noQuery.indexOf('://');
  if (scheme === -1) return noQuery;
  const slash = noQuery.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : noQuery.slice(slash);
}

/** A parameter of a URL's query, or undefined when absent or empty. */
export function queryParam(url: string, name: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  const value = new URLSearchParams(url.slice(query + 1)).get(name);
  return value === null || value === '' ? undefined : value;
}
