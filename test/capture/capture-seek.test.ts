import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaptureIndex, type OpenedCaptureIndex } from '../../src/engine/capture/capture-index';
import { defaultWarmupMs, seekCapture } from '../../src/engine/capture/capture-seek';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
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
    for (const at of instants) {
      const seek = await seekCapture(path, { at: { time: at }, settings, index: opened });
      const last = new Map<string, SampleEvaluation>();
      const full = await replayCapture(path, { speed: 'max', settings, until: { time: at }, listener: { onEvaluation: (e) => last.set(e.sample.key, e) } });
      const label = `at +${((at - first) / 1000).toFixed(1)} s`;
      expect(books(seek.pipeline), label).toEqual(books(full.pipeline));
      expect(seek.stoppedAt).toBe(full.stoppedAt);
      // Far into the file the seek replays a few thousand frames, not the file.
      if (at > first + span * 0.2) {
        expect(seek.framesReplayed, label).toBeLessThan(frames / 50);
        for (const state of full.pipeline.instrumentStates()) expect(state.sync?.valid, `${label} ${state.key}`).toBe(true);
      }
      for (const [key, evaluation] of last) {
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
