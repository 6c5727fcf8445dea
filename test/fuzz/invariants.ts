import { FrameTimeGuard } from '../../src/engine/pipeline/frame-time';
import { VenueBooks } from '../../src/engine/pipeline/venue-books';
import { venueById } from '../../src/engine/venues/registry';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { RejectReason, VenueMapper } from '../../src/engine/venues/venue';
import type { LimitsSettings } from '../../src/shared/config';
import { mulberry32 } from '../support/prng';
import { FLOOD_LEVELS, mutateCapture } from './mutator';

/**
 * The fuzz invariants (issue 10, "Done when"), checked on the real path:
 * VenueBooks with the real mappers, syncs and books, as replay and the feed
 * workers run them.
 *
 * - no crash: `ingest` never throws;
 * - every rejection counted by reason: the counts VenueBooks keeps equal what
 *   the mappers (and the frame-time guard) said of each frame, and every
 *   reason is one of `RejectReason`;
 * - every final book either equals the unmutated run's book or is invalid;
 * - a refused book message leaves its book invalid at once (the next message
 *   would often reveal the hole too, but samples taken before it would not).
 *
 * A hang shows as a case that never returns: vitest's test timeout in the
 * suite, the per-case time in `npm run fuzz`.
 */

/** Small enough that the `oversize` mutation crosses them, large enough for every real frame. */
export const FUZZ_LIMITS: Partial<LimitsSettings> = {
  wsMaxPayloadBytes: 1024 * 1024,
  restBodyBytes: 4 * 1024 * 1024,
  // Twice the largest real book side (SUSHIUSDT, 1006 bids): the level_flood mutation crosses it.
  bookLevelsPerSide: FLOOD_LEVELS - 1,
};

const REASONS: ReadonlySet<string> = new Set<RejectReason>([
  'bad_json',
  'missing_field',
  'bad_number',
  'negative_size',
  'unknown_message',
  'http_error',
  'venue_error',
  'bad_time',
  'too_deep',
  'too_large',
  'too_many_levels',
]);

/** A book as compared: validity and both sides as `price:size` (numbers, so "7.612" equals "7.6120"). */
export interface BookPicture {
  readonly valid: boolean;
  readonly bids: string;
  readonly asks: string;
}

function picture(books: VenueBooks): Map<string, BookPicture> {
  const out = new Map<string, BookPicture>();
  for (const state of books.instrumentStates()) {
    const sync = state.sync;
    if (!sync) continue;
    const side = (s: 'bid' | 'ask'): string => {
      const parts: string[] = [];
      sync.book.forEachOutward(s, (level) => {
        parts.push(`${level.price}:${level.size}`);
        return true;
      });
      return parts.join(',');
    };
    out.set(state.key, { valid: sync.valid, bids: side('bid'), asks: side('ask') });
  }
  return out;
}

function newBooks(): VenueBooks {
  return new VenueBooks({ staleTimeoutMs: 5_000, depthBandsBps: [10, 25], limits: FUZZ_LIMITS });
}

/** The unmutated run of a capture: what its books must be, and which frames are each book's last ones. */
export interface Reference {
  readonly name: string;
  readonly frames: readonly RawFrame[];
  readonly books: ReadonlyMap<string, BookPicture>;
  /**
   * Frames a mutation must not touch: the last book messages of each book,
   * and the frame before each (a swap would move it). A book can only notice
   * that it lost a message when a later one arrives, so a mutation there
   * would be invisible to any book builder.
   */
  readonly protect: ReadonlySet<number>;
  /** Binance: sequence numbers reveal a dropped or reordered diff. */
  readonly sequenced: boolean;
  /** Rejections of the unmutated run: none, or the limits are too tight for real data. */
  readonly rejected: Readonly<Record<string, number>>;
}

