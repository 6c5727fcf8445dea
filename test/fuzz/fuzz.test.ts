import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { REAL, realRecording } from '../support/shared-data';
import { reference, runCase, type Reference } from './invariants';

/**
 * The seeded fuzz suite (issue 10): a few seconds of mutated real captures on
 * every run. `npm run fuzz` runs the same cases for minutes with fresh seeds
 * (test/fuzz/run-fuzz.ts, docs/fuzz.md). A failure names the capture and the
 * seed; `npm run fuzz -- --capture NAME --seed N --cases 1` replays it.
 */

const CASES = 12;
const MUTATIONS_PER_CASE = 25;

const captures: Record<string, Reference> = {};
beforeAll(async () => {
  for (const name of [REAL.binanceSpot, REAL.binanceUsdm, REAL.okx]) {
    const frames: RawFrame[] = await readCaptureFrames(realRecording(name));
    captures[name] = reference(name, frames);
  }
});

describe('fuzz: mutated real captures', () => {
  for (const name of [REAL.binanceSpot, REAL.binanceUsdm, REAL.okx]) {
    it(`${name}: no crash, every rejection counted by reason, every book equal to the reference or invalid`, () => {
      const ref = captures[name]!;
      // The reference itself: every real book ends valid, so an invalid one below is the mutations' doing.
      expect([...ref.books.values()].every((b) => b.valid)).toBe(true);
      expect(ref.rejected).toEqual({});
      let tried = 0;
      let rejected = 0;
      let invalidated = 0;
      for (let seed = 1; seed <= CASES; seed += 1) {
        const outcome = runCase(ref, seed, MUTATIONS_PER_CASE);
        expect(outcome.findings, `${name} seed ${seed}:\n${outcome.mutations.join('\n')}`).toEqual([]);
        tried += outcome.framesTried;
        rejected += Object.values(outcome.rejected).reduce((a, b) => a + b, 0);
        invalidated += outcome.invalidated;
      }
      // The mutations reached the engine: frames were refused and books thrown away, not nothing.
      expect(tried).toBeGreaterThan(CASES * MUTATIONS_PER_CASE * 0.8);
      expect(rejected).toBeGreaterThan(tried / 2);
      expect(invalidated).toBeGreaterThan(0);
    });
  }
});
