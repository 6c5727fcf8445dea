import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config';
import { bookLadder } from '../../src/engine/pipeline/book-ladder';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { venueById } from '../../src/engine/venues/registry';
import type { VenueMapper } from '../../src/engine/venues/venue';
import type { ReplaySeekView, ReplayStep } from '../../src/shared/contract';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { SHIPPED_CONFIG } from '../config/helpers';
import { REAL, realRecording } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

/**
 * seekReplay and stepReplay over the WebSocket API, on real recordings opened
 * in a console replay (copied to a temp folder, so the index is saved beside
 * them). The book a seek answers must be the full replay's at that instant,
 * level for level; a step must land on the next or previous frame that
 * touches the book, as a read of the whole capture through the venue's
 * mapper finds them.
 */
const config = loadConfig(SHIPPED_CONFIG);
const settings = pipelineSettingsFrom(config);
const USDM = 'binance-usdm:SUSHIUSDT';
const OKX = 'okx:UNI-USD-SWAP';
let service: ConsoleService;
let server: WebServer;
let client: ApiClient;
let usdm: string;
let okx: string;

beforeAll(async () => {
  const dir = tempDir('surveil-seek-console-');
  usdm = join(dir, REAL.binanceUsdm);
  okx = join(dir, REAL.okx);
  copyFileSync(realRecording(REAL.binanceUsdm), usdm);
  copyFileSync(realRecording(REAL.okx), okx);
  service = new ConsoleService({ config, mode: { kind: 'live' }, simulated: false, dbPath: null, openAnyCapture: true });
  server = await startWebServer({ api: service, port: 0, rootDir: fakeRenderer().root });
  client = await ApiClient.connect(`ws://127.0.0.1:${server.port}/api`);
}, 60_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  await service?.stop();
  cleanupDirs();
});

/** Times of every frame that touches `key`'s book (snapshot, diff, or a refused book message), read from the capture's start. */
async function bookFrameTimes(path: string, key: string): Promise<number[]> {
  const [venue, symbol] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  const mappers = new Map<string, VenueMapper>();
  const times: number[] = [];
  for await (const { frame } of readCapture(path)) {
    let mapper = mappers.get(frame.venue);
    if (!mapper) mappers.set(frame.venue, (mapper = venueById(frame.venue)!.createMapper(config.features.limits)));
    const result = mapper.map(frame);
    const touches =
      result.kind === 'events'
        ? result.events.some((e) => (e.type === 'book_snapshot' || e.type === 'book_delta') && e.venue === venue && e.symbol === symbol)
        : result.kind === 'rejected' && result.symbol === symbol && frame.venue === venue;
    if (touches) times.push(frame.t);
  }
  return times;
}

/** The full replay's state of `key` at `at`, as the seek view shapes it. */
async function fullReplayAt(path: string, key: string, at: number, levels: number) {
  const last = new Map<string, SampleEvaluation>();
  const full = await replayCapture(path, { speed: 'max', settings, until: { time: at }, listener: { onEvaluation: (e) => last.set(e.sample.key, e) } });
  const whole = wholeBooks(full.pipeline)[key] as { valid: boolean; id: number | null; bids: string[]; asks: string[] };
  const sync = full.pipeline.instrumentStates().find((s) => s.key === key)!.sync;
  // The seek's own last step: the clock to the instant, and the sample taken there.
  const stoppedAt = full.stoppedAt ?? at;
  full.pipeline.advance(stoppedAt);
  const sample = full.pipeline.books.sample(stoppedAt).find((s) => s.key === key);
  return {
    stoppedAt: full.stoppedAt,
    book: { id: whole.id, bids: whole.bids.slice(0, levels), asks: whole.asks.slice(0, levels), valid: bookLadder(key, at, sync).valid },
    values: sample?.values,
    evaluation: last.get(key),
  };
}

const levelsOf = (side: readonly (readonly [string, string])[]): string[] => side.map(([p, s]) => `${p}@${s}`);

