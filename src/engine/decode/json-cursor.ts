/**
 * A forward-only reader over one JSON text, for the hot-frame decoders
 * (docs/decoder.md). It reads only the compact JSON the venues send: no
 * whitespace between tokens, strings without escapes, integers in plain
 * digits. Anything else makes a read fail (false, NaN or -1), and the decoder
 * then hands the frame to the JSON.parse path, which decides what it is: the
 * cursor never has to be right about unusual JSON, only never accept what
 * JSON.parse would read differently.
 *
 * One cursor per mapper, reset per frame: reading allocates nothing except
 * the strings a caller asks for.
 */

/** Characters whose code is below this are digits when above {@link ZERO} - 1. */
const ZERO = 48;
const NINE = 57;
const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DOT = 46;

/** Exact powers of ten: a 15-digit integer divided by one of them is correctly rounded, as Number() is. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** {@link JsonCursor.decimalStr}: a plain decimal, short enough that level-rules never converts it. */
export const PLAIN = 1;
/** {@link JsonCursor.decimalStr}: a digit other than zero. */
export const NONZERO = 2;
/** level-rules' FAST_LENGTH: longer decimal strings are converted to be checked. */
const PLAIN_DECIMAL_LENGTH = 40;

/** Below 2^53: every integer of at most 15 digits is exact in a double. */
const MAX_DIGITS = 15;

/**
 * V8 cuts a substring of 13 characters or more out of its parent as a view
 * (a "sliced string") that keeps the whole parent alive. A book keeps level
 * strings for as long as the level rests, so such a view would pin the frame
 * it came from (and the frame its capture chunk); shorter substrings are
 * copies already.
 */
const SLICE_VIEW_LENGTH = 13;

export class JsonCursor {
  text = '';
  pos = 0;
  /** Bounds of the last string read by {@link str}: its content is text[start, end). */
  start = 0;
  end = 0;
  /** Fraction digits of the last {@link levelNumber}. */
  fraction = 0;

  /** Starts reading `text` from its first character. */
  reset(text: string): void {
    this.text = text;
    this.pos = 0;
  }

  /** Consumes the character `code` when it is next. */
  eat(code: number): boolean {
    if (this.text.charCodeAt(this.pos) !== code) return false;
    this.pos += 1;
    return true;
  }

