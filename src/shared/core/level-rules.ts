/**
 * The one rule every venue's book levels must pass, checked on a whole
 * message before any level of it reaches a book: a diff applied level by
 * level up to a bad one leaves a book that matches no moment of the venue's.
 *
 * A level is `[price, size, ...]` with both as decimal strings (optional
 * `-`, digits with at most one `.`, optional exponent); the price positive
 * and finite, the size finite and not negative (zero deletes the level).
 * `0` and `1e999` are well-formed decimals, which is why finiteness and sign
 * are checked on the value, not the syntax.
 */

/** Why a list of levels was refused; a subset of the mappers' reject reasons. */
export type LevelProblemReason = 'missing_field' | 'bad_number' | 'negative_size';

export interface LevelProblem {
  readonly reason: LevelProblemReason;
  readonly detail: string;
}

const BAD = 1;
const NEGATIVE = 2;
/** Every digit is 0. */
const ZERO = 4;
/** Has an exponent or is long: the value may overflow to Infinity or underflow to 0, so convert it. */
const CONVERT = 8;

/**
 * Strings this short without an exponent are between 1e-40 and 1e40, so
 * finite and, with a non-zero digit, positive: no Number() needed. Real
 * venues' levels are all like this; longer ones take the slow path.
 */
const FAST_LENGTH = 40;

/** Syntax and sign of a decimal string without converting it (allocation free). */
function scanDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  let flags = 0;
  if (n > 0 && text.charCodeAt(0) === 45 /* - */) {
    flags |= NEGATIVE;
    i = 1;
  }
  let digits = 0;
  let nonZero = false;
  let dot = false;
  for (; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits += 1;
      if (c !== 48) nonZero = true;
    } else if (c === 46 /* . */ && !dot) dot = true;
    else break;
  }
  if (digits === 0) return BAD;
  if (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69 /* e E */) return BAD;
    i += 1;
    if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i += 1;
    const start = i;
    for (; i < n; i += 1) {
      const d = text.charCodeAt(i);
      if (d < 48 || d > 57) return BAD;
    }
    if (i === start) return BAD;
    flags |= CONVERT;
  }
  if (n > FAST_LENGTH) flags |= CONVERT;
  if (!nonZero) flags |= ZERO;
  return flags;
}

/** Why a string is not a finite decimal of either sign (funding rates, mark prices), or undefined. */
export function decimalProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'is not a string';
  const flags = scanDecimal(text);
  if (flags & BAD) return 'is not a decimal';
  if (flags & CONVERT && !Number.isFinite(Number(text))) return 'is not finite';
  return undefined;
}

/** Why a price string is not a usable price, or undefined when it is. */
export function priceProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'is not a string';
  const flags = scanDecimal(text);
  if (flags & BAD) return 'is not a decimal';
  if (flags & (NEGATIVE | ZERO)) return 'is not positive';
  if (flags & CONVERT) {
    const value = Number(text);
    if (!Number.isFinite(value)) return 'is not finite';
    if (!(value > 0)) return 'is not positive';
  }
  return undefined;
}

/** Why a size string is not a usable size, or undefined when it is; `negative` tells the two reasons apart. */
export function sizeProblem(text: unknown): { readonly problem: string; readonly negative: boolean } | undefined {
  if (typeof text !== 'string') return { problem: 'is not a string', negative: false };
  const flags = scanDecimal(text);
  if (flags & BAD) return { problem: 'is not a decimal', negative: false };
  if (flags & NEGATIVE && !(flags & ZERO)) return { problem: 'is negative', negative: true };
  if (flags & CONVERT && !Number.isFinite(Number(text))) return { problem: 'is not finite', negative: false };
  return undefined;
}

/** A value quoted in a detail: short, and never a walk of a nested value (a 5,000-deep array overflows String()). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 24 ? `${value.slice(0, 24)}...` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * Checks a `[[price, size, ...], ...]` list whole; undefined when every level
 * passes. `field` names the list in the detail (`b`, `bids`, `books: asks`).
 */
export function checkLevels(value: unknown, field: string): LevelProblem | undefined {
  if (value === undefined || value === null) return { reason: 'missing_field', detail: `missing ${field}` };
  if (!Array.isArray(value)) return { reason: 'bad_number', detail: `${field} is not a list of levels` };
  for (let i = 0; i < value.length; i += 1) {
    const level: unknown = value[i];
    if (!Array.isArray(level) || level.length < 2) return { reason: 'missing_field', detail: `${field}[${i}] is not [price, size]` };
    const price = priceProblem(level[0]);
    if (price !== undefined) return { reason: 'bad_number', detail: `${field}[${i}] price ${describeValue(level[0])} ${price}` };
    const size = sizeProblem(level[1]);
    if (size !== undefined) {
      return { reason: size.negative ? 'negative_size' : 'bad_number', detail: `${field}[${i}] size ${describeValue(level[1])} ${size.problem}` };
    }
  }
  return undefined;
}
