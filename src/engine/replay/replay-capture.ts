import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCapture } from '../capture/capture-reader';
import { capturePartPaths } from '../capture/capture-writer';
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
  // A long recording rotated into parts (rec.0001.jsonl.gz, ...) replays as one.
  const files = capturePartPaths(path);
  if (files.length === 0) throw new CaptureError(path, null, 'cannot open: no such file');
  const sizes = files.map((f) => statSync(f).size);
  const totalBytes = sizes.reduce((a, b) => a + b, 0) || 1;
  const speed = options.speed;
  let firstT: number | null = null;
  let lastT: number | null = null;
  const wallStart = performance.now();
  let progressAt = 0;
  let doneBytes = 0;
  for (let part = 0; part < files.length && !options.signal?.aborted; part++) {
    const file = files[part]!;
    for await (const { line, frame, bytesRead } of readCapture(file)) {
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
        if (error instanceof UnknownVenueError) throw new CaptureError(file, line, error.message);
        throw error;
      }
      lastT = frame.t;
      if (options.onProgress && frame.t - progressAt > 250) {
        progressAt = frame.t;
        options.onProgress(Math.min(1, (doneBytes + bytesRead) / totalBytes));
      }
    }
    doneBytes += sizes[part]!;
  }
  if (lastT !== null) pipeline.advance(lastT);
  options.onProgress?.(1);
  return { pipeline, report: buildReplayReport(path, pipeline, firstT, lastT) };
}