  /** Consumes `literal` (a key with its quotes and colon, `"data":`) when it is next. */
  lit(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** The next character's code (NaN past the end). */
  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  /** True when the whole text has been read. */
  done(): boolean {
    return this.pos === this.text.length;
  }

  /** Reads a string without escapes or control characters; its bounds go to `start` / `end`. */
  str(): boolean {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) !== QUOTE) return false;
    i += 1;
    const start = i;
    const n = text.length;
    for (; i < n; i += 1) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      // An escape would make the text differ from the value; JSON forbids raw control characters.
      if (c === BACKSLASH || c < 32) return false;
    }
    if (i >= n) return false;
    this.start = start;
    this.end = i;
    this.pos = i + 1;
    return true;
  }

  /**
   * Reads a string like {@link str}, and in the same pass says whether it is
   * a plain decimal: digits with at most one dot, at least one digit, no
   * sign or exponent, at most {@link PLAIN_DECIMAL_LENGTH} characters
   * ({@link PLAIN}), with a digit other than zero ({@link NONZERO}). Such a
   * string passes level-rules' size check, and its price check when not zero,
   * without either being run. -1 when there is no string to read.
   */
  decimalStr(): number {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) !== QUOTE) return -1;
    i += 1;
    const start = i;
    const n = text.length;
    let digits = 0;
    let dots = 0;
    let nonZero = false;
    let other = false;
    for (; i < n; i += 1) {
      const c = text.charCodeAt(i);
      if (c >= ZERO && c <= NINE) {
        digits += 1;
        if (c !== ZERO) nonZero = true;
      } else if (c === DOT) {
        dots += 1;
      } else if (c === QUOTE) {
        break;
      } else if (c === BACKSLASH || c < 32) {
        return -1;
      } else {
        other = true;
      }
    }
    if (i >= n) return -1;
    this.start = start;
    this.end = i;
    this.pos = i + 1;
    if (other || digits === 0 || dots > 1 || i - start > PLAIN_DECIMAL_LENGTH) return 0;
    return nonZero ? PLAIN | NONZERO : PLAIN;
  }

  /** Reads a key `"name":`, leaving its bounds in `start` / `end`. */
  key(): boolean {
    if (!this.str()) return false;
    return this.eat(58 /* : */);
  }

  /** The last string read equals `literal`. */
  is(literal: string): boolean {
    return this.end - this.start === literal.length && this.text.startsWith(literal, this.start);
  }

  /** The last string read is exactly one character, `code`. */
  isChar(code: number): boolean {
    return this.end - this.start === 1 && this.text.charCodeAt(this.start) === code;
  }

  /** The last string read, as a string of its own (a copy, never a view pinning the frame). */
  value(): string {
    return copyOf(this.text, this.start, this.end);
  }

  /**
   * Reads a JSON integer written in plain digits (an optional minus, no
   * leading zero, at most 15 digits, no fraction or exponent): the value, or
   * NaN. Such an integer is a safe integer, and the value JSON.parse gives.
   */
  int(): number {
    const text = this.text;
    let i = this.pos;
    let negative = false;
    if (text.charCodeAt(i) === MINUS) {
      negative = true;
      i += 1;
    }
    const first = i;
    let value = 0;
    for (; ; i += 1) {
      const c = text.charCodeAt(i);
      if (!(c >= ZERO && c <= NINE)) break;
      value = value * 10 + (c - ZERO);
    }
    const digits = i - first;
    if (digits === 0 || digits > MAX_DIGITS) return NaN;
    if (digits > 1 && text.charCodeAt(first) === ZERO) return NaN;
    const next = text.charCodeAt(i);
    if (next === DOT || next === 101 || next === 69 /* e E */) return NaN;
    this.pos = i;
    return negative ? -value : value;
  }

  /**
   * Reads a string that is a decimal in its shortest plain form,
   * `(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 15 digits in all, as a number
   * without making a substring: the value (exactly Number()'s, as in
   * {@link decimal}) with its fraction digits in {@link fraction}, so that
   * `value.toFixed(fraction)` is the text again (docs/decoder.md). NaN, the
   * cursor unmoved, for any other string (a sign, an exponent, a leading
   * zero, `5.`, `.5`, more digits): the caller falls back.
   */
  levelNumber(): number {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) !== QUOTE) return NaN;
    i += 1;
    const first = i;
    let mantissa = 0;
    let c = text.charCodeAt(i);
    if (c === ZERO) {
      i += 1;
      c = text.charCodeAt(i);
    } else {
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        i += 1;
        c = text.charCodeAt(i);
      }
    }
    let digits = i - first;
    if (digits === 0) return NaN;
    let fraction = 0;
    if (c === DOT) {
      i += 1;
      const fractionStart = i;
      c = text.charCodeAt(i);
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        i += 1;
        c = text.charCodeAt(i);
      }
      fraction = i - fractionStart;
      if (fraction === 0) return NaN;
      digits += fraction;
    }
    if (c !== QUOTE || digits > MAX_DIGITS) return NaN;
    this.pos = i + 1;
    this.fraction = fraction;
    return fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  }

  /**
   * The number the last string read spells as a plain decimal (an optional
   * minus, digits with at most one dot, at least one digit, at most 15
   * digits in all): exactly what Number() makes of it (an integer of at most
   * 15 digits over an exact power of ten is one correctly rounded division).
   * NaN for anything else, which Number() may still read (exponents, long
   * strings, spaces, hex): the caller falls back to the JSON path.
   */
  decimal(): number {
    return decimalIn(this.text, this.start, this.end);
  }

  /**
   * Skips one JSON value of the kinds venues send: a string without escapes,
   * a number, true, false, null, or an array or object of those nested at
   * most `depth` deep. False for anything else, valid JSON included: the
   * caller falls back.
   */
  skip(depth = 8): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (c === QUOTE) return this.str();
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === 0) return false;
      const close = c === 123 ? 125 : 93;
      this.pos += 1;
      if (this.eat(close)) return true;
      for (;;) {
        if (c === 123 && !this.key()) return false;
        if (!this.skip(depth - 1)) return false;
        if (this.eat(44 /* , */)) continue;
        return this.eat(close);
      }
    }
    if (c === 116 /* t */) return this.lit('true');
    if (c === 102 /* f */) return this.lit('false');
    if (c === 110 /* n */) return this.lit('null');
    return this.number();
  }

  /** Skips a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): boolean {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) === MINUS) i += 1;
    const first = text.charCodeAt(i);
    if (first === ZERO) i += 1;
    else if (first > ZERO && first <= NINE) while (isDigit(text.charCodeAt(i))) i += 1;
    else return false;
    if (text.charCodeAt(i) === DOT) {
      i += 1;
      if (!isDigit(text.charCodeAt(i))) return false;
      while (isDigit(text.charCodeAt(i))) i += 1;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i += 1;
      const sign = text.charCodeAt(i);
      if (sign === 43 || sign === MINUS) i += 1;
      if (!isDigit(text.charCodeAt(i))) return false;
      while (isDigit(text.charCodeAt(i))) i += 1;
    }
    this.pos = i;
    return true;
  }

  /** Like {@link decimal}, for digits only (no minus, no dot): an epoch-ms `ts` in a string. */
  digits(): number {
    const text = this.text;
    const n = this.end - this.start;
    if (n === 0 || n > MAX_DIGITS) return NaN;
    let value = 0;
    for (let i = this.start; i < this.end; i += 1) {
      const c = text.charCodeAt(i);
      if (!(c >= ZERO && c <= NINE)) return NaN;
      value = value * 10 + (c - ZERO);
    }
    return value;
  }
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** text[start, end) as a string of its own, never a view that keeps `text` alive (see SLICE_VIEW_LENGTH). */
export function copyOf(text: string, start: number, end: number): string {
  const s = text.slice(start, end);
  // The concatenation is flattened into a new string of its own when sliced; the view is dropped.
  return s.length < SLICE_VIEW_LENGTH ? s : (s + ' ').slice(0, -1);
}

/** See {@link JsonCursor.decimal}. */
export function decimalIn(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && text.charCodeAt(i) === MINUS) {
    negative = true;
    i += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits += 1;
      if (scale >= 0) scale += 1;
    } else if (c === DOT && scale < 0) {
      scale = 0;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > MAX_DIGITS) return NaN;
  const value = scale > 0 ? mantissa / POW10[scale]! : mantissa;
  return negative ? -value : value;
}
