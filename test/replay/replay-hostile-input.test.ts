import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLine, openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { ReplayPacer } from '../../src/engine/replay/replay-pacer';
import type { ReplayReport } from '../../src/engine/replay/replay-report';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-hostile-replay-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ReplayReport;
/** What must come out the same whether a file was cut or written whole up to the cut. */
const outcome = (r: ReplayReport) => ({ frames: r.frames, ignored: r.ignored, ignoredBy: r.ignoredBy, rejected: r.rejected, instruments: r.instruments, alerts: r.alerts });

describe('surveil replay: a recording killed mid-write', () => {
  it('a .jsonl with a cut last line replays to its report, with a warning saying how much was read', () => {
    const dir = tmp();
    const lines = readFileSync(realRecording(REAL.binanceUsdm), 'utf8').split('\n');
    const keep = 700;
    // The whole of lines 1..keep, then half of the next one, no newline: where a killed writer stops.
    const whole = `${lines.slice(0, keep).join('\n')}\n`;
    const cut = join(dir, 'killed.jsonl');
    writeFileSync(cut, `${whole}${lines[keep]!.slice(0, Math.floor(lines[keep]!.length / 2))}`);
    const reference = join(dir, 'whole.jsonl');
    writeFileSync(reference, whole);

    const run = surveil(['replay', cut, '--report', join(dir, 'cut.json')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`surveil replay: warning: ${cut}: recording cut short`);
    expect(run.stderr).toContain(`the last line (${keep + 1}) is cut short`);
    expect(run.stderr).toContain(`read ${keep - 1} frames through line ${keep}`);
    expect(run.stdout).toContain('cut short:');
    const report = readReport(join(dir, 'cut.json'));
    expect(report.truncated).toMatchObject({ file: cut, kind: 'cut_line', frames: keep - 1, lastLine: keep, droppedBytes: Math.floor(lines[keep]!.length / 2) });
    expect(report.frames).toBe(keep - 1);

    // Nothing before the cut was lost: the same report as the file written whole up to it.
    expect(surveil(['replay', reference, '--report', join(dir, 'whole.json')]).code).toBe(0);
    const full = readReport(join(dir, 'whole.json'));
    expect(full.truncated).toBeNull();
    expect(outcome(report)).toEqual(outcome(full));
  });

  it('a .jsonl.gz without its gzip trailer (the writer still open) replays every flushed frame, with the warning', async () => {
    const dir = tmp();
    const frames = await readCaptureFrames(realRecording(REAL.okx));
    const live = join(dir, 'live.jsonl.gz');
    const writer = await openCaptureWriter({ path: live, flushIntervalMs: 0 });
    const killed = join(dir, 'killed.jsonl.gz');
    try {
      for (const frame of frames.slice(0, 80)) writer.onFrame(frame);
      await writer.flush();
      // Copied while open: the deflate stream is synced up to here, the trailer is never written.
      copyFileSync(live, killed);
    } finally {
      await writer.close();
    }
    const run = surveil(['replay', killed, '--report', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`surveil replay: warning: ${killed}: recording cut short (killed while writing?): the gzip stream ends without its trailer`);
    expect(run.stderr).toContain('read 80 frames through line 81');
    const report = readReport(join(dir, 'r.json'));
    expect(report.truncated).toMatchObject({ file: killed, kind: 'no_gzip_trailer', frames: 80, lastLine: 81, droppedBytes: 0 });
    expect(report.frames).toBe(80);
  });

  it('a gzip cut inside a line drops only that line', async () => {
    const dir = tmp();
    const frames = await readCaptureFrames(realRecording(REAL.okx));
    const path = join(dir, 'part.jsonl.gz');
    const { gzipSync } = await import('node:zlib');
    const text = `{"capture":1}\n${frames.slice(0, 20).map(captureLine).join('\n')}\n`;
    const gz = gzipSync(text);
    // Without its 8-byte trailer and some of the deflate data: the last lines come out cut.
    writeFileSync(path, gz.subarray(0, gz.length - 400));
    const run = surveil(['replay', path, '--report', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    const report = readReport(join(dir, 'r.json'));
    expect(report.truncated?.kind).toBe('no_gzip_trailer');
    expect(report.truncated!.frames).toBeLessThan(20);
    expect(report.frames).toBe(report.truncated!.frames);
  });

  it('a gzip cut before its header line ends has nothing to replay, and says so', async () => {
    const dir = tmp();
    const { gzipSync } = await import('node:zlib');
    const path = join(dir, 'early.jsonl.gz');
    writeFileSync(path, gzipSync(`{"capture":1,"source":"recorded","note":"${'x'.repeat(5000)}"}\n`).subarray(0, 15));
    const run = surveil(['replay', path]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: ${path}:1: the gzip stream ends before its header line does (killed while writing?): nothing to replay`);
  });

  it('a corrupt line in the middle is still an error naming file:line: only the tail can be a killed write', () => {
    const dir = tmp();
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n');
    const path = join(dir, 'corrupt.jsonl');
    lines[50] = lines[50]!.slice(0, 40);
    writeFileSync(path, lines.join('\n'));
    const run = surveil(['replay', path, '--report', join(dir, 'r.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${path}:51: not a capture line: invalid JSON`);
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
  });

  it('a cut part followed by another part is a hole in the recording, not a killed tail', () => {
    const dir = tmp();
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n');
    const first = join(dir, 'rec.jsonl');
    writeFileSync(first, `${lines.slice(0, 30).join('\n')}\n${lines[30]!.slice(0, 20)}`);
    writeFileSync(join(dir, 'rec.0001.jsonl'), `{"capture":1,"part":1,"previous":"rec.jsonl"}\n${lines.slice(31, 60).join('\n')}\n`);
    const run = surveil(['replay', first]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${first}:31:`);
    expect(run.stderr).toContain('rec.0001.jsonl continues it: frames are missing in the middle of the recording');
  });
});

describe('surveil replay: a new user\'s mistakes get errors that name the path, before the work', () => {
  it('--report into a missing folder fails at once, naming the path, and replays nothing', () => {
    const dir = tmp();
    const out = join(dir, 'no-such-folder', 'r.json');
    const run = surveil(['replay', realRecording(REAL.okx), '--report', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: --report ${out}: the folder ${join(dir, 'no-such-folder')} does not exist`);
    // No summary: the replay never ran.
    expect(run.stdout).toBe('');
  });

  it('--report naming a folder is refused before the replay', () => {
    const dir = tmp();
    const run = surveil(['replay', realRecording(REAL.okx), '--report', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: --report ${dir}: is a folder: give the name of a file to write`);
    expect(run.stdout).toBe('');
  });

  it('a folder given as the capture is named, not a bare EISDIR', () => {
    const dir = tmp();
    const run = surveil(['replay', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: ${dir}: is a folder, not a capture file`);
  });

  it('a .gz that is not gzip says so, not only "line 1 is not JSON"', () => {
    const dir = tmp();
    const path = join(dir, 'rec.jsonl.gz');
    writeFileSync(path, 'PK\u0003\u0004 a zip archive, not gzip\n');
    const run = surveil(['replay', path]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `surveil replay: ${path}:1: not a capture: the name ends in .gz but the file is not gzip-compressed (no gzip magic bytes), and line 1 is not JSON`,
    );
  });

  it('ignored frames are broken down by reason in the summary and the report', () => {
    const dir = tmp();
    const run = surveil(['replay', realRecording(REAL.binanceUsdm), '--report', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    const report = readReport(join(dir, 'r.json'));
    expect(report.ignored).toBeGreaterThan(0);
    const byReason = Object.entries(report.ignoredBy);
    expect(byReason.reduce((sum, [, n]) => sum + n, 0)).toBe(report.ignored);
    // USD-M's trades and klines are what the console does not follow.
    expect(Object.keys(report.ignoredBy)).toEqual(expect.arrayContaining(['aggTrade', 'kline']));
    expect(run.stdout).toContain(`  ignored (not used by the console): ${byReason.map(([what, n]) => `${what} ${n}`).join(', ')}`);
    // Largest first.
    const counts = byReason.map(([, n]) => n);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});

describe('surveil replay --speed N: a bogus future t is not waited for', () => {
  it('a frame a day ahead is replayed at once and reported with the largest jump', () => {
    const dir = tmp();
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').trimEnd().split('\n');
    const header = lines[0]!;
    const frames = lines.slice(1).map((l) => JSON.parse(l) as { t: number });
    const t0 = frames[0]!.t;
    // The real frames 1 ms apart (at --speed 10 no wait at all), one of them stamped a day ahead: without the
    // bound this waits 2.4 hours and the test times out.
    const DAY = 86_400_000;
    const stamped = frames.map((f, i) => ({ ...f, t: t0 + i }));
    stamped[60] = { ...stamped[60]!, t: t0 + 60 + DAY };
    const path = join(dir, 'future.jsonl');
    writeFileSync(path, `${header}\n${stamped.map((f) => JSON.stringify(f)).join('\n')}\n`);
    const run = surveil(['replay', path, '--speed', '10', '--report', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    const report = readReport(join(dir, 'r.json'));
    expect(report.pacing).toEqual({ speed: 10, maxWaitMs: 5000, jumpsSkipped: 1, largestJumpMs: DAY + 1 });
    expect(run.stdout).toContain('--speed 10: 1 jump forward in time replayed at once instead of waiting more than 5.0 s (largest 86400.0 s)');
    expect(report.frames).toBe(frames.length);
  }, 30_000);

  it('--max-wait is checked on the command line', () => {
    const run = surveil(['replay', realRecording(REAL.okx), '--speed', '2', '--max-wait', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-wait must be a number of seconds');
  });

  it('at --speed max there is no pacing in the report', () => {
    const dir = tmp();
    expect(surveil(['replay', realRecording(REAL.okx), '--report', join(dir, 'r.json')]).code).toBe(0);
    expect(readReport(join(dir, 'r.json')).pacing).toBeNull();
  });
});

describe('ReplayPacer', () => {
  // Wall times are given, not measured: the schedule is a function of them.
  it('waits for ordinary gaps, skips a jump past the bound, and re-anchors when time goes back', () => {
    const pacer = new ReplayPacer(5000);
    expect(pacer.due(1000, 2, 0)).toBe(0);
    expect(pacer.due(3000, 2, 0)).toBe(1000);
    // A day ahead at 2x: 12 h of waiting; replayed at once instead.
    expect(pacer.due(3000 + 86_400_000, 2, 1000)).toBe(0);
    // Back to the real clock: paced from here, not rushed because the anchor lay a day ahead.
    expect(pacer.due(3100, 2, 1000)).toBe(0);
    expect(pacer.due(3300, 2, 1000)).toBe(100);
    expect(pacer.stats()).toEqual({ maxWaitMs: 5000, jumpsSkipped: 1, largestJumpMs: 86_400_000 });
  });
});

describe('console replay: a capture cut short', () => {
  it('finishes "done" with the same warning in its ReplayState', async () => {
    const { ConsoleReplay } = await import('../../src/engine/console/console-replay');
    const { loadConfig } = await import('../../src/engine/config/load-config');
    const { defaultConfigDir } = await import('../../src/engine/config/default-config-dir');
    const { rowContext } = await import('../../src/engine/console/overview');
    const dir = tmp();
    mkdirSync(join(dir, 'caps'));
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n');
    const cut = join(dir, 'caps', 'killed.jsonl');
    writeFileSync(cut, `${lines.slice(0, 90).join('\n')}\n${lines[90]!.slice(0, 33)}`);
    const cli = surveil(['replay', cut]);
    const warning = /surveil replay: warning: (.*)/.exec(cli.stderr)![1]!;
    const config = loadConfig(defaultConfigDir());
    const states: { state: string; warning?: string | null }[] = [];
    let finished = (): void => undefined;
    const ended = new Promise<void>((resolve) => (finished = resolve));
    const replay = await ConsoleReplay.open(cut, 'max', config, rowContext(config), (event) => {
      if (event.type !== 'replay') return;
      states.push(event.state);
      if (event.state.state === 'done' || event.state.state === 'error') finished();
    });
    try {
      replay.start();
      await ended;
      expect(replay.current).toMatchObject({ state: 'done', error: null, frames: 89, warning });
      expect(states.at(-1)).toMatchObject({ state: 'done', warning });
    } finally {
      await replay.close();
    }
  }, 30_000);
});
