import type { AlertCaseEntry } from '../../../../shared/contract';
import type { AlertEvent } from '../../../../shared/core/model';
import { formatDuration, formatMetric, formatSigma, Z_CAP } from '../../format/format';

/** One line of the audit trail: an engine transition or a case entry, in time order. */
export type TrailItem = { readonly type: 'event'; readonly event: AlertEvent } | { readonly type: 'case'; readonly entry: AlertCaseEntry };

/** Engine events and case entries in one thread, oldest first (an event before a case entry of the same millisecond). */
export function mergeTrail(events: readonly AlertEvent[], entries: readonly AlertCaseEntry[]): TrailItem[] {
  const items: TrailItem[] = [...events.map((event) => ({ type: 'event', event }) as const), ...entries.map((entry) => ({ type: 'case', entry }) as const)];
  const time = (i: TrailItem): number => (i.type === 'event' ? i.event.time : i.entry.time);
  // Stable sort: each source keeps its own order.
  return items.sort((a, b) => time(a) - time(b) || (a.type === b.type ? 0 : a.type === 'event' ? -1 : 1));
}

/**
 * What an engine transition says, with the values that explain it. A
 * `firing` that follows a `pending` is the persistence being met: the
 * z-score gated only the onset and has usually fallen back by then (a
 * rolling window absorbs a lasting dislocation), so the line says what fired
 * (the threshold held for the persistence) and why (the onset's z past its
 * bar) rather than show the z of the moment as if it were the cause.
 */
export function describeTrailEvent(e: AlertEvent, onset: AlertEvent | undefined): string {
  const vs = `${formatMetric(e.metric, e.value)} vs ${formatMetric(e.metric, e.threshold)}`;
  const bar = e.zThreshold !== null ? ` (bar ${e.zThreshold}σ)` : '';
  if (e.kind === 'firing' && onset && onset !== e && onset.kind === 'pending') {
    const onsetZ = onset.zscore === null ? '' : `, z ${sigma(onset.zscore)}${bar}`;
    return (
      `${e.rule}: held past ${formatMetric(e.metric, e.threshold)} for ${formatDuration(e.time - onset.time)} since the onset ` +
      `(${formatMetric(e.metric, onset.value)}${onsetZ}); now ${formatMetric(e.metric, e.value)}, z ${sigma(e.zscore)}`
    );
  }
  if (e.kind === 'pending' || e.kind === 'firing' || e.kind === 'escalated' || e.kind === 'deescalated') return `${e.rule}: ${vs}, z ${sigma(e.zscore)}${bar}`;
  if (e.kind === 'resolved' || e.kind === 'cancelled') return `${e.rule}: back within ${formatMetric(e.metric, e.threshold)} (now ${formatMetric(e.metric, e.value)})`;
  return `${e.rule}: ${vs}`;
}

/** A z as the tables cap it, with the true value beside it when capped: the trail is where it is read. */
function sigma(z: number | null): string {
  if (z === null || !Number.isFinite(z) || Math.abs(z) < Z_CAP) return formatSigma(z);
  return `${formatSigma(z)} (${z > 0 ? '+' : ''}${z.toFixed(1)})`;
}

/** What a case entry says. */
export function describeCaseEntry(entry: AlertCaseEntry): string {
  if (entry.kind === 'assigned') return entry.text ? `assigned to ${entry.text}` : 'unassigned';
  return entry.text;
}
