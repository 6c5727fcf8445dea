import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../shared/config';
import { pipelineSettingsFrom } from '../pipeline/pipeline-settings';
import { CaptureSeeker, type SeekRequest, type StepRequest } from './replay-seek';

/**
 * The console's seek worker (seek-client.ts starts it): seeks and steps in
 * captures one request at a time, off the main thread. A seek replays up to
 * a z-score window of frames (docs/seek.md: up to a second or two), which
 * the console's main thread must not spend.
 */
export interface SeekWorkerData {
  readonly config: Config;
}

export type SeekWorkerRequest =
  | { readonly id: number; readonly op: 'seek'; readonly request: SeekRequest }
  | { readonly id: number; readonly op: 'step'; readonly request: StepRequest };

export type SeekWorkerAnswer = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

const port = parentPort;
if (!port) throw new Error('seek-worker.ts runs as a worker thread');
const data = (workerData as { data: SeekWorkerData }).data;
const seeker = new CaptureSeeker(pipelineSettingsFrom(data.config), data.config.features.limits);

let queue: Promise<void> = Promise.resolve();
port.on('message', (message: SeekWorkerRequest) => {
  queue = queue.then(async () => {
    let answer: SeekWorkerAnswer;
    try {
      const result = message.op === 'seek' ? await seeker.seek(message.request) : await seeker.step(message.request);
      answer = { id: message.id, ok: true, result };
    } catch (error) {
      answer = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
});
