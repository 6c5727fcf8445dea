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
