import { levelDigits } from '../../shared/core/order-book';
import type { JsonCursor } from './json-cursor';

const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

/**
 * A venue's level array at the cursor, `[[price, size, ...], ...]`, read as
 * numbers for the book ({@link NumericLevels} in
 * order-book.ts: price, size, fraction digits per level), no string or array
 * made per level. Only levels whose both numbers are decimals in shortest
 * plain form of at most 15 digits ({@link JsonCursor.levelNumber}) are read:
 * they pass the level rule exactly when the price is not zero, and their
 * text is their value written with their digits. Null for anything else, so
 * the JSON path decides and rejects it with its reason. `extraStrings`:
 * elements after the size must be plain strings and are skipped (OKX's
 * liquidated-orders and order-count fields); without it a level has exactly
 * two elements (Binance).
 */
export function readNumericLevelArray(c: JsonCursor, extraStrings: boolean): number[] | null {
  if (!c.eat(OPEN_BRACKET)) return null;
  const out: number[] = [];
  if (c.eat(CLOSE_BRACKET)) return out;
  for (;;) {
    if (!c.eat(OPEN_BRACKET)) return null;
    const price = c.levelNumber();
    // NaN (not read) or zero: a zero price breaks the level rule.
    if (!(price > 0)) return null;
    const priceDigits = c.fraction;
    if (!c.eat(COMMA)) return null;
    const size = c.levelNumber();
    if (Number.isNaN(size)) return null;
    if (extraStrings) while (c.eat(COMMA)) if (!c.str()) return null;
    if (!c.eat(CLOSE_BRACKET)) return null;
    out.push(price, size, levelDigits(priceDigits, c.fraction));
    if (c.eat(COMMA)) continue;
    return c.eat(CLOSE_BRACKET) ? out : null;
  }
}
