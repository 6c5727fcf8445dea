import { z } from 'zod';

// Building blocks shared by the per-file schemas. Error texts follow the
// "expected X" form so the formatter can append ", got <value>".

/** A finite number greater than zero. */
export const positiveNumber = z.number().positive();

/** A number of seconds, zero allowed (zero means "at once"). */
export const seconds = z.number().min(0);

/** A whole number greater than zero. */
export const positiveInt = z.number().int().positive();

/** A non-empty string. */
export const nonEmptyString = z.string().min(1);

/** WebSocket endpoint; ws:// is allowed so a local simulator can stand in for the venue. */
export const wsUrl = z.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' });

/** REST endpoint; http:// is allowed for the same reason as `wsUrl`. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/**
 * Canonical instrument id: upper-case segments joined by dashes
 * (`BTC-USDT-PERP`). The lowercase `default` can never collide with one.
 */
export const instrumentIdSchema = z
  .string()
  .regex(/^[A-Z0-9]+(?:-[A-Z0-9]+)+$/, 'expected an instrument id such as BTC-USDT-PERP');
