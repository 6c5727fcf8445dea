import { statSync } from 'node:fs';
import type { LimitsSettings } from '../../shared/config';
import { MAX_SEEK_INSTRUMENTS, type ApiArgs, type ReplaySeekView, type ReplayStep, type SeekInstrument } from '../../shared/contract';
import type { MetricName } from '../../shared/core/model';
import { openCaptureIndex, type OpenedCaptureIndex } from '../capture/capture-index';
import { seekCapture, type SeekResult } from '../capture/capture-seek';
import { bookFrameAfter, bookFramesAround } from '../capture/capture-step';
import { capturePartPaths } from '../capture/capture-format';
import type { PipelineSettings } from '../pipeline/surveillance-pipeline';
import { bookLadder } from '../pipeline/book-ladder';

/** Levels per side a seek answers when the request does not say. */
export const SEEK_LEVELS = 10;

export type SeekRequest = ApiArgs<'seekReplay'>[0];
export type StepRequest = ApiArgs<'stepReplay'>[0];

/** A refused seek or step: the instant or the instrument is not in the capture. */
export class SeekRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeekRequestError';
  }
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * The console's seek and step over one capture at a time (docs/seek.md, "The
 * console"): `seekCapture()` for the state at an instant, the capture index
 * and the venues' mappers for the frames around it. Keeps the index of the
 * captures it was asked about, reopened when a part changes. Runs in the
 * seek worker (seek-worker.ts), so a seek that replays a z-score window of
 * frames never holds the console's main thread.
 */
export class CaptureSeeker {
  private readonly indexes = new Map<string, { opened: OpenedCaptureIndex; stamp: string }>();

  constructor(
    private readonly settings: PipelineSettings,
    private readonly limits?: Partial<LimitsSettings>,
  ) {}

  async seek(request: SeekRequest): Promise<ReplaySeekView> {
    const started = performance.now();
    const opened = await this.index(request.capture);
    const { firstT, lastT } = this.range(opened, request.at, request.capture);
    const key = request.instrument;
    const result = await seekCapture(request.capture, {
      at: { time: request.at },
      settings: this.settings,
      index: opened,
      ...(key === undefined ? {} : { select: (k: string) => k === key }),
    });
    const states = result.pipeline.instrumentStates().filter((s) => key === undefined || s.key === key);
    if (key !== undefined && states.length === 0) {
      const seen = result.pipeline.instrumentStates().map((s) => s.key).join(', ') || 'none';
      throw new SeekRequestError(`no instrument ${key} in ${request.capture} by ${iso(result.stoppedAt)}; seen: ${seen}`);
    }
    states.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const shown = states.slice(0, MAX_SEEK_INSTRUMENTS);
    const levels = request.levels ?? SEEK_LEVELS;
    const asOf = key === undefined ? null : (await bookFramesAround(request.capture, result.stoppedAt, { key, index: opened, ...this.limitsOption() })).current;
    return {
      capture: request.capture,
      requested: result.requested,
      at: result.stoppedAt,
      firstT,
      lastT,
      warmFrom: result.warmFrom,
      framesReplayed: result.framesReplayed,
      elapsedMs: Math.round(performance.now() - started),
      index: opened.status,
      instruments: shown.map((s) => instrumentAt(result, s.key, levels, key === s.key ? asOf : null)),
      omitted: states.length - shown.length,
    };
  }

  async step(request: StepRequest): Promise<ReplayStep> {
    const opened = await this.index(request.capture);
    this.range(opened, request.at, request.capture);
    this.knownBook(opened, request.instrument, request.capture);
    const options = { key: request.instrument, index: opened, ...this.limitsOption() };
    const around = await bookFramesAround(request.capture, request.at, options);
    const time = request.direction === 'previous' ? around.previous : (await bookFrameAfter(request.capture, request.at, options)).next;
    return { capture: request.capture, instrument: request.instrument, direction: request.direction, from: request.at, current: around.current, time };
  }

  private limitsOption(): { limits?: Partial<LimitsSettings> } {
    return this.limits ? { limits: this.limits } : {};
  }

  /** The capture's index: kept while no part changed size or mtime, else opened again (loaded when current, or built). */
  private async index(capture: string): Promise<OpenedCaptureIndex> {
    const stamp = capturePartPaths(capture)
      .map((file) => {
        const s = statSync(file);
        return `${file}:${s.size}:${s.mtimeMs}`;
      })
      .join('|');
    const kept = this.indexes.get(capture);
    if (kept && kept.stamp === stamp) return { ...kept.opened, status: 'loaded', buildMs: 0 };
    const opened = await openCaptureIndex(capture, this.limitsOption());
    this.indexes.set(capture, { opened, stamp });
    return opened;
  }

  /** The capture's time range; an instant outside it is refused, with the range in words. */
  private range(opened: OpenedCaptureIndex, at: number, capture: string): { firstT: number; lastT: number } {
    const { firstT, lastT } = opened.index;
    if (firstT === null || lastT === null) throw new SeekRequestError(`${capture} has no frames to seek in`);
    if (at < firstT || at > lastT) {
      throw new SeekRequestError(`${iso(at)} is outside the capture: it runs from ${iso(firstT)} to ${iso(lastT)}`);
    }
    return { firstT, lastT };
  }

  /** An instrument whose book the capture never carries cannot be stepped through or seeked by its book. */
  private knownBook(opened: OpenedCaptureIndex, key: string, capture: string): void {
    if (Object.hasOwn(opened.index.books, key)) return;
    const books = Object.keys(opened.index.books).sort();
    throw new SeekRequestError(`no book of ${key} in ${capture}; its books: ${books.length > 0 ? books.join(', ') : 'none'}`);
  }
}

/** One instrument of a seek, as the console shows it. */
function instrumentAt(result: SeekResult, key: string, levels: number, bookAsOf: number | null): SeekInstrument {
  const state = result.pipeline.instrumentStates().find((s) => s.key === key)!;
  const sync = state.sync;
  const ladder = bookLadder(key, result.stoppedAt, sync, levels);
  const sample = result.samplesAtT.find((s) => s.key === key);
  const evaluation = result.evaluations.get(key);
  return {
    key,
    instrumentId: state.instrument.id,
    book: { ...ladder, status: sync === null ? 'none' : ladder.valid ? 'valid' : 'invalid', updateId: sync?.lastUpdateId ?? null },
    bookAsOf,
    metrics: sample ? { time: sample.time, bookValid: sample.bookValid, values: sample.values, covered: sample.covered } : null,
    rules: evaluation
      ? {
          time: evaluation.sample.time,
          zscores: Object.fromEntries(Object.entries(evaluation.zscores).map(([metric, z]) => [metric, z && z.ready ? z.z : null])) as Partial<Record<MetricName, number | null>>,
          statuses: evaluation.rules,
        }
      : null,
  };
}
