import type { BookDeltaEvent, BookSnapshotEvent, RawLevel } from '../../shared/core/model';
import { numericLevelsOf } from '../decode/numeric-book-message';
import type { OrderBook, Side } from '../../shared/core/order-book';
import { emptySyncStats, type BookSyncState, type BookSyncStats } from './venue';

// What the venues' BookSync.checkpoint / restore share (docs/seek.md, book-state checkpoints).

/** A side's levels best first, as the exchange's strings. */
export function levelsOf(book: OrderBook, side: Side): RawLevel[] {
  const out: RawLevel[] = [];
  book.forEachOutward(side, (level) => {
    out.push([level.priceText, level.sizeText]);
    return true;
  });
  return out;
}

/**
 * A sync's checkpoint: its book as the exchange's strings, a copy of its
 * counters, and its venue's sequence fields; undefined while messages are
 * held for a snapshot (the state is then not one a replay could resume).
 */
export function syncState(book: OrderBook, stats: BookSyncStats, held: number, seq: BookSyncState['seq']): BookSyncState | undefined {
  if (held > 0) return undefined;
  return { bids: levelsOf(book, 'bid'), asks: levelsOf(book, 'ask'), stats: { ...stats }, seq };
}

/** What a field of `seq` must be: a number, a boolean, or a number or null. */
export type SeqFieldKind = 'number' | 'boolean' | 'number?';

const isLevels = (value: unknown): value is RawLevel[] =>
  Array.isArray(value) && value.every((l) => Array.isArray(l) && l.length === 2 && typeof l[0] === 'string' && typeof l[1] === 'string');

/**
 * Checks a state's shape for one venue's `seq` fields and returns them typed;
 * throws on anything else (a damaged or foreign checkpoint).
 */
export function checkedState(state: BookSyncState, venue: string, fields: Readonly<Record<string, SeqFieldKind>>): Readonly<Record<string, number | boolean | null>> {
  const fail = (what: string): never => {
    throw new Error(`not a ${venue} book-sync checkpoint: ${what}`);
  };
  if (typeof state !== 'object' || state === null) fail('not an object');
  if (!isLevels(state.bids) || !isLevels(state.asks)) fail('levels are not [price, size] strings');
  const stats = state.stats as unknown as Record<string, unknown> | undefined;
  for (const name of Object.keys(emptySyncStats())) {
    const n = stats?.[name];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`stats.${name} is not a count`);
  }
  const seq = state.seq as Record<string, unknown> | undefined;
  if (typeof seq !== 'object' || seq === null) fail('no seq');
  for (const [name, kind] of Object.entries(fields)) {
    const v = seq![name];
    const ok = kind === 'boolean' ? typeof v === 'boolean' : kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : v === null || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) fail(`seq.${name} is ${JSON.stringify(v)}`);
  }
  return seq as Readonly<Record<string, number | boolean | null>>;
}

/** Loads a checkpoint's levels into a book (replacing it); throws when a level is refused or a side exceeds the cap. */
export function loadLevels(book: OrderBook, state: BookSyncState): void {
  book.clear();
  const rejected = book.applySnapshot(state.bids, state.asks);
  if (rejected > 0 || book.overflowing() || book.levelCount('bid') !== state.bids.length || book.levelCount('ask') !== state.asks.length) {
    book.clear();
    throw new Error('a book-sync checkpoint holds levels this book cannot take (refused, repeated, zero or past the level cap)');
  }
}

/** Copies counters into a sync's own stats object (kept: the pipeline holds it). */
export function restoreStats(target: BookSyncStats, source: Readonly<BookSyncStats>): void {
  for (const name of Object.keys(emptySyncStats()) as (keyof BookSyncStats)[]) target[name] = source[name];
}

/**
 * Replaces a book with a snapshot's levels: as numbers when the hot decoder
 * read them so (decode/numeric-book-message.ts), else as the exchange's
 * strings. Returns how many levels the book refused.
 */
export function loadSnapshotLevels(book: OrderBook, snapshot: BookSnapshotEvent): number {
  const numeric = numericLevelsOf(snapshot);
  return numeric === undefined ? book.applySnapshot(snapshot.bids, snapshot.asks) : book.applyNumericSnapshot(numeric.bidLevels, numeric.askLevels);
}

/** Applies a delta's levels to both sides, numbers or strings as {@link loadSnapshotLevels}; returns how many were refused. */
export function applyDeltaLevels(book: OrderBook, delta: BookDeltaEvent): number {
  const numeric = numericLevelsOf(delta);
  return numeric === undefined
    ? book.applyLevels('bid', delta.bids) + book.applyLevels('ask', delta.asks)
    : book.applyNumericLevels('bid', numeric.bidLevels) + book.applyNumericLevels('ask', numeric.askLevels);
}