async function openAndWait(path: string): Promise<void> {
  await client.call('openCapture', { path, speed: 'max' });
  const deadline = Date.now() + 30_000;
  while ((await client.call('snapshot')).replay?.state !== 'done') {
    if (Date.now() > deadline) throw new Error('the replay did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('seekReplay and stepReplay on real recordings (issue 13)', () => {
  it('answers the book, metrics and rule states a full replay has at the instant', async () => {
    await openAndWait(usdm);
    const times = await bookFrameTimes(usdm, USDM);
    expect(times.length).toBeGreaterThan(50);
    const first = (await client.call('snapshot')).replay!.firstT!;
    // Early (the book may still wait for its snapshot), on a book frame, just before one, and late.
    const instants = [first + 1_200, times[Math.floor(times.length / 2)]!, times[Math.floor(times.length * 0.7)]! - 0.5, times[times.length - 2]!];
    for (const at of instants) {
      const started = performance.now();
      const view = await client.call('seekReplay', { capture: usdm, at, instrument: USDM, levels: 50 });
      const ms = performance.now() - started;
      const full = await fullReplayAt(usdm, USDM, at, 50);
      const label = `at +${((at - first) / 1000).toFixed(3)} s (${ms.toFixed(0)} ms)`;
      expect(view.at, label).toBe(full.stoppedAt);
      expect(view.instruments.map((i) => i.key), label).toEqual([USDM]);
      const mine = view.instruments[0]!;
      expect({ id: mine.book.updateId, bids: levelsOf(mine.book.bids), asks: levelsOf(mine.book.asks), valid: mine.book.valid }, label).toEqual(full.book);
      expect(mine.metrics?.values, label).toEqual(full.values);
      // The capture is shorter than the z-score warmup: the seek replays it from its start, rules included.
      expect(view.warmFrom).toBe(first);
      expect(mine.rules?.time, label).toBe(full.evaluation?.sample.time);
      expect(mine.rules?.statuses, label).toEqual(full.evaluation?.rules);
      // The book is as of the last frame touching it at or before the instant.
      expect(mine.bookAsOf, label).toBe(times.filter((t) => t <= at).at(-1) ?? null);
      process.stdout.write(`seekReplay ${label}: ${view.framesReplayed} frames, engine ${view.elapsedMs} ms, index ${view.index}\n`);
    }
    // The book moved between the instants: the comparison is not of one book with itself.
    const a = await client.call('seekReplay', { capture: usdm, at: instants[1]!, instrument: USDM });
    const b = await client.call('seekReplay', { capture: usdm, at: instants[3]!, instrument: USDM });
    expect(a.instruments[0]!.book.updateId).not.toBe(b.instruments[0]!.book.updateId);
    // Without an instrument: every instrument of the capture.
    const all = await client.call('seekReplay', { capture: usdm, at: instants[1]! });
    expect(all.instruments.map((i) => i.key)).toEqual(['binance-usdm:AKROUSDT', USDM]);
    expect(all.instruments[1]!.book.bids).toEqual(a.instruments[0]!.book.bids);
    expect(all.instruments[1]!.bookAsOf).toBeNull();
  }, 120_000);

  it('steps to the next and previous frame touching the book, as a read of the whole capture finds them', async () => {
    await openAndWait(okx);
    const times = await bookFrameTimes(okx, OKX);
    expect(times.length).toBeGreaterThan(10);
    const step = (at: number, direction: 'next' | 'previous'): Promise<ReplayStep> => client.call('stepReplay', { capture: okx, at, instrument: OKX, direction });
    for (const i of [0, 1, Math.floor(times.length / 2), times.length - 2]) {
      const t = times[i]!;
      const next = await step(t, 'next');
      expect(next.current, `from frame ${i}`).toBe(t);
      expect(next.time, `next from frame ${i}`).toBe(times.find((x) => x > t) ?? null);
      // Between two book frames: the current one is the last before, the next the one after.
      const between = (t + next.time!) / 2;
      expect((await step(between, 'next')).time).toBe(next.time);
      const back = await step(between, 'previous');
      expect(back.current).toBe(t);
      expect(back.time, `previous from frame ${i}`).toBe(i === 0 ? null : times[i - 1]!);
    }
    const last = times[times.length - 1]!;
    const end = (await client.call('snapshot')).replay!.lastT!;
    expect((await step(last, 'next')).time).toBe(null);
    expect((await step(end, 'previous')).current).toBe(last);
    // A step then a seek: the book at the next frame is another book (this 2022 recording's OKX books carry no seqId: the levels moved).
    const from = times[Math.floor(times.length / 2)]!;
    const next = (await step(from, 'next')).time!;
    const [here, there] = (await Promise.all([from, next].map((at) => client.call('seekReplay', { capture: okx, at, instrument: OKX, levels: 200 })))) as ReplaySeekView[];
    const book = (view: ReplaySeekView) => ({ bids: view.instruments[0]!.book.bids, asks: view.instruments[0]!.book.asks });
    expect(book(there!)).not.toEqual(book(here!));
    expect(there!.instruments[0]!.book.status).toBe('valid');
    expect(here!.instruments[0]!.bookAsOf).toBe(from);
    expect(there!.instruments[0]!.bookAsOf).toBe(next);
  }, 120_000);

  it('refuses bad requests with clear errors', async () => {
    const snapshot = await client.call('snapshot');
    const open = snapshot.replay!.capture;
    const { firstT, lastT } = snapshot.replay!;
    const seek = (request: unknown) => client.call('seekReplay', request);
    const step = (request: unknown) => client.call('stepReplay', request);
    await expect(seek({ capture: open, at: 'noon' })).rejects.toThrow(/^seekReplay: 0\.at: /);
    await expect(seek({ capture: open, at: -5 })).rejects.toThrow(/^seekReplay: 0\.at: /);
    await expect(seek({ capture: open })).rejects.toThrow(/^seekReplay: 0\.at: /);
    await expect(seek({ capture: open, at: firstT, levels: 0 })).rejects.toThrow(/^seekReplay: 0\.levels: /);
    await expect(seek({ capture: open, at: firstT, levels: 2.5 })).rejects.toThrow(/^seekReplay: 0\.levels: /);
    await expect(seek({ capture: open, at: firstT, levels: 10_000 })).rejects.toThrow(/^seekReplay: 0\.levels: /);
    await expect(seek({ capture: open, at: firstT, instrument: '../etc' })).rejects.toThrow(/^seekReplay: 0\.instrument: expected venue:symbol/);
    await expect(seek({ capture: open, at: firstT, path: '/etc/passwd' })).rejects.toThrow(/^seekReplay: /);
    await expect(seek({ capture: '', at: firstT })).rejects.toThrow(/^seekReplay: 0\.capture: /);
    await expect(seek({ capture: usdm, at: firstT })).rejects.toThrow(`cannot seek: ${usdm} is not the capture open (${open})`);
    await expect(seek({ capture: open, at: firstT! - 1000 })).rejects.toThrow(/^cannot seek: 2022-05-13T.*Z is outside the capture: it runs from 2022-05-13T.*Z to 2022-05-13T.*Z$/);
    await expect(seek({ capture: open, at: lastT! + 1 })).rejects.toThrow(/is outside the capture/);
    await expect(seek({ capture: open, at: lastT!, instrument: 'okx:BTC-USDT' })).rejects.toThrow(/^cannot seek: no instrument okx:BTC-USDT in .* by 2022-05-13T.*Z; seen: .*okx:UNI-USD-SWAP/);
    await expect(step({ capture: open, at: firstT, instrument: OKX })).rejects.toThrow(/^stepReplay: 0\.direction: /);
    await expect(step({ capture: open, at: firstT, instrument: OKX, direction: 'sideways' })).rejects.toThrow(/^stepReplay: 0\.direction: /);
    await expect(step({ capture: open, at: firstT, direction: 'next' })).rejects.toThrow(/^stepReplay: 0\.instrument: /);
    await expect(step({ capture: open, at: firstT, instrument: 'okx:BTC-USDT', direction: 'next' })).rejects.toThrow(/^cannot step: no book of okx:BTC-USDT in .*; its books: okx:UNI-USD-SWAP$/);
    await client.call('controlReplay', { action: 'stop' });
    await expect(seek({ capture: open, at: firstT })).rejects.toThrow('cannot seek: no capture is open; open one in the replay view first');
    await expect(step({ capture: open, at: firstT, instrument: OKX, direction: 'next' })).rejects.toThrow('cannot step: no capture is open');
  }, 60_000);
});
