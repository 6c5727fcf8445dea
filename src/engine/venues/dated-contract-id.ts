/**
 * The date part of a dated future's canonical id, `BASE-QUOTE-yymmdd`: the
 * delivery day in UTC (`210924` for 2021-09-24). Every venue writes its
 * futures' ids this way, so one future listed on two venues is one id.
 */
export function yymmdd(epochMs: number): string {
  const d = new Date(epochMs);
  const yy = String(d.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${yy}${mm}${dd}`;
}
