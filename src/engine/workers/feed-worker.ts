/**
 * Feed worker: one venue's sockets, decode and books, off the main thread.
 * At each sampling boundary it posts the books' figures to the analytics
 * worker; raw frames never leave this thread (except into a capture file).
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openCaptureWriter, RECORDING_GZIP_MEMBER_BYTES, type CaptureWriter } from '../capture/capture-writer';
import { bookLadder, LADDER_INTERVAL_MS } from '../pipeline/book-ladder';
import { liveFeedObservation } from '../live/feed-observation';
import { LiveSession, type LiveTarget } from '../live/live-session';
import { SampleClock } from '../pipeline/sample-clock';
import { VenueBooks } from '../pipeline/venue-books';
import { venueById } from '../venues/registry';
import { epochNow } from './epoch-clock';
import { SamplePacker } from './packed-samples';
import { LoopDelay } from '../threads/loop-delay';
import type { FeedCommand, FeedEvent, FeedToAnalytics, FeedWorkerData, SampleTrigger } from './messages';

const data = (workerData as { data: FeedWorkerData }).data;
const { config, venue: venueId } = data;
const port: MessagePort = data.analytics;
const toAnalytics = (message: FeedToAnalytics) => port.postMessage(message);
const toMain = (message: FeedEvent) => parentPort!.postMessage(message);

const books = new VenueBooks(
  {
    staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
    referenceStaleMs: config.features.referenceStaleSeconds * 1000,
    depthBandsBps: config.features.depthBandsBps,
    instruments: config.instruments,
    limits: config.features.limits,
    deepVerify: config.features.deepVerify,
  },
  { onSyncEvent: (key, kind, time, detail) => toAnalytics({ type: 'sync_event', key, kind, time, ...(detail === undefined ? {} : { detail }) }) },
);
const clock = new SampleClock(config.features.sampling.intervalMs);

const packer = new SamplePacker();

/** Posts the samples of every boundary due at `now`. */
function sampleDue(now: number, by: SampleTrigger['by']): void {
  const due = clock.due(now);
  if (due.length === 0) return;
  const trigger: SampleTrigger = { by, at: epochNow() };
  for (const time of due) {
    const samples = books.sample(time);
    const feed = liveFeedObservation(venueId, books, session.status(), time);
    const packed = packer.pack(time, samples);
    toAnalytics({ type: 'book_samples', venue: venueId, time, packed, feed, trigger: { ...trigger, sampledAt: epochNow() } });
  }
}

/**
 * In the last {@link MEASURE_AHEAD_MS} before a boundary, the books changed
 * since their last measurement are measured in idle turns of at most
 * {@link MEASURE_SLICE_MS}, at most one turn per {@link MEASURE_EVERY_MS}
 * while every book is up to date: the boundary's `sample` then walks only
 * the books changed in its last moments, not the whole venue, on the path
 * from the boundary's frame to an alert. Figures are the same either way
 * (a book's measurement holds while its version does).
 */
const MEASURE_AHEAD_MS = 150;
const MEASURE_SLICE_MS = 2;
const MEASURE_EVERY_MS = 5;
let measureScheduled = false;
let measuredAt = -Infinity;

function measureAhead(): void {
  if (measureScheduled || performance.now() - measuredAt < MEASURE_EVERY_MS) return;
  measureScheduled = true;
  setImmediate(measureTurn);
}

function measureTurn(): void {
  const done = books.measureChanged(performance.now() + MEASURE_SLICE_MS);
  measuredAt = performance.now();
  const ahead = clock.untilNext(Date.now());
  if (!done && ahead > 0 && ahead <= MEASURE_AHEAD_MS) setImmediate(measureTurn);
  else measureScheduled = false;
}

const target: LiveTarget = {
  ingest(frame) {
    // The first frame past a boundary takes its samples before it is applied,
    // as replay does: the boundary is judged on arrival, not up to a timer
    // tick later. untilNext first: no array per frame between boundaries.
    const ahead = clock.untilNext(frame.t);
    if (ahead <= 0) sampleDue(frame.t, 'frame');
    books.ingest(frame);
    if (ahead > 0 && ahead <= MEASURE_AHEAD_MS) measureAhead();
  },
  booksWantingSnapshot: () => books.booksWantingSnapshot(),
  takeNewlyWanting: () => books.takeNewlyWanting(),
  resetInstruments: (keys) => books.resetInstruments(keys),
  advance: (now) => sampleDue(now, 'timer'),
};

const venue = venueById(venueId);
if (!venue) throw new Error(`feed worker: unknown venue ${venueId}`);
// The host hands a feed its own exchange's block only; anything else is a host bug, not a config to run on.
const foreign = Object.keys(config.exchanges).filter((exchange) => exchange !== venue.config.exchange);
if (foreign.length > 0) throw new Error(`feed worker ${venueId}: given other venues' exchanges.yaml blocks (${foreign.join(', ')}); expected only ${venue.config.exchange}`);
// A worker records from its first frame (metadata and snapshots included), so a
// console recording starts a fresh worker; stopping only closes the file.
let writer: CaptureWriter | null = data.captureOut
  ? await openCaptureWriter({
      path: data.captureOut,
      header: { source: 'recorded', venue: venueId, instruments: data.subscriptions.map((s) => s.symbol) },
      gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES,
    })
  : null;
const session = new LiveSession({
  pipeline: target,
  sampleIntervalMs: config.features.sampling.intervalMs,
  createFeeds: (sink) => [venue.createFeed({ subscriptions: data.subscriptions, exchanges: config.exchanges, limits: config.features.limits, sink })],
  extraSink: { onFrame: (frame) => writer?.onFrame(frame) },
});
session.start();

const loopDelay = new LoopDelay();
const statusTimer = setInterval(() => {
  const [status] = session.status();
  if (status) toMain({ type: 'feed_status', status, counters: books.counters, venues: books.venueStates(), heapUsedBytes: getHeapStatistics().used_heap_size, loopDelayMs: loopDelay.take() });
}, 1000);

/** The book the console watches, if it is one of this venue's. */
let watched: string | null = null;
const bookTimer = setInterval(() => {
  if (watched === null) return;
  const state = books.instrumentStates().find((s) => s.key === watched);
  if (state) toMain({ type: 'book', ladder: bookLadder(state.key, Date.now(), state.sync) });
}, LADDER_INTERVAL_MS);

parentPort!.on('message', (command: FeedCommand) => {
  switch (command.type) {
    case 'stop':
      void stop();
      return;
    case 'watch_book':
      watched = command.key;
      return;
    case 'record_stop':
      void stopRecording();
      return;
    case 'tiers':
      books.setTiers(new Map(command.tiers));
      return;
    case 'crash':
      // Thrown outside any handler, as a bug would be: the worker dies and the host restarts it.
      setImmediate(() => {
        throw new Error('feed worker crash requested');
      });
      return;
  }
});

async function stopRecording(): Promise<void> {
  const closing = writer;
  writer = null;
  if (!closing) {
    toMain({ type: 'recording_stopped', path: null, frames: 0, bytes: 0, files: [] });
    return;
  }
  await closing.close().catch(() => undefined);
  const stats = closing.stats();
  toMain({ type: 'recording_stopped', path: data.captureOut ?? null, frames: stats.frames, bytes: stats.bytes, files: stats.files });
}

async function stop(): Promise<void> {
  clearInterval(statusTimer);
  loopDelay.stop();
  clearInterval(bookTimer);
  await session.stop();
  await writer?.close();
  toMain({ type: 'stopped' });
  port.close();
  parentPort!.close();
}
