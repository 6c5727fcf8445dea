import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Config } from '../../shared/config';
import type { ReplaySpeed, ReplayState } from '../../shared/contract';
import type { Acknowledgement, AlertEvent, Instrument } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { checkCaptureFile, openRecording, readCaptureHeader, type CaptureTruncation } from '../capture/capture-reader';
import { recordingBatches } from '../capture/capture-read-ahead';
import { DEFAULT_MAX_WAIT_MS } from '../replay/replay-capture';
import { ReplayPacer } from '../replay/replay-pacer';
import { pipelineSettingsFrom } from '../pipeline/pipeline-settings';
import { SurveillancePipeline } from '../pipeline/surveillance-pipeline';
import { openHistoryDb, type HistoryDatabase } from '../storage/history-db';
import { HistoryWriter } from '../storage/history-writer';
import type { FeedAlertStep } from '../../shared/core/feed-integrity';
import { captureTotals } from './capture-totals';

/** What a replay reports as it goes (called on the main thread, between slices). */
export interface ReplayListener {
  onEvaluation(evaluation: SampleEvaluation, instrument: Instrument): void;
  /** Feed-integrity alert transitions of a boundary (gaps, stale, crossed books in the capture). */
  onFeedAlerts?(step: FeedAlertStep): void;
  /** Each frame as it goes in (per-venue counts for the feed view). */
  onFrame?(venue: string): void;
  onState(state: ReplayState): void;
}

/** At `max` speed the loop hands the thread back this often, so requests and events keep flowing. */
const SLICE_MS = 12;
/** Progress reported at most this often (wall clock). */
const STATE_INTERVAL_MS = 250;

/**
 * A capture replayed for the console: the same pipeline as `surveil replay`
 * (time comes from the frames; a rotated recording plays every part in order,
 * read as `surveil replay` reads it), but driven by a loop that can pause, change
 * speed and stop, and that yields to the event loop between slices so the
 * main thread never blocks. History goes to a database in a temp folder, so
 * series and alert history answer on the replayed market; it is deleted on
 * close.
 */
export class ReplaySession {
  readonly pipeline: SurveillancePipeline;
  readonly db: HistoryDatabase;
  private readonly writer: HistoryWriter;
  private readonly folder: string;
  private state: ReplayState;
  private wake: (() => void) | null = null;
  private stopped = false;
  private readonly pacer = new ReplayPacer(DEFAULT_MAX_WAIT_MS);
  private truncated: CaptureTruncation | null = null;
  private lastStateAt = 0;
  private done: Promise<void> = Promise.resolve();
  private readonly pipelineLimits: Config['features']['limits'];

  constructor(
    readonly capture: string,
    speed: ReplaySpeed,
    config: Config,
    private readonly listener: ReplayListener,
    /** Where an imported capture came from ({@link ReplayState.source}), or null. */
    source: string | null = null,
  ) {
    checkCaptureFile(capture);
    this.folder = mkdtempSync(join(tmpdir(), 'surveil-console-replay-'));
    this.db = openHistoryDb(join(this.folder, 'history.sqlite'));
    this.writer = new HistoryWriter(this.db);
    this.pipeline = new SurveillancePipeline(pipelineSettingsFrom(config), {
      onEvaluation: (evaluation, instrument) => {
        this.writer.onEvaluation(evaluation, instrument);
        listener.onEvaluation(evaluation, instrument);
      },
      onSyncEvent: (key, kind, time, detail) => this.writer.onSyncEvent(key, kind, time, detail),
      onFeedAlerts: (step) => {
        this.writer.onFeedAlerts(step);
        listener.onFeedAlerts?.(step);
      },
    });
    this.pipelineLimits = config.features.limits;
    this.state = { capture, state: 'playing', speed, progress: 0, progressBy: 'bytes', framesTotal: null, firstT: null, lastT: null, frameTime: null, frames: 0, error: null, warning: null, source };
  }

  /** Starts playing; resolves when the replay is done, failed or stopped. */
  start(): Promise<void> {
    this.done = this.run();
    return this.done;
  }

  get current(): ReplayState {
    return this.state;
  }

  play(): ReplayState {
    if (this.state.state === 'paused') this.update({ state: 'playing' }, true);
    return this.state;
  }

  pause(): ReplayState {
    if (this.state.state === 'playing') this.update({ state: 'paused' }, true);
    return this.state;
  }

