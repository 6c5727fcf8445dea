/**
 * Issue 10, finding 1: a frame with an absurd `t` (1e19, 1e300) used to hang
 * the sampling clock and exhaust memory. Such frames are rejected as
 * `bad_time`, counted, and their time is used nowhere.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ReplaySession } from '../../src/engine/console/replay-session';
import { FrameTimeGuard } from '../../src/engine/pipeline/frame-time';
import { SampleClock } from '../../src/engine/pipeline/sample-clock';
import type { ReplayState } from '../../src/shared/contract';
import { SHIPPED_CONFIG } from '../config/helpers';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';

/** The OKX recording with frames at absurd times: one before the first, two in the middle. */
function withAbsurdTimes(): string {
  const lines = readFileSync(realRecording(REAL.okx), 'utf8').trimEnd().split('\n');
  const firstFrame = lines.findIndex((l) => l.startsWith('{"t"'));
  const copyAt = (index: number, t: string) => lines[index]!.replace(/^\{"t":[^,]+,/, `{"t":${t},`);
  const out = [...lines];
  out.splice(firstFrame + 40, 0, copyAt(firstFrame + 40, '1e19'), copyAt(firstFrame + 41, '1e300'));
  out.splice(firstFrame, 0, copyAt(firstFrame + 2, '1e19'));
  const path = join(mkdtempSync(join(tmpdir(), 'surveil-badtime-')), 'okx-absurd.jsonl');
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

describe('frames at absurd times', () => {
  it('the clock and the guard refuse times they cannot run on', () => {
    const clock = new SampleClock(1000);
    clock.due(Date.UTC(2026, 0, 1));
    expect(clock.due(1e19)).toEqual([]);
    expect(clock.due(Number.POSITIVE_INFINITY)).toEqual([]);
    expect(clock.due(Date.UTC(2026, 0, 1) + 3000)).toEqual([0, 1000, 2000, 3000].map((d) => Date.UTC(2026, 0, 1) + d));
    const guard = new FrameTimeGuard();
    expect([1e19, 1e300, Number.NaN, -5, Number.POSITIVE_INFINITY].map((t) => guard.accept(t))).toEqual([false, false, false, false, false]);
    expect(guard.accept(Date.UTC(2022, 4, 13))).toBe(true);
    // Anchored: two years later is not the same capture or run.
    expect(guard.accept(Date.UTC(2024, 4, 13))).toBe(false);
    expect(guard.accept(Date.UTC(2022, 4, 14))).toBe(true);
    // 1970 beside a 2022 capture is not the same capture either.
    expect(guard.accept(1000)).toBe(false);
    expect(guard.rejected).toBe(7);
  });

  it('surveil replay finishes with the same books and counts them as bad_time', () => {
    const path = withAbsurdTimes();
    const out = join(mkdtempSync(join(tmpdir(), 'surveil-badtime-')), 'report.json');
    const run = surveil(['replay', path, '--speed', 'max', '--report', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      rejected: Record<string, number>;
      firstFrameAt: number;
      lastFrameAt: number;
      instruments: { bestBid: string; bestAsk: string; bidLevels: number; askLevels: number; checksumFailures: number }[];
    };
    expect(report.rejected.bad_time).toBe(3);
    expect(report.instruments[0]).toMatchObject({ bestBid: '5.137', bestAsk: '5.145', bidLevels: 125, askLevels: 118, checksumFailures: 0 });
    expect(report.firstFrameAt).toBeLessThan(Date.UTC(2023, 0, 1));
    expect(report.lastFrameAt).toBeLessThan(Date.UTC(2023, 0, 1));
  }, 60_000);

  it('the console replays it to the end at a speed, without waiting on the bogus times', async () => {
    const path = withAbsurdTimes();
    const states: ReplayState[] = [];
    const session = new ReplaySession(path, 1000, loadConfig(SHIPPED_CONFIG), { onEvaluation: () => undefined, onState: (s) => states.push(s) });
    try {
      await session.start();
      const last = states.at(-1)!;
      expect(last.state).toBe('done');
      expect(last.frameTime!).toBeLessThan(Date.UTC(2023, 0, 1));
      expect(session.pipeline.counters.rejected.bad_time).toBe(3);
    } finally {
      await session.close();
    }
  }, 60_000);
});
