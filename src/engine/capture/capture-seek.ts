import type { Instrument } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { captureLineReader, type CaptureLineReader } from './capture-line';
import { SurveillancePipeline, UnknownVenueError, type PipelineSettings } from '../pipeline/surveillance-pipeline';
import type { BookSample } from '../pipeline/venue-books';
import type { ReplayUntil } from '../replay/replay-capture';
import { RuleSummary } from '../replay/rule-summary';
import { CaptureError, capturePartPaths, isBlankLine, isFrameLine, parseCaptureFrame, withoutCr } from './capture-format';
import { readLineAt, readLineRange, type LineRangeEnd } from './capture-range';
import { memberFor } from './gzip-members';
import { venueById } from '../venues/registry';
import type { BookSyncState } from '../venues/venue';
import { isBefore, lastAtOrBefore, lastIndexAtOrBefore, openCaptureIndex, positionAt, readBookState, type CaptureIndexOptions, type FramePosition, type OpenedCaptureIndex } from './capture-index';

// Seek (docs/seek.md): the state of a capture at an instant T without replaying
// it from its start. The index names, per instrument, where a replay must start
// for its book to be rebuilt by a snapshot before T; the frames from there to T
// go through the same pipeline as a replay (mappers, book syncs, metrics,
// z-scores, rules), so the books at T are the ones a full replay has at T.

export interface SeekOptions {
  readonly at: ReplayUntil;
  readonly settings: PipelineSettings;
  /**
   * Instruments whose state is wanted (`key` is `venue:symbol`); default all.
   * Only theirs decide where the replay starts; the others are replayed
   * from there too, and their books may not be rebuilt yet.
   */
  readonly select?: (key: string, instrument: Instrument) => boolean;
  /**
   * Capture time replayed before T so that the z-score windows hold the
   * samples they hold in a full replay: default a full window
   * ({@link defaultWarmupMs}); 0 for the book alone.
   */
  readonly warmupMs?: number;
  /** An index already opened, or how to open it. */
  readonly index?: OpenedCaptureIndex;
  readonly indexOptions?: CaptureIndexOptions;
  readonly signal?: AbortSignal;
}

export interface SeekResult {
  readonly pipeline: SurveillancePipeline;
  readonly index: OpenedCaptureIndex;
  /** The instant asked for (epoch ms). */
  readonly requested: number;
  /** Where the replay stopped: the instant, or the capture's last frame when it ends before. */
  readonly stoppedAt: number;
  /** The capture ends before the instant asked for. */
  readonly pastEnd: boolean;
  /** The instant the z-score windows were warmed from (T - warmup, not before the capture's start). */
  readonly warmFrom: number;
  /** The first frame replayed. */
  readonly start: FramePosition;
  /**
   * Books started from a book-state checkpoint (docs/seek.md) rather than a
   * snapshot: the instrument and the time of the frame after which its sync
   * was restored.
   */
  readonly booksRestored: readonly { readonly key: string; readonly t: number }[];
  /** Frames replayed (metadata frames included) and the decompressed bytes they span. */
  readonly framesReplayed: number;
  readonly bytesReplayed: number;
  /** Every rule's status over the replayed span, per instrument; `latest()` is where they stood at T. */
  readonly rules: RuleSummary;
  /** The last evaluation of each instrument (its last sampling boundary at or before T). */
  readonly evaluations: ReadonlyMap<string, SampleEvaluation>;
  /** Book figures of every instrument at T itself (the pipeline's own sample, taken at T). */
  readonly samplesAtT: readonly BookSample[];
}

/**
 * Capture time a z-score window needs to be the one a full replay has: its
 * samples plus one interval (the z of a sample is taken against the window
 * before it). 0 when z-scores are off.
 */
export function defaultWarmupMs(settings: PipelineSettings): number {
  return settings.zscore.enabled ? (settings.zscore.windowSize + 1) * settings.sampleIntervalMs : 0;
}

/**
 * The state of a capture at an instant: books rebuilt from the last
 * snapshot before it (per instrument), metrics, z-scores and rule states
 * after a warmup (see {@link SeekOptions.warmupMs}).
 */
