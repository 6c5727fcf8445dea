import type { BookLadder } from '../../shared/contract';
import type { BookLevel } from '../../shared/core/order-book';
import type { BookSync } from '../venues/venue';

/** Levels per side sent to the console's ladder. */
export const LADDER_DEPTH = 20;
/** How often the watched book is sent: a ladder redrawn faster than this is unreadable anyway. */
export const LADDER_INTERVAL_MS = 250;

/**
 * The top of one book as the console's ladder shows it: the exchange's own
 * strings, best first. A book that is resyncing, empty or crossed is sent
 * anyway (the operator sees what is wrong) but marked invalid.
 */
export function bookLadder(key: string, time: number, sync: BookSync | null, depth = LADDER_DEPTH): BookLadder {
  if (!sync) return { key, time, bids: [], asks: [], bidLevels: 0, askLevels: 0, valid: false };
  const book = sync.book;
  const state = book.state();
  const levels = (side: 'bid' | 'ask') => book.top(side, depth).map((l: BookLevel) => [l.priceText, l.sizeText] as const);
  return {
    key,
    time,
    bids: levels('bid'),
    asks: levels('ask'),
    bidLevels: book.levelCount('bid'),
    askLevels: book.levelCount('ask'),
    valid: sync.valid && state !== 'crossed' && state !== 'empty',
  };
}
