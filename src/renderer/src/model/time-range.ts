/** The window an instrument view shows. `last`: ends now and follows live data; `centred`: fixed around a moment (an alert). */
export type TimeRange =
  | { readonly kind: 'last'; readonly spanMs: number }
  | { readonly kind: 'centred'; readonly centre: number; readonly spanMs: number };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The range buttons, live first. */
export const RANGE_PRESETS: readonly { readonly id: string; readonly label: string; readonly spanMs: number }[] = [
  { id: 'live', label: 'Live 15m', spanMs: 15 * MIN },
  { id: '1h', label: '1h', spanMs: HOUR },
  { id: '6h', label: '6h', spanMs: 6 * HOUR },
  { id: '24h', label: '24h', spanMs: DAY },
  { id: '3d', label: '3d', spanMs: 3 * DAY },
  { id: '7d', label: '7d', spanMs: 7 * DAY },
];

export const LIVE_RANGE: TimeRange = { kind: 'last', spanMs: 15 * MIN };

/** Span of the window opened around an alert. */
export const ALERT_SPAN_MS = 30 * MIN;

/** A window of `spanMs` centred on `time` (an alert's firing time). */
export function centredOn(time: number, spanMs = ALERT_SPAN_MS): TimeRange {
  return { kind: 'centred', centre: time, spanMs };
}

/** The [from, to) to ask `series` for, and whether live samples extend it. */
export function resolveRange(range: TimeRange, now: number): { from: number; to: number; live: boolean } {
  if (range.kind === 'last') return { from: Math.max(0, now - range.spanMs), to: now + 1, live: true };
  const half = range.spanMs / 2;
  return { from: Math.max(0, range.centre - half), to: range.centre + half, live: false };
}

/** Points to ask for: enough for the panel's pixels, never more than the sampling gives. */
export function pointsFor(range: TimeRange, samplingMs = 1000): number {
  return Math.max(10, Math.min(2000, Math.ceil(range.spanMs / samplingMs)));
}

/** The preset id a range matches, for highlighting its button. */
export function presetId(range: TimeRange): string | null {
  if (range.kind !== 'last') return null;
  return RANGE_PRESETS.find((p) => p.spanMs === range.spanMs)?.id ?? null;
}

/** Seconds between the points of a range's grid: the bucket the `series` call asks for, at least the 1 s sampling. */
export function gridStepS(range: TimeRange, samplingMs = 1000): number {
  return Math.max(1, Math.ceil(range.spanMs / pointsFor(range, samplingMs) / 1000));
}

/**
 * What a chart of [fromS, toS] (chart seconds) shows when its data covers
 * only part of it. The chart keeps the requested range (Grafana's choice: the
 * axis means what the range button says) and says where data is missing:
 * `whitespace` are the times to add as empty points so that the time axis
 * spans the whole range at the data's spacing (lightweight-charts spaces
 * points by index, not time: without them 7 minutes would stretch across a
 * 1 h chart), `empty` the spans with no data longer than two steps, to label.
 * `times` are the data's times, sorted.
 * @example rangeCoverage([3000, 3001], 0, 3600, 2).empty // [{ from: 0, to: 3000 }, { from: 3001, to: 3600 }]
 */
export function rangeCoverage(
  times: readonly number[],
  fromS: number,
  toS: number,
  stepS: number,
): { whitespace: number[]; empty: { from: number; to: number }[] } {
  const step = Math.max(1, Math.floor(stepS));
  const whitespace: number[] = [];
  const empty: { from: number; to: number }[] = [];
  const inside = times.filter((t) => t >= fromS && t <= toS);
  const edges = [fromS - step, ...inside, toS + step];
  for (let i = 1; i < edges.length; i++) {
    const a = edges[i - 1]!;
    const b = edges[i]!;
    if (b - a <= 2 * step) continue;
    const lo = Math.max(fromS, a);
    const hi = Math.min(toS, b);
    empty.push({ from: lo, to: hi });
    // Cap the number of fill points: a gap is drawn at the grid's spacing, never more finely.
    for (let t = a + step; t < b && whitespace.length < 5000; t += step) if (t >= fromS && t <= toS) whitespace.push(t);
  }
  return { whitespace, empty };
}
