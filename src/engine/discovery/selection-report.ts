import type { SelectionRule } from '../../shared/config';
import type { SelectionResult } from './resolve-selection';

/**
 * Lines describing the select: rules, and with a resolution what each rule
 * picked (count, tiers, the first symbols), what it left out because of
 * status or `max_instruments`, for `surveil config check`.
 */
export function selectionReport(rules: readonly SelectionRule[], result: SelectionResult | null): string[] {
  const lines: string[] = [];
  rules.forEach((rule, i) => {
    lines.push(`  select[${i}]: ${describeRule(rule)}`);
    if (result === null) return;
    const picked = result.listings.filter((l) => l.rule === i);
    const tiers = countBy(picked.map((l) => l.tier ?? 'no tier'));
    const depths = countBy(picked.map((l) => l.depth));
    lines.push(`    picked ${picked.length}${picked.length > 0 ? ` (${tiers}; ${depths} book)` : ''}: ${picked.slice(0, 12).map((l) => l.symbol).join(' ')}${picked.length > 12 ? ' ...' : ''}`);
    const notTrading = result.notTrading.filter((l) => l.rule === i);
    if (notTrading.length > 0) lines.push(`    not trading, left out ${notTrading.length}: ${notTrading.slice(0, 8).map((l) => `${l.key.split(':')[1]} (${l.venueStatus})`).join(' ')}${notTrading.length > 8 ? ' ...' : ''}`);
    if ((result.capped[i] ?? 0) > 0) lines.push(`    left out by max_instruments: ${result.capped[i]}`);
    const byDepth = picked.filter((l) => l.tierBy === 'depth');
    if (byDepth.length > 0) lines.push(`    tiered by observed resting depth (volume below the bar): ${byDepth.length}: ${byDepth.slice(0, 8).map((l) => `${l.symbol} ${l.tier}`).join(', ')}${byDepth.length > 8 ? ' ...' : ''}`);
  });
  if (result !== null) {
    const hand = result.listings.filter((l) => l.rule === null);
    if (hand.length > 0) lines.push(`  hand-listed on the venues: ${hand.length} (${countBy(hand.map((l) => (l.tier ?? 'no tier') + (l.tierBy === 'depth' ? ' by depth' : '')))})`);
    const ids = Object.keys(result.instruments).length;
    lines.push(`  in all: ${ids} instruments, ${result.listings.length} venue listings`);
  }
  return lines;
}

function describeRule(r: SelectionRule): string {
  const parts = [`${r.venue} ${r.type}`];
  parts.push(r.quotes === null ? 'any quote' : `quotes ${r.quotes.join(', ')}`);
  if (r.minVolume24hUsd > 0) parts.push(`24 h volume >= $${r.minVolume24hUsd.toLocaleString('en-US')}`);
  if (r.exclude.length > 0) parts.push(`excluding ${r.exclude.join(', ')}`);
  if (r.maxInstruments !== null) parts.push(`at most ${r.maxInstruments}`);
  parts.push(`depth ${r.depth}`);
  return parts.join(', ');
}

/** `major 3, long_tail 40`, in first-seen order. */
function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}
