/**
 * The analytics worker's background work (history slices, UI copies) holds
 * off from just before a live boundary until that boundary is evaluated, so
 * the boundary's alerts never wait behind it; held work is delayed, never lost.
 */
import { describe, expect, it } from 'vitest';
import { BoundaryGuard } from '../../src/engine/workers/boundary-guard';

const B = 1_764_000_000_000; // a whole second

function guardAt(start: number) {
  let now = start;
  const guard = new BoundaryGuard(1000, 25, 150, () => now);
  return { guard, set: (t: number) => (now = t) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BoundaryGuard', () => {
  it('holds from the lead before a boundary until it is evaluated, at most its hold after it', () => {
    const { guard, set } = guardAt(B - 500);
    guard.evaluated(B - 1000);
    expect(guard.holdMs()).toBe(0);
    set(B - 26);
    expect(guard.holdMs()).toBe(0);
    set(B - 25);
    expect(guard.holdMs()).toBe(25 + 150);
    set(B + 10);
    expect(guard.holdMs()).toBe(140);
    guard.evaluated(B);
    expect(guard.holdMs()).toBe(0);
    // A boundary never evaluated (a venue down) holds for its cap only.
    set(B + 1000 + 149);
    expect(guard.holdMs()).toBe(1);
    set(B + 1000 + 150);
    expect(guard.holdMs()).toBe(0);
  });

  it('runs held work once the boundary is evaluated, and not before', async () => {
    const { guard, set } = guardAt(B - 10);
    guard.evaluated(B - 1000);
    const ran: string[] = [];
    guard.defer(() => ran.push('history slice'));
    guard.defer(() => ran.push('ui copy'));
    await sleep(20);
    expect(ran).toEqual([]);
    set(B + 12);
    guard.evaluated(B);
    expect(ran).toEqual([]); // on a later turn, not inside the evaluation
    await turn();
    expect(ran).toEqual(['history slice', 'ui copy']);
    guard.defer(() => ran.push('next'));
    await turn();
    expect(ran).toEqual(['history slice', 'ui copy', 'next']);
  });

  it('runs held work when the hold runs out though the boundary was never evaluated', async () => {
    const { guard, set } = guardAt(B + 130);
    const ran: number[] = [];
    let done = () => {};
    const didRun = new Promise<void>((resolve) => (done = resolve));
    guard.defer(() => {
      ran.push(1);
      done();
    });
    await sleep(5);
    expect(ran).toEqual([]);
    set(B + 150);
    // Awaited, not slept on: on a loaded machine the hold's timer and a fixed
    // sleep can fire in one timers phase, before the released work's turn.
    await Promise.race([didRun, sleep(5000)]);
    expect(ran).toEqual([1]);
  });

  it('refuses a lead and hold that do not fit in the interval, and scales them down for short sampling intervals', () => {
    expect(() => new BoundaryGuard(100, 50, 60)).toThrow(/must fit in the 100 ms interval/);
    let now = B + 50;
    const fast = BoundaryGuard.forInterval(100, 25, 150, () => now);
    // 100 ms sampling: 2.5 ms of lead, 15 ms of hold at most.
    expect(fast.holdMs()).toBe(0);
    now = B + 98;
    expect(fast.holdMs()).toBeCloseTo(17, 6);
    now = B + 100 + 14;
    expect(fast.holdMs()).toBeCloseTo(1, 6);
    now = B + 100 + 15;
    expect(fast.holdMs()).toBe(0);
  });
});
