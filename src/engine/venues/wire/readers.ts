import type { RawLevel } from '../../../shared/core/model';
import { checkLevels, decimalProblem, describeValue, sizeProblem } from '../../../shared/core/level-rules';
import { reject } from './reject';

/**
 * Field readers every venue mapper uses: one rule per kind of field, the
 * same for every venue. Each returns the value or throws a WireReject whose
 * detail names the field as the caller spelled it (`u`, `tickers: bidPx`).
 *
 * - required: `undefined` or `null` is `missing_field`; a value of the wrong
 *   kind is `bad_number` (strings: `missing_field`, as an empty string is).
 * - optional: absent is `undefined`, `null` or `""` (OKX and Binance delivery
 *   contracts write "" for none); anything else present must pass the
 *   required rule.
 * - decimals are strings in the syntax of level-rules.ts (a JSON number is
 *   not a venue decimal), converted with Number only after that check.
 * - integers (ids, sequence numbers, checksums) are JSON numbers that are
 *   safe integers; times are safe integers that are not negative, written
 *   as a JSON number or as a string of digits (OKX writes epoch ms as
 *   strings).
 *
 * The hot decoders (hot-binance.ts, hot-okx.ts) take a frame only when every
 * field passes these rules: a rule made stricter here must not accept less
 * than they take (test/venues/hot-decoder.test.ts checks it).
 */

/** Absent for an optional field: not sent, null, or the empty string. */
export function isAbsent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string (symbols, channel names). */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') return reject('missing_field', `missing ${field}`);
  return value;
}

/** An object such as a data entry; anything else is `missing_field` (the entry the field was to be read from is not there). */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) return reject('missing_field', value === undefined || value === null ? `missing ${field}` : `${field} is not an object`);
  return value;
}

/** An array such as a push's `data` or exchangeInfo's `symbols`; anything else is `missing_field`. */
export function requireList(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) return reject('missing_field', value === undefined || value === null ? `missing ${field}` : `${field} is not a list`);
  return value;
}

/** An id or sequence number: a JSON number that is a safe integer. */
export function requireInteger(value: unknown, field: string): number {
  if (value === undefined || value === null) return reject('missing_field', `missing ${field}`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return reject('bad_number', `${field} ${describeValue(value)} is not an integer`);
  return value;
}

/** {@link requireInteger}, or undefined when absent. */
export function optionalInteger(value: unknown, field: string): number | undefined {
  return isAbsent(value) ? undefined : requireInteger(value, field);
}

/** A checksum: a signed 32-bit integer (OKX `checksum`), or undefined when absent. */
export function optionalInt32(value: unknown, field: string): number | undefined {
  const n = optionalInteger(value, field);
  if (n !== undefined && (n < -0x80000000 || n > 0x7fffffff)) return reject('bad_number', `${field} ${n} is not a signed 32-bit integer`);
  return n;
}

/** Digits: an epoch-ms time written as a string. */
const TIME_TEXT = /^[0-9]{1,16}$/;

/**
 * An epoch-ms time (Binance `E` / `T` as JSON numbers, OKX `ts` as strings
 * of digits), or undefined when absent. Present and not a safe integer in
 * either form, or before 1970 (no venue stamps one: a negative time is a
 * damaged frame), is `bad_number`.
 */
export function optionalTime(value: unknown, field: string): number | undefined {
  if (isAbsent(value)) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && TIME_TEXT.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return reject('bad_number', `${field} ${describeValue(value)} is not a time in ms`);
  return n;
}

/** A finite decimal string of either sign (funding rates, mark and index prices). */
export function requireDecimal(value: unknown, field: string): number {
  if (value === undefined || value === null) return reject('missing_field', `missing ${field}`);
  const problem = decimalProblem(value);
  if (problem !== undefined) return reject('bad_number', `${field} ${describeValue(value)} ${problem}`);
  return Number(value);
}

/** {@link requireDecimal}, or undefined when absent (`"r": ""` on Binance delivery contracts). */
export function optionalDecimal(value: unknown, field: string): number | undefined {
  return isAbsent(value) ? undefined : requireDecimal(value, field);
}

/**
 * A top-of-book price or size: a finite decimal string, not negative
 * (`negative_size`). Zero is allowed: a bookTicker of an empty side says
 * "0.00000000"; book levels are stricter (their price must be positive).
 */
export function requireSize(value: unknown, field: string): number {
  if (value === undefined || value === null) return reject('missing_field', `missing ${field}`);
  const problem = sizeProblem(value);
  if (problem !== undefined) return reject(problem.negative ? 'negative_size' : 'bad_number', `${field} ${describeValue(value)} ${problem.problem}`);
  return Number(value);
}

/**
 * A `[[price, size, ...], ...]` list, judged whole by the one level rule
 * (level-rules.ts `checkLevels`) before anything is returned: a message with
 * one bad level is refused whole, snapshots too (a snapshot loaded without
 * its bad levels is a book the venue never had). Returned as `[price, size]`
 * pairs with the exchange's strings untouched (the book keeps the text and
 * checksums hash it): the list itself when every level is a pair (Binance),
 * else a copy without the extra fields (OKX `[px, sz, "0", orders]`).
 */
export function requireLevels(value: unknown, field: string): readonly RawLevel[] {
  const problem = checkLevels(value, field);
  if (problem !== undefined) return reject(problem.reason, problem.detail);
  const list = value as readonly (readonly [string, string, ...unknown[]])[];
  let pairs = true;
  for (let i = 0; i < list.length && pairs; i += 1) pairs = list[i]!.length === 2;
  if (pairs) return list as readonly RawLevel[];
  const out: RawLevel[] = new Array<RawLevel>(list.length);
  for (let i = 0; i < list.length; i += 1) out[i] = [list[i]![0], list[i]![1]];
  return out;
}