export async function seekCapture(capture: string, options: SeekOptions): Promise<SeekResult> {
  const opened = options.index ?? (await openCaptureIndex(capture, { ...(options.settings.limits ? { limits: options.settings.limits } : {}), ...options.indexOptions }));
  const index = opened.index;
  const files = capturePartPaths(capture);
  if (files.length !== index.parts.length) throw new CaptureError(capture, null, `the index names ${index.parts.length} part(s), ${files.length} exist: reopen the index`);
  if (index.firstT === null || index.lastT === null) throw new CaptureError(capture, null, 'no frames to seek in');
  const requested = 'time' in options.at ? options.at.time : index.firstT + options.at.offsetMs;
  if (!Number.isFinite(requested)) throw new CaptureError(capture, null, `cannot seek to ${String(requested)}`);
  const warmupMs = options.warmupMs ?? defaultWarmupMs(options.settings);
  const warmFrom = Math.max(index.firstT, requested - warmupMs);

  const rules = new RuleSummary();
  const evaluations = new Map<string, SampleEvaluation>();
  const pipeline = new SurveillancePipeline(options.settings, {
    onEvaluation: (evaluation) => {
      rules.onEvaluation(evaluation);
      evaluations.set(evaluation.sample.key, evaluation);
    },
  });
  const ingest = (frame: ReturnType<typeof parseCaptureFrame>, file: string, line: number): void => {
    try {
      pipeline.ingest(frame);
    } catch (error) {
      if (error instanceof UnknownVenueError) throw new CaptureError(file, line, error.message);
      throw error;
    }
  };

  // Instrument metadata first (contract sizes, tick sizes): a replay from the start has read it by T.
  const metadataAt = new Set<string>();
  let framesReplayed = 0;
  for (let i = 0; i < index.metadata.t.length; i++) {
    const p = positionAt(index.metadata, i);
    if (p.t > requested) break;
    const file = files[p.part]!;
    const stamp = index.parts[p.part]!;
    const text = await readLineAt(file, stamp.gzip, p.offset, memberFor(stamp.members, p.offset));
    if (text === null) throw new CaptureError(file, p.line, 'the index names a line past the end of the file: reopen the index');
    ingest(parseCaptureFrame(file, p.line, withoutCr(text)), file, p.line);
    metadataAt.add(`${p.part}:${p.offset}`);
    framesReplayed++;
  }

  // The start: the earliest of the wanted books' checkpoints before the warmup, and the warmup's own start.
  // A book's own state stored later than its last snapshot before the warmup starts it instead: the seek
  // replays the frame it was stored after, then restores the sync to it (the pipeline makes a book's sync
  // on its first book message, so that frame makes it).
  let start = lastAtOrBefore(index.timeline, warmFrom) ?? positionAt(index.timeline, 0);
  const restores = new Map<string, { key: string; t: number; state: BookSyncState }[]>();
  const wanted = (key: string): boolean => {
    const colon = key.indexOf(':');
    return !options.select || options.select(key, pipeline.directory.resolve(key.slice(0, colon), key.slice(colon + 1)));
  };
  const keys = new Set([...Object.keys(index.books), ...Object.keys(index.bookStates.keys)]);
  for (const key of keys) {
    if (!wanted(key)) continue;
    const columns = index.books[key];
    const snapshot = columns ? lastAtOrBefore(columns, warmFrom) : null;
    const states = index.bookStates.keys[key];
    const i = states ? lastIndexAtOrBefore(states, warmFrom) : -1;
    if (i >= 0 && (snapshot === null || states!.t[i]! > snapshot.t)) {
      const at = positionAt(states!, i);
      const where = `${at.part}:${at.offset}`;
      let list = restores.get(where);
      if (!list) restores.set(where, (list = []));
      list.push({ key, t: at.t, state: readBookState(opened, key, i) });
      if (isBefore(at, start)) start = at;
      continue;
    }
    const checkpoint = snapshot ?? (columns ? lastAtOrBefore(columns, requested) : null);
    if (checkpoint !== null && isBefore(checkpoint, start)) start = checkpoint;
  }
  const booksRestored: { key: string; t: number }[] = [];
  const restore = (part: number, offset: number, file: string, line: number): void => {
    const list = restores.get(`${part}:${offset}`);
    if (!list) return;
    for (const { key, t, state } of list) {
      const held = pipeline.instrumentStates().find((s) => s.key === key);
      if (!held) throw new CaptureError(file, line, `the book-state checkpoint of ${key} names a frame without its book: reopen the index`);
      held.sync ??= venueById(held.instrument.venue)!.createBookSync(held.instrument, options.settings.limits);
      held.sync.restore(state);
      booksRestored.push({ key, t });
    }
  };

  let reached = false;
  let lastT = null as number | null;
  let bytesReplayed = 0;
  /** One line of the span; false once past T. */
  const take = (file: string, part: number, reader: CaptureLineReader, lineNo: number, text: string, offset: number): boolean => {
    if (isBlankLine(text)) return true;
    const frame = reader.parse(lineNo, text);
    if (pipeline.refuseUnbelievableTime(frame)) return true;
    if (frame.t > requested) return false;
    pipeline.advance(frame.t);
    // Read already; the clock still moves on its time, as in a replay from the start.
    if (!metadataAt.has(`${part}:${offset}`)) {
      ingest(frame, file, lineNo);
      if (restores.size > 0) restore(part, offset, file, lineNo);
      framesReplayed++;
      bytesReplayed += Buffer.byteLength(text) + 1;
    }
    lastT = frame.t;
    return true;
  };
  parts: for (let part = start.part; part < files.length; part++) {
    const file = files[part]!;
    const stamp = index.parts[part]!;
    const from = part === start.part ? start.offset : stamp.dataOffset;
    const reader = captureLineReader(file);
    // Line numbers for messages: the start's own, or line 2 of a later part.
    let lineNo = part === start.part ? start.line - 1 : 1;
    let tail = '';
    let tailOffset = 0;
    const onEnd = (end: LineRangeEnd): void => {
      tail = end.tail;
      tailOffset = end.tailOffset;
    };
    for await (const { texts, offsets } of readLineRange(file, stamp.gzip, from, onEnd, memberFor(stamp.members, from))) {
      for (let i = 0; i < texts.length; i++) {
        if (options.signal?.aborted) break parts;
        if (!take(file, part, reader, ++lineNo, texts[i]!, offsets[i]!)) {
          reached = true;
          break parts;
        }
      }
    }
    // A last line without its newline that the index read as a frame (written whole, or whole before a missing
    // gzip trailer, as the reader takes it); a cut one it did not count.
    const whole = stamp.cut === 'none' || (stamp.cut === 'no_gzip_trailer' && isFrameLine(tail));
    if (tail !== '' && whole && !take(file, part, reader, lineNo + 1, tail, tailOffset)) {
      reached = true;
      break;
    }
  }
  const stoppedAt = reached ? requested : (lastT ?? start.t);
  pipeline.advance(stoppedAt);
  const samplesAtT = pipeline.books.sample(stoppedAt);
  return {
    pipeline,
    index: opened,
    requested,
    stoppedAt,
    pastEnd: !reached && requested > stoppedAt,
    warmFrom,
    start,
    booksRestored,
    framesReplayed,
    bytesReplayed,
    rules,
    evaluations,
    samplesAtT,
  };
}

