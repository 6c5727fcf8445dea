import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookStatesPath, DEFAULT_BOOK_STATE_SPACING_MS, openCaptureIndex, readBookState, type OpenedCaptureIndex } from '../../src/engine/capture/capture-index';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { seekCapture } from '../../src/engine/capture/capture-seek';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { REAL, repoRoot } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';

/**
 * Book-state checkpoints (docs/seek.md): the real USD-M and spot recordings
 * cloned end to end, gap-free, by the large-replay bench's helper, then every
 * REST depth snapshot but the first of each symbol removed, as a console
 * recording of a diff-depth book has it. Only the index's own book states can
 * then start a seek late in the capture: at several instants the seek's books
 * must be a full replay's (levels as strings, update id, validity), and the
 * frames it replayed bounded by the checkpoint spacing.
 *
 * Without the later snapshots, clone k's diffs go on from the book clone k - 1
 * ended with, not the one they were recorded on, so the recorded bookTicker
 * no longer matches the book and the book-top cross-check (rightly) drifts and
 * invalidates it. The main clones leave bookTicker out; one keeps it, to check
 * that the index follows the pipeline there too (the book invalid in both).
 */
const FRAMES = 40_000;
const SPACING = DEFAULT_BOOK_STATE_SPACING_MS;
const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
const dir = mkdtempSync(join(tmpdir(), 'surveil-book-states-'));

interface Capture {
  readonly path: string;
  readonly times: number[];
  readonly metadata: number;
  readonly snapshots: number;
  opened: OpenedCaptureIndex;
}
const captures: Record<string, Capture> = {};

