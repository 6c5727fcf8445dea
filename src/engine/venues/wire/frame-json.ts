import { DEFAULT_LIMITS, type LimitsSettings } from '../../../shared/config';
import type { RawFrame } from '../../feed/raw-frame';
import type { MapResult, RejectReason } from '../venue';

/**
 * The mappers' bounded JSON decoding, the same for every venue.
 *
 * Size: a frame longer than the limit of its kind is refused before it is
 * parsed (`too_large`). Live, the socket and the REST client already stop
 * such messages; this catches replayed captures and keeps one rule.
 *
 * Depth: V8's JSON.parse is iterative and survives any nesting (tested at
 * 100,000 levels); what overflowed the stack on a 5,000-deep frame was code
 * that walks a parsed value recursively (String(), JSON.stringify in reject
 * details). Those walks are gone from the mappers, and anything that still
 * throws is caught in `guardMapper`. No venue nests deeper than 6, so a
 * rejected frame nested past MAX_JSON_DEPTH is reported as `too_deep`. A
 * depth scan of every frame before parsing was measured at 60% of the cost
 * of JSON.parse on the real captures, so the depth is measured only once a
 * frame has been refused for its shape, which a deep frame always is: every
 * field the mappers read is a string, a number or a shallow list.
 */

/** Deeper than any venue's messages (exchangeInfo, the deepest, has 4 levels). */
export const MAX_JSON_DEPTH = 32;

/** Largest frame per kind, in UTF-16 code units (never fewer than the UTF-8 bytes of the same text). */
export interface FrameSizeLimits {
  readonly ws: number;
  readonly rest: number;
}

export function frameSizeLimits(limits?: Partial<LimitsSettings>): FrameSizeLimits {
  return {
    ws: limits?.wsMaxPayloadBytes ?? DEFAULT_LIMITS.wsMaxPayloadBytes,
    rest: limits?.restBodyBytes ?? DEFAULT_LIMITS.restBodyBytes,
  };
}

/** A reason to refuse the frame before parsing it, or undefined. */
export function oversize(frame: RawFrame, sizes: FrameSizeLimits): MapResult | undefined {
  const max = frame.kind === 'rest' ? sizes.rest : sizes.ws;
  if (frame.data.length <= max) return undefined;
  return { kind: 'rejected', reason: 'too_large', detail: `${frame.kind} frame of ${frame.data.length} characters, limit ${max}` };
}

/** True when the JSON text nests arrays and objects deeper than `max` (strings skipped, escapes honoured). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i += 1; i < n; i += 1) {
        const d = text.charCodeAt(i);
        if (d === 34) break;
        if (d === 92 /* \ */) i += 1;
      }
    } else if (c === 91 || c === 123 /* [ { */) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 93 || c === 125 /* ] } */) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Runs a mapper's decoding so that nothing escapes as an exception: a refusal
 * of a deeply nested frame becomes `too_deep` (keeping the book's symbol, so
 * the book is still invalidated), and an unexpected exception, which only
 * hostile input has produced so far, is a counted `unknown_message` with
 * its message rather than a dead feed.
 */
export function guardMapper(frame: RawFrame, map: () => MapResult): MapResult {
  let result: MapResult;
  try {
    result = map();
  } catch (error) {
    const deep = nestsDeeperThan(frame.data, MAX_JSON_DEPTH);
    return {
      kind: 'rejected',
      reason: deep ? 'too_deep' : 'unknown_message',
      detail: deep ? `JSON nested deeper than ${MAX_JSON_DEPTH}` : `mapper error: ${error instanceof Error ? error.message : 'unknown'}`,
    };
  }
  if (result.kind !== 'rejected' || result.reason === 'too_large' || result.reason === 'bad_json') return result;
  if (!nestsDeeperThan(frame.data, MAX_JSON_DEPTH)) return result;
  return { ...result, reason: 'too_deep' satisfies RejectReason, detail: `JSON nested deeper than ${MAX_JSON_DEPTH} (${result.detail})` };
}
