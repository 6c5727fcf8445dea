import { performance } from 'node:perf_hooks';

/**
 * Wall-clock time in epoch milliseconds with sub-millisecond resolution, the
 * same on every thread of the process (each thread's performance clock starts
 * at its own origin; origin + elapsed puts them on one axis). Date.now() is
 * whole milliseconds, too coarse for a latency measured in single milliseconds.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