/** The clone with only the first REST depth snapshot of each symbol. */
async function singleSnapshotClone(name: string, writeClone: (dir: string, name: string) => Promise<{ path: string }>, keepQuotes: boolean): Promise<Capture> {
  const clone = await writeClone(dir, name);
  const lines = readFileSync(clone.path, 'utf8').split('\n').filter((l) => l !== '');
  const path = join(dir, `single-snapshot-${keepQuotes ? 'quotes-' : ''}${name}`);
  const out = createWriteStream(path);
  const seen = new Set<string>();
  let snapshots = 0;
  for (const [i, line] of lines.entries()) {
    if (i > 0) {
      const frame = JSON.parse(line) as { kind: string; url: string; data: string };
      if (!keepQuotes && frame.kind === 'ws' && frame.data.includes('@bookTicker"')) continue;
      if (frame.kind === 'rest' && /\/depth\?/.test(frame.url)) {
        const symbol = new URL(frame.url).searchParams.get('symbol')!;
        if (seen.has(symbol)) continue;
        seen.add(symbol);
        snapshots++;
      }
    }
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  rmSync(clone.path);
  const frames = await readCaptureFrames(path);
  const metadata = frames.filter((f) => /exchangeInfo/.test(f.url)).length;
  return { path, times: frames.map((f) => f.t), metadata, snapshots, opened: await openCaptureIndex(path) };
}

beforeAll(async () => {
  // The helper reads its size from the environment when it is loaded.
  process.env.LARGE_REPLAY_FRAMES = String(FRAMES);
  const { writeClone } = await import('../../bench/large-replay-bench');
  captures.usdm = await singleSnapshotClone(REAL.binanceUsdm, writeClone, false);
  captures.spot = await singleSnapshotClone(REAL.binanceSpot, writeClone, false);
  captures.drift = await singleSnapshotClone(REAL.binanceUsdm, writeClone, true);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Frames of the capture with a time in [from, to]. */
const framesBetween = (times: readonly number[], from: number, to: number): number => times.filter((t) => t >= from && t <= to).length;

describe.each(['usdm', 'spot'])('seek with book-state checkpoints, %s clone with one REST snapshot per book', (name) => {
  it('the index has a book state per book every spacing, in a sidecar beside it, and no snapshot after the first', () => {
    const { opened, snapshots } = captures[name]!;
    const index = opened.index;
    const span = index.lastT! - index.firstT!;
    expect(span).toBeGreaterThan(10 * SPACING);
    expect(index.version).toBe(2);
    expect(index.bookStates.spacingMs).toBe(SPACING);
    expect(statSync(bookStatesPath(opened.path)).size).toBe(index.bookStates.bytes);
    const keys = Object.keys(index.bookStates.keys);
    expect(keys.length).toBe(snapshots);
    for (const key of keys) {
      // A snapshot checkpoint only at the start: every later start is a book state.
      expect(index.books[key]!.t.length, key).toBe(1);
      const states = index.bookStates.keys[key]!;
      expect(states.t.length, key).toBeGreaterThanOrEqual(Math.floor((index.lastT! - index.books[key]!.t[0]!) / (SPACING + 5_000)) - 1);
      for (let i = 1; i < states.t.length; i++) expect(states.t[i]! - states.t[i - 1]!, key).toBeGreaterThanOrEqual(SPACING);
      const state = readBookState(opened, key, states.t.length - 1);
      expect(state.bids.length + state.asks.length, key).toBeGreaterThan(100);
    }
  });

  it('at several instants, the books of a full replay, from at most a spacing of frames', async () => {
    const { path, opened, times, metadata } = captures[name]!;
    const first = opened.index.firstT!;
    const span = opened.index.lastT! - first;
    const keys = Object.keys(opened.index.bookStates.keys);
    for (const fraction of [0.31, 0.62, 0.97]) {
      const at = first + span * fraction;
      const label = `${name} at +${((at - first) / 1000).toFixed(1)} s`;
      const seek = await seekCapture(path, { at: { time: at }, settings, index: opened, warmupMs: 0 });
      const full = await replayCapture(path, { speed: 'max', settings, until: { time: at } });
      expect(wholeBooks(seek.pipeline), label).toEqual(wholeBooks(full.pipeline));
      for (const state of full.pipeline.instrumentStates()) if (state.sync) expect(state.sync.valid, `${label} ${state.key}`).toBe(true);
      expect(seek.booksRestored.map((r) => r.key).sort(), label).toEqual([...keys].sort());
      // Every book restored within a spacing (plus the gap to its next book message) of the instant.
      for (const restored of seek.booksRestored) expect(at - restored.t, `${label} ${restored.key}`).toBeLessThan(SPACING + 5_000);
      expect(seek.start.t, label).toBeGreaterThanOrEqual(at - SPACING - 5_000);
      expect(seek.framesReplayed, label).toBeLessThanOrEqual(framesBetween(times, at - SPACING - 5_000, at) + metadata);
    }
  }, 300_000);

  it('warmed, the books of a full replay too, replaying from one spacing before the warmup at most', async () => {
    const { path, opened, times, metadata } = captures[name]!;
    const at = opened.index.firstT! + (opened.index.lastT! - opened.index.firstT!) * 0.8;
    const seek = await seekCapture(path, { at: { time: at }, settings, index: opened });
    const full = await replayCapture(path, { speed: 'max', settings, until: { time: at } });
    expect(wholeBooks(seek.pipeline)).toEqual(wholeBooks(full.pipeline));
    expect(seek.start.t).toBeGreaterThanOrEqual(seek.warmFrom - SPACING - 5_000);
    expect(seek.framesReplayed).toBeLessThanOrEqual(framesBetween(times, seek.warmFrom - SPACING - 5_000, at) + metadata);
  }, 300_000);

  it('without book states (spacing 0) the same seek replays from the one snapshot: the bound above is a real one', async () => {
    const { path, opened, times } = captures[name]!;
    const at = opened.index.firstT! + (opened.index.lastT! - opened.index.firstT!) * 0.97;
    const bare = await openCaptureIndex(path, { indexPath: join(dir, `${name}-bare.idx`), bookStateSpacingMs: 0 });
    expect(Object.keys(bare.index.bookStates.keys)).toEqual([]);
    const seek = await seekCapture(path, { at: { time: at }, settings, index: bare, warmupMs: 0 });
    const withStates = await seekCapture(path, { at: { time: at }, settings, index: opened, warmupMs: 0 });
    expect(wholeBooks(seek.pipeline)).toEqual(wholeBooks(withStates.pipeline));
    expect(seek.booksRestored).toEqual([]);
    expect(seek.framesReplayed).toBeGreaterThan(framesBetween(times, at - SPACING - 5_000, at) * 10);
    expect(withStates.framesReplayed * 10).toBeLessThan(seek.framesReplayed);
  }, 300_000);
});

describe('a book the pipeline invalidates', () => {
  it('is invalid in the index too: no book state after the drift, and the seek gives the full replay\'s invalid books', async () => {
    const { path, opened } = captures.drift!;
    const first = opened.index.firstT!;
    const at = first + (opened.index.lastT! - first) * 0.6;
    const full = await replayCapture(path, { speed: 'max', settings, until: { time: at } });
    expect(full.pipeline.venueStates()[0]!.bookDrifts).toBeGreaterThan(0);
    const seek = await seekCapture(path, { at: { time: at }, settings, index: opened, warmupMs: 0 });
    expect(wholeBooks(seek.pipeline)).toEqual(wholeBooks(full.pipeline));
    const invalid = full.pipeline.instrumentStates().filter((s) => s.sync?.valid === false).map((s) => s.key);
    expect(invalid.length).toBeGreaterThan(0);
    for (const key of invalid) {
      // Its last book state is older than the instant by much more than a spacing: none was taken while invalid.
      const states = opened.index.bookStates.keys[key];
      expect(at - (states?.t[states.t.length - 1] ?? first), key).toBeGreaterThan(3 * SPACING);
    }
  }, 300_000);
});

describe('the book-state sidecar is never trusted silently', () => {
  it('a missing or resized sidecar rebuilds the index; a damaged record is refused by name', async () => {
    const { path, opened } = captures.usdm!;
    const indexPath = join(dir, 'check.idx');
    const built = await openCaptureIndex(path, { indexPath });
    expect(built.saved).toBe(true);
    const sidecar = bookStatesPath(indexPath);
    expect(sidecar).toBe(join(dir, 'check.ckpt'));
    const bytes = readFileSync(sidecar);
    rmSync(sidecar);
    const missing = await openCaptureIndex(path, { indexPath });
    expect([missing.status, missing.reason]).toEqual(['rebuilt', 'the book-state checkpoints check.ckpt are missing']);
    writeFileSync(sidecar, Buffer.concat([bytes, Buffer.from('x')]));
    const resized = await openCaptureIndex(path, { indexPath });
    expect([resized.status, resized.reason]).toEqual(['rebuilt', `check.ckpt is ${bytes.length + 1} bytes, the index names ${bytes.length}`]);
    // Same size, other bytes: the read of that record says so (gzip CRC, key, time).
    const key = Object.keys(opened.index.bookStates.keys)[0]!;
    const columns = opened.index.bookStates.keys[key]!;
    const loaded = await openCaptureIndex(path, { indexPath });
    expect(loaded.status).toBe('loaded');
    const damaged = Buffer.from(bytes);
    const at = columns.at[1]!;
    damaged[at + 20] = damaged[at + 20]! ^ 0xff;
    writeFileSync(sidecar, damaged);
    expect(() => readBookState(loaded, key, 1)).toThrow(/book-state checkpoint of .* is damaged: reopen the index/);
    expect(readBookState(loaded, key, 0).bids.length).toBeGreaterThan(0);
  });

  it('a version 1 index is rebuilt, not misread', async () => {
    const { path } = captures.spot!;
    const indexPath = join(dir, 'old.idx');
    const built = await openCaptureIndex(path, { indexPath });
    const old = { ...built.index, version: 1 } as Record<string, unknown>;
    delete old.bookStates;
    writeFileSync(indexPath, JSON.stringify(old));
    const reopened = await openCaptureIndex(path, { indexPath });
    expect([reopened.status, reopened.reason]).toEqual(['rebuilt', 'corrupt index: version 1, this build reads 2']);
  });
});
