import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaptureIndex, type OpenedCaptureIndex } from '../../src/engine/capture/capture-index';
import { defaultWarmupMs, seekCapture } from '../../src/engine/capture/capture-seek';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { REAL, repoRoot } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';

/**
 * Seek on a capture of more than a million frames: the real USD-M recording
 * cloned end to end, gap-free, by the large-replay bench's helper (time and
 * update ids shifted per clone, REST snapshots and exchangeInfo as recorded).
 * At several instants the seek's books must be the full replay's to the same
 * instant, level for level, and its metrics and z-scores the same.
 */
const FRAMES = 1_050_000;
const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
const dir = mkdtempSync(join(tmpdir(), 'surveil-seek-'));
let path: string;
let frames: number;
let opened: OpenedCaptureIndex;

beforeAll(async () => {
  // The helper reads its size from the environment when it is loaded.
  process.env.LARGE_REPLAY_FRAMES = String(Math.max(FRAMES, Number(process.env.LARGE_REPLAY_FRAMES ?? 0)));
  const { writeClone } = await import('../../bench/large-replay-bench');
  const clone = await writeClone(dir, REAL.binanceUsdm);
  path = clone.path;
  frames = clone.frames;
  opened = await openCaptureIndex(path);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const books = wholeBooks;

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** What a full replay from the file's start holds at an instant: its books, their validity, each instrument's last evaluation. */
interface FullReplayState {
  readonly stoppedAt: number | null;
  readonly books: Record<string, unknown>;
  readonly valid: ReadonlyMap<string, boolean | undefined>;
  readonly last: ReadonlyMap<string, SampleEvaluation>;
}

/**
 * One full replay (`replayCapture` from the first frame, `until` the last
 * instant) for all the instants, rather than one per instant: the file is
 * read once. At each earlier instant T the replay's state is copied where a
 * replay `until` T would stop: when the first frame after T comes, before it
 * is ingested, once the clock is advanced to T (the samples due up to T
 * taken). The pipeline's `advance` is only split in two there, advance(T)
 * then advance(frame time), which takes the same samples in the same order
 * as the one call; every frame still goes through the real pipeline.
 */
async function fullReplayAt(instants: readonly number[]): Promise<FullReplayState[]> {
  const states: FullReplayState[] = [];
  const last = new Map<string, SampleEvaluation>();
  const copy = (pipeline: SurveillancePipeline, stoppedAt: number | null): FullReplayState => ({
    stoppedAt,
    books: books(pipeline),
    valid: new Map(pipeline.instrumentStates().map((s) => [s.key, s.sync?.valid])),
    last: new Map([...last].map(([key, e]) => [key, structuredClone(e)])),
  });
  const advance = SurveillancePipeline.prototype.advance;
  let next = 0;
  SurveillancePipeline.prototype.advance = function (this: SurveillancePipeline, now: number): void {
    while (next < instants.length - 1 && now > instants[next]!) {
      advance.call(this, instants[next]!);
      states.push(copy(this, instants[next]!));
      next++;
    }
    advance.call(this, now);
  };
  try {
    const until = instants[instants.length - 1]!;
    const full = await replayCapture(path, { speed: 'max', settings, until: { time: until }, listener: { onEvaluation: (e) => last.set(e.sample.key, e) } });
    expect(next, 'every earlier instant seen on the way').toBe(instants.length - 1);
    states.push(copy(full.pipeline, full.stoppedAt));
  } finally {
    SurveillancePipeline.prototype.advance = advance;
  }
  return states;
}

describe('seek in a capture of more than 1 M frames', () => {
  it('indexes every frame and a checkpoint per REST snapshot of each symbol', () => {
    expect(frames).toBeGreaterThan(1_000_000);
    expect(opened.index.frames).toBe(frames);
    const clones = Math.ceil(FRAMES / 917);
    for (const key of ['binance-usdm:SUSHIUSDT', 'binance-usdm:AKROUSDT']) {
      // One snapshot per clone (32 s apart), more than the 2 s checkpoint spacing.
      expect(opened.index.books[key]!.t.length).toBeGreaterThanOrEqual(clones - 1);
    }
  });

  it('gives the books, metrics and z-scores of a full replay to the same instant, at several instants', async () => {
    const first = opened.index.firstT!;
    const span = opened.index.lastT! - first;
    // Early in the first clone (one book synced, one still buffering), then three instants across the file.
    const instants = [first + 1_200, first + span * 0.23, first + span * 0.58, first + span * 0.91];
    const full = await fullReplayAt(instants);
    expect(full.map((f) => f.stoppedAt)).toEqual(instants);
    for (const [n, at] of instants.entries()) {
      const reference = full[n]!;
      const seek = await seekCapture(path, { at: { time: at }, settings, index: opened });
      const label = `at +${((at - first) / 1000).toFixed(1)} s`;
      expect(books(seek.pipeline), label).toEqual(reference.books);
      expect(seek.stoppedAt).toBe(reference.stoppedAt);
      // Far into the file the seek replays a few thousand frames, not the file.
      if (at > first + span * 0.2) {
        expect(seek.framesReplayed, label).toBeLessThan(frames / 50);
        for (const [key, valid] of reference.valid) expect(valid, `${label} ${key}`).toBe(true);
      }
      for (const [key, evaluation] of reference.last) {
        const mine = seek.evaluations.get(key);
        if (at < first + defaultWarmupMs(settings)) continue;
        expect(mine?.sample.time, `${label} ${key}`).toBe(evaluation.sample.time);
        expect(mine!.sample.values, `${label} ${key}`).toEqual(evaluation.sample.values);
        let compared = 0;
        for (const [metric, z] of Object.entries(evaluation.zscores)) {
          const other = mine!.zscores[metric as keyof SampleEvaluation['zscores']];
          expect(other?.ready, `${label} ${key} ${metric}`).toBe(z?.ready);
          if (!z?.ready || !other?.ready) continue;
          expect(close(other.mean, z.mean) && close(other.std, z.std) && close(other.z, z.z), `${label} ${key} ${metric}: ${JSON.stringify([other, z])}`).toBe(true);
          compared++;
        }
        expect(compared, `${label} ${key}`).toBeGreaterThanOrEqual(3);
      }
    }
  }, 600_000);

  it('without a warmup gives the same books, and says the z-score windows are still warming up', async () => {
    const at = opened.index.firstT! + (opened.index.lastT! - opened.index.firstT!) * 0.58;
    const warm = await seekCapture(path, { at: { time: at }, settings, index: opened });
    const cold = await seekCapture(path, { at: { time: at }, settings, index: opened, warmupMs: 0 });
    expect(books(cold.pipeline)).toEqual(books(warm.pipeline));
    expect(cold.framesReplayed).toBeLessThan(warm.framesReplayed);
    const spread = (result: typeof warm) => result.evaluations.get('binance-usdm:SUSHIUSDT')!.rules.find((r) => r.rule === 'spread_warning')!.kind;
    expect(spread(cold)).toBe('warming_up');
    expect(spread(warm)).not.toBe('warming_up');
    // A warmup shorter than a window leaves other samples in it: the z-scores differ (the comparison above can fail).
    const short = await seekCapture(path, { at: { time: at }, settings, index: opened, warmupMs: 60_000 });
    const means = (result: typeof warm) => Object.values(result.evaluations.get('binance-usdm:SUSHIUSDT')!.zscores).map((z) => (z?.ready ? z.mean : null));
    expect(means(short)).not.toEqual(means(warm));
  }, 120_000);
});
