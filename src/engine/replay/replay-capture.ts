import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCapture } from '../capture/capture-reader';
import { SurveillancePipeline, UnknownVenueError, type PipelineListener, type PipelineSettings } from '../pipeline/surveillance-pipeline';
import { CaptureError } from '../capture/capture-reader';
import { buildReplayReport, type ReplayReport } from './replay-report';

/** `max`: as fast as the machine allows; a number: that multiple of wall-clock time. */
export type ReplaySpeed = 'max' | number;

export interface ReplayOptions {
  readonly speed: ReplaySpeed;
  readonly settings: PipelineSettings;
  readonly listener?: PipelineListener;
  /** Called now and then with the share of the file read (0..1). */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

export interface ReplayResult {
  readonly pipeline: SurveillancePipeline;
  readonly report: ReplayReport;
}

/**
 * Replays a capture through the same mappers, book syncs, metrics and rules
 * as live. Time comes from the frames: samples are taken at each sampling
 * boundary the frames cross, so a replay at any speed yields the same alerts.
 */
export async function replayCapture(path: string, options: ReplayOptions): Promise<ReplayResult> {
  const pipeline = new SurveillancePipeline(options.settings, options.listener);
  const totalBytes = statSync(path).size || 1;
  const speed = options.speed;
  let firstT: number | null = null;
  let lastT: number | null = null;
  const wallStart = performance.now();
  let progressAt = 0;
  for await (const { line, frame, bytesRead } of readCapture(path)) {
    if (options.signal?.aborted) break;
    if (firstT === null) firstT = frame.t;
    if (speed !== 'max') {
      const due = (frame.t - firstT) / speed - (performance.now() - wallStart);
      if (due > 5) await sleep(due);
    }
    pipeline.advance(frame.t);
    try {
      pipeline.ingest(frame);
    } catch (error) {
      if (error instanceof UnknownVenueError) throw new CaptureError(path, line, error.message);
      throw error;
    }
    lastT = frame.t;
    if (options.onProgress && frame.t - progressAt > 250) {
      progressAt = frame.t;
      options.onProgress(Math.min(1, bytesRead / totalBytes));
    }
  }
  if (lastT !== null) pipeline.advance(lastT);
  options.onProgress?.(1);
  return { pipeline, report: buildReplayReport(path, pipeline, firstT, lastT) };
}
