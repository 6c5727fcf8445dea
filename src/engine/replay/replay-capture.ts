import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureError, openRecording, type CaptureTruncation } from '../capture/capture-reader';
import { recordingBatches } from '../capture/capture-read-ahead';
import { SurveillancePipeline, UnknownVenueError, type PipelineListener, type PipelineSettings } from '../pipeline/surveillance-pipeline';
import { buildReplayReport, type ReplayPacing, type ReplayReport } from './replay-report';
import { readCaptureSource } from '../import/import-source';
import { ReplayPacer } from './replay-pacer';
import { RuleSummary } from './rule-summary';

/** `max`: as fast as the machine allows; a number: that multiple of wall-clock time. */
export type ReplaySpeed = 'max' | number;

/** Where a replay stops: an absolute time (epoch ms) or an offset from the capture's first frame. */
export type ReplayUntil = { readonly time: number } | { readonly offsetMs: number };

export interface ReplayOptions {
  readonly speed: ReplaySpeed;
  readonly settings: PipelineSettings;
  readonly listener?: PipelineListener;
  /** Called now and then with the share of the file read (0..1). */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
  /** Stop at this instant: frames after it are not read, samples up to it are taken. */
  readonly until?: ReplayUntil;
  /**
   * With a numeric speed, the longest wall-clock wait for one frame (ms,
   * default {@link DEFAULT_MAX_WAIT_MS}): a jump forward in `t` that would
   * wait longer is replayed at once and counted in the report's `pacing`.
   */
  readonly maxWaitMs?: number;
  /**
   * Read and parse the capture's lines on a thread of their own, which also
   * maps frames while this thread is the slower one (default: for a
   * recording of READ_AHEAD_MIN_BYTES or more); false reads on this thread;
   * `map-every-frame` has the reading thread map every frame (tests, benches).
   */
  readonly readAhead?: boolean | 'map-every-frame';
}

/** A bogus future `t` (a frame a day ahead) must not put a `--speed 2` replay to sleep for 12 hours. */
export const DEFAULT_MAX_WAIT_MS = 5000;

export interface ReplayResult {
  readonly pipeline: SurveillancePipeline;
  readonly report: ReplayReport;
  /** Every rule's status over the run, per instrument. */
  readonly rules: RuleSummary;
  /** Where the replay stopped (the `until` instant, or the last frame); null for a capture without frames. */
  readonly stoppedAt: number | null;
  /** The recording was cut short (killed mid-write): what was read of its last file; also in the report. */
  readonly truncated: CaptureTruncation | null;
}

/**
 * Replays a capture through the same mappers, book syncs, metrics and rules
 * as live. Time comes from the frames: samples are taken at each sampling
 * boundary the frames cross, so a replay at any speed yields the same alerts.
 */
export async function replayCapture(path: string, options: ReplayOptions): Promise<ReplayResult> {
  const rules = new RuleSummary();
  const outer = options.listener;
  const pipeline = new SurveillancePipeline(options.settings, {
    onEvaluation: (evaluation, instrument) => {
      rules.onEvaluation(evaluation);
      outer?.onEvaluation?.(evaluation, instrument);
    },
    onSyncEvent: (key, kind, time, detail) => outer?.onSyncEvent?.(key, kind, time, detail),
    onFeedAlerts: (step) => outer?.onFeedAlerts?.(step),
  });
  // A long recording rotated into parts (rec.0001.jsonl.gz, ...) replays as one.
  const recording = openRecording(path);
  const speed = options.speed;
  const pacer = speed === 'max' ? null : new ReplayPacer(options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  let firstT: number | null = null;
  let lastT: number | null = null;
  let progressAt = 0;
  let until: number | null = options.until && 'time' in options.until ? options.until.time : null;
  let reachedUntil = false;
  let truncated: CaptureTruncation | null = null;
  // Only the last file of a recording can be the one a killed writer left open: a cut part with parts after it is a hole (a CaptureError).
  const onTruncated = (cut: CaptureTruncation): void => {
    truncated = cut;
  };
  if (!options.signal?.aborted) {
    // A chunk of lines at a time: one trip through the event loop per chunk, not per frame.
    // Read ahead, the frames are mapped ahead too, with the pipeline's own limits.
    const map = { ...(options.settings.limits ? { limits: options.settings.limits } : {}), always: options.readAhead === 'map-every-frame' };
    const reading = { onTruncated, map, ...(options.readAhead !== undefined ? { readAhead: options.readAhead !== false } : {}) };
    batches: for await (const { frames, lines, file, recordingBytesRead, mapped } of recordingBatches(recording, reading)) {
      for (let i = 0; i < frames.length; i++) {
        if (options.signal?.aborted) break batches;
        const frame = frames[i]!;
        // A frame whose time cannot be believed is counted (bad_time) and its time used nowhere: not as the start, a stop or a wait.
        if (pipeline.refuseUnbelievableTime(frame)) continue;
        if (firstT === null) {
          firstT = frame.t;
          if (options.until && 'offsetMs' in options.until) until = firstT + options.until.offsetMs;
        }
        if (until !== null && frame.t > until) {
          reachedUntil = true;
          break batches;
        }
        if (pacer && typeof speed === 'number') {
          const due = pacer.due(frame.t, speed, performance.now());
          if (due > 5) await sleep(due);
        }
        pipeline.advance(frame.t);
        try {
          pipeline.ingest(frame, mapped?.[i]);
        } catch (error) {
          if (error instanceof UnknownVenueError) throw new CaptureError(file, lines[i]!, error.message);
          throw error;
        }
        lastT = frame.t;
        if (options.onProgress && frame.t - progressAt > 250) {
          progressAt = frame.t;
          options.onProgress(Math.min(1, recordingBytesRead / recording.bytes));
        }
      }
    }
  }
  // Past the last frame read, the samples due up to the stop instant are still taken: "at TIME" means the state at TIME.
  const stoppedAt = reachedUntil ? until : lastT;
  if (stoppedAt !== null) pipeline.advance(stoppedAt);
  options.onProgress?.(1);
  const pacing: ReplayPacing | null = pacer && typeof speed === 'number' ? { speed, ...pacer.stats() } : null;
  const source = await readCaptureSource(path);
  const report = buildReplayReport(path, pipeline, firstT, lastT, rules, { truncated, pacing, source });
  return { pipeline, report, rules, stoppedAt, truncated };
}
