import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureTotals } from '../../src/engine/console/capture-totals';
import { ReplaySession } from '../../src/engine/console/replay-session';
import { typedCapturePathsAllowed } from '../../src/engine/console/run-console';
import { captureIndexPath } from '../../src/engine/capture/capture-index';
import { simulateToCapture } from '../../src/engine/simulator';
import type { ReplayState } from '../../src/shared/contract';
import { CONFIG, cleanupSimDirs, simDir } from '../simulator/helpers';

afterAll(cleanupSimDirs);

describe('console replay progress (issue 13)', () => {
  it('counts frames of the total from the capture index, from below 100 % up to 100 %, with the capture time range', async () => {
    // gzip: a small capture is read whole in its first 64 KB chunk, so progress by bytes said 100 % from the first frame.
    const path = join(simDir(), 'calm.jsonl.gz');
    await simulateToCapture({ scenario: 'calm', seed: 4, durationMs: 60_000, alerts: CONFIG.alerts, out: path });
    const states: ReplayState[] = [];
    const started = performance.now();
    // Paused part-way by the test (not caught by a timer): the bar must read below 100 % then, however fast the replay.
    let seen = 0;
    const session: ReplaySession = new ReplaySession(path, 'max', CONFIG, {
      onEvaluation: () => undefined,
      onState: (s) => states.push(s),
      onFrame: () => {
        seen += 1;
        if (seen !== 200) return;
        session.pause();
        setTimeout(() => session.play(), 5);
      },
    });
    try {
      await session.start();
    } finally {
      await session.close();
    }
    const wallMs = performance.now() - started;
    const final = states[states.length - 1]!;
    expect(final.state).toBe('done');
    expect(final.progress).toBe(1);
    expect(final.progressBy).toBe('frames');
    expect(final.framesTotal).toBe(final.frames);
    expect(final.firstT).not.toBeNull();
    expect(final.lastT).toBe(final.frameTime);
    const midway = states.filter((s) => (s.state === 'playing' || s.state === 'paused') && s.frames > 0);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway[0]!.progress).toBeLessThan(1);
    expect(midway[0]!.progress).toBeCloseTo(midway[0]!.frames / final.framesTotal!, 2);
    // The index was built on open and saved beside the capture: the next open loads it.
    expect(existsSync(captureIndexPath(path))).toBe(true);
    expect((await captureTotals(path))?.from).toBe('loaded');
    process.stdout.write(`replay-progress: ${final.frames} frames, open + replay ${wallMs.toFixed(0)} ms\n`);
  }, 60_000);

  it('builds the index on open for a small capture, and leaves a large one to progress by bytes', async () => {
    const path = join(simDir(), 'calm.jsonl');
    await simulateToCapture({ scenario: 'calm', seed: 5, durationMs: 120_000, alerts: CONFIG.alerts, out: path });
    const started = performance.now();
    const totals = await captureTotals(path);
    const buildMs = performance.now() - started;
    expect(totals?.from).toBe('built');
    expect(totals?.frames).toBeGreaterThan(100);
    // How long it takes is the seek bench's figure (npm run bench -- seek), not a test's.
    process.stdout.write(`capture-totals: ${totals?.frames} frames indexed on open in ${buildMs.toFixed(0)} ms\n`);
    const other = join(simDir(), 'calm-large.jsonl');
    await simulateToCapture({ scenario: 'calm', seed: 5, durationMs: 20_000, alerts: CONFIG.alerts, out: other });
    expect(await captureTotals(other, { buildBytes: 1000 })).toBeNull();
  }, 60_000);

  it('lets a browser type any capture path only on a loopback bind without a proxy in front', () => {
    expect(typedCapturePathsAllowed('127.0.0.1', undefined)).toBe(true);
    expect(typedCapturePathsAllowed('::1', undefined)).toBe(true);
    expect(typedCapturePathsAllowed('0.0.0.0', undefined)).toBe(false);
    expect(typedCapturePathsAllowed('10.1.2.3', undefined)).toBe(false);
    expect(typedCapturePathsAllowed('127.0.0.1', 'https://desk.example.com')).toBe(false);
  });
});