export function reference(name: string, frames: readonly RawFrame[], keep = 3): Reference {
  const books = newBooks();
  for (const frame of frames) books.ingest(frame);
  const lastOf = new Map<string, number[]>();
  const mappers = new Map<string, VenueMapper>();
  frames.forEach((frame, index) => {
    let mapper = mappers.get(frame.venue);
    if (!mapper) mappers.set(frame.venue, (mapper = venueById(frame.venue)!.createMapper(FUZZ_LIMITS)));
    const result = mapper.map(frame);
    if (result.kind !== 'events') return;
    for (const event of result.events) {
      if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
      const list = lastOf.get(event.symbol) ?? [];
      list.push(index);
      if (list.length > keep) list.shift();
      lastOf.set(event.symbol, list);
    }
  });
  const protect = new Set<number>([frames.length - 1]);
  for (const list of lastOf.values()) for (const i of list) protect.add(i).add(i - 1);
  return {
    name,
    frames,
    books: picture(books),
    protect,
    sequenced: frames.some((f) => f.venue.startsWith('binance')),
    rejected: { ...books.counters.rejected },
  };
}

export interface CaseOutcome {
  readonly framesTried: number;
  readonly mutations: readonly string[];
  readonly rejected: Readonly<Record<string, number>>;
  /** Broken invariants, in words; empty when the case passed. */
  readonly findings: string[];
  /** Books that ended invalid because of the mutations. */
  readonly invalidated: number;
}

/** One fuzz case: mutate the reference capture with `seed`, replay it, check the invariants. */
export function runCase(ref: Reference, seed: number, count: number): CaseOutcome {
  const rng = mulberry32(seed);
  const { frames, mutations } = mutateCapture(ref.frames, rng, { count, protect: ref.protect, sequenced: ref.sequenced });
  const findings: string[] = [];
  const books = newBooks();
  const guard = new FrameTimeGuard();
  const mappers = new Map<string, VenueMapper>();
  const expected: Record<string, number> = {};
  let expectedIgnored = 0;
  for (let i = 0; i < frames.length; i += 1) {
    const frame = frames[i]!;
    try {
      books.ingest(frame);
    } catch (error) {
      findings.push(`ingest threw on frame ${i}: ${error instanceof Error ? error.message : String(error)}`);
      break;
    }
    if (!guard.accept(frame.t)) {
      expected.bad_time = (expected.bad_time ?? 0) + 1;
      continue;
    }
    let mapper = mappers.get(frame.venue);
    if (!mapper) mappers.set(frame.venue, (mapper = venueById(frame.venue)!.createMapper(FUZZ_LIMITS)));
    const result = mapper.map(frame);
    if (result.kind === 'rejected') {
      expected[result.reason] = (expected[result.reason] ?? 0) + 1;
      // Never a valid flag on a book that missed an update, not even until the next message shows the hole.
      const sync = result.symbol === undefined ? undefined : books.instrumentStates().find((s) => s.key === `${frame.venue}:${result.symbol}`)?.sync;
      if (sync?.valid) findings.push(`frame ${i} (${result.reason}) was refused but ${frame.venue}:${result.symbol} stayed valid`);
    } else if (result.kind === 'ignored') expectedIgnored += 1;
  }
  const counted: Record<string, number> = { ...books.counters.rejected };
  delete counted.too_many_levels;
  for (const reason of Object.keys(books.counters.rejected)) if (!REASONS.has(reason)) findings.push(`unknown reason ${reason}`);
  if (JSON.stringify(sorted(counted)) !== JSON.stringify(sorted(expected))) {
    findings.push(`rejections counted ${JSON.stringify(sorted(counted))}, mappers refused ${JSON.stringify(sorted(expected))}`);
  }
  if (books.counters.ignored !== expectedIgnored) findings.push(`ignored counted ${books.counters.ignored}, mappers ignored ${expectedIgnored}`);
  if (books.counters.frames !== frames.length) findings.push(`frames counted ${books.counters.frames} of ${frames.length}`);
  const after = picture(books);
  let invalidated = 0;
  for (const [key, want] of ref.books) {
    const got = after.get(key);
    if (got === undefined || !got.valid) {
      if (want.valid) invalidated += 1;
      continue;
    }
    if (got.bids !== want.bids || got.asks !== want.asks) {
      findings.push(`${key} is valid but differs from the unmutated book (best bid ${got.bids.split(',')[0]} vs ${want.bids.split(',')[0]})`);
    }
  }
  return { framesTried: mutations.length, mutations, rejected: books.counters.rejected, findings, invalidated };
}

function sorted(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
