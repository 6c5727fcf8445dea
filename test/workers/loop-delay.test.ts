import { afterEach, describe, expect, it } from 'vitest';
import { LoopDelay } from '../../src/engine/threads/loop-delay';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Held on purpose: the event loop cannot turn.
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let probe: LoopDelay | null = null;
afterEach(() => probe?.stop());

describe('LoopDelay', () => {
  it('reads a held event loop as at least that long, once: the next window starts afresh', async () => {
    probe = new LoopDelay();
    await sleep(60);
    busy(200);
    await sleep(60);
    expect(probe.take()).toBeGreaterThanOrEqual(170);
    await sleep(100);
    expect(probe.take()).toBeLessThan(170);
  });

  it('counts a block still under way when taken, and only there: the tick after it does not count it again', async () => {
    probe = new LoopDelay();
    await sleep(40);
    probe.take();
    busy(150);
    expect(probe.take()).toBeGreaterThanOrEqual(120);
    await sleep(100);
    expect(probe.take()).toBeLessThan(120);
  });

  it('says how long since its tick ran: long just after a block, short once the loop turns', async () => {
    probe = new LoopDelay();
    await sleep(40);
    busy(300);
    expect(probe.sinceTickMs()).toBeGreaterThanOrEqual(280);
    await sleep(60);
    expect(probe.sinceTickMs()).toBeLessThan(280);
  });
});