  setSpeed(speed: ReplaySpeed): ReplayState {
    this.update({ speed }, true);
    return this.state;
  }

  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    const event = this.pipeline.acknowledge(alertId, ack);
    if (event) this.writer.acknowledge(alertId, ack, event);
    return event;
  }

  /** Stops the loop, closes the database and deletes its folder. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    await this.done;
    this.writer.close();
    this.db.close();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async run(): Promise<void> {
    try {
      const recording = openRecording(this.capture);
      // Frames and time range from the capture's index (built now for a small capture): the bar then counts frames,
      // not compressed bytes (which a small gzip capture reads whole in its first chunk: 100 % from the start).
      const totals = await captureTotals(this.capture, { limits: this.pipelineLimits });
      if (this.stopped) return;
      if (totals) this.update({ progressBy: 'frames', framesTotal: totals.frames, firstT: totals.firstT, lastT: totals.lastT }, true);
      let read = 0;
      let slice = performance.now();
      const onTruncated = (cut: CaptureTruncation): void => {
        this.truncated = cut;
      };
      const reading = { onTruncated, map: { ...(this.pipelineLimits ? { limits: this.pipelineLimits } : {}) } };
      for await (const { frames, recordingBytesRead, mapped } of recordingBatches(recording, reading)) {
        for (let i = 0; i < frames.length; i++) {
          const frame = frames[i]!;
          read++;
          // An unbelievable time is counted (bad_time) and never paced on or shown as the replay's "now".
          if (this.pipeline.refuseUnbelievableTime(frame)) continue;
          await this.pace(frame.t);
          if (this.stopped) return;
          this.pipeline.advance(frame.t);
          this.pipeline.ingest(frame, mapped?.[i]);
          this.listener.onFrame?.(frame.venue);
          const progress = totals && totals.frames > 0 ? read / totals.frames : recordingBytesRead / recording.bytes;
          this.state = { ...this.state, frameTime: frame.t, frames: this.state.frames + 1, progress: Math.min(1, progress) };
          if (performance.now() - slice > SLICE_MS) {
            await yieldToLoop();
            slice = performance.now();
            this.update({}, false);
          }
        }
      }
      if (this.state.frameTime !== null) this.pipeline.advance(this.state.frameTime);
      this.writer.flush();
      this.update({ state: 'done', progress: 1, warning: this.warning() }, true);
    } catch (error) {
      if (this.stopped) return;
      this.writer.flush();
      this.update({ state: 'error', error: error instanceof Error ? error.message : String(error) }, true);
    }
  }

  /** Waits while paused, then until this frame is due at the current speed (scaled from an anchor reset on every change). */
  private async pace(frameT: number): Promise<void> {
    for (;;) {
      while (this.state.state === 'paused' && !this.stopped) await this.sleep(null);
      const speed = this.state.speed;
      if (this.stopped || speed === 'max') return;
      const due = this.pacer.due(frameT, speed, performance.now());
      if (due <= 5) {
        const warning = this.warning();
        if (warning !== this.state.warning) this.update({ warning }, true);
        return;
      }
      // Woken early by pause, speed or stop: the loop looks again.
      await this.sleep(due);
    }
  }

  /** The ReplayState warning: the cut tail (once the end is reached) and the jumps not waited for. */
  private warning(): string | null {
    const { jumpsSkipped, largestJumpMs, maxWaitMs } = this.pacer.stats();
    const parts: string[] = [];
    if (this.truncated) parts.push(this.truncated.message);
    if (jumpsSkipped > 0) {
      parts.push(`${jumpsSkipped} jump${jumpsSkipped === 1 ? '' : 's'} forward in time replayed at once instead of waiting more than ${maxWaitMs / 1000} s (largest ${((largestJumpMs ?? 0) / 1000).toFixed(1)} s)`);
    }
    return parts.length === 0 ? null : parts.join('; ');
  }

  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(() => done(), ms);
      const done = () => {
        if (timer) clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private wakeUp(): void {
    this.wake?.();
  }

  private update(change: Partial<ReplayState>, force: boolean): void {
    this.state = { ...this.state, ...change };
    if (change.speed !== undefined || change.state !== undefined) {
      this.pacer.reset();
      this.wakeUp();
    }
    const now = performance.now();
    if (!force && now - this.lastStateAt < STATE_INTERVAL_MS) return;
    this.lastStateAt = now;
    this.listener.onState(this.state);
  }
}

/** True when a capture's header says the simulator made it (the console must say so on screen). */
export async function captureIsSimulated(path: string): Promise<boolean> {
  try {
    return (await readCaptureHeader(path)).source === 'simulator';
  } catch {
    return false;
  }
}
