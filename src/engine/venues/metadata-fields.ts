// Reading instrument metadata (exchangeInfo, public instruments,
// instruments-info): one odd listing is skipped, never a whole list refused,
// so these answer undefined instead of throwing as the frame readers do.

/** A non-empty string, else undefined (the venues write "" for none). */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A positive finite number from a decimal string (tick size, contract value), else undefined. */
export function positiveDecimal(value: unknown): number | undefined {
  const text = nonEmptyText(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * A step the venue may leave out (lot size): undefined when absent or "",
 * the number when positive and finite, NaN when present but unreadable, so
 * the caller refuses the entry as it does an unreadable tick size.
 */
export function optionalPositiveDecimal(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return positiveDecimal(value) ?? Number.NaN;
}
