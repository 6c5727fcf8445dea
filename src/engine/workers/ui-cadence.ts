// The console's client sessions send at this cadence (console/client-session.ts);
// the analytics worker paces its off-screen posts to the same clock, so the
// numbers live here, below both.

/** Problem changes off screen and feed views go to a client at most this often. */
export const SUMMARY_INTERVAL_MS = 1000;
/**
 * Off-screen value changes are sent every this many intervals: they only
 * matter when the operator re-sorts (the stale-order hint says when), and
 * they are most of the traffic at 2,500 instruments.
 */
export const OFFSCREEN_EVERY = 5;
