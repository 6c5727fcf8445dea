import { parentPort } from 'node:worker_threads';
import { CaptureError, readRecordingBatches, type CaptureTruncation } from './capture-reader';
import type { VenueId } from '../../shared/core/model';
import { venueById } from '../venues/registry';
import type { VenueMapper } from '../venues/venue';
import { packBatch, STOP, TAKEN, type ReadAheadMessage, type ReadRequest } from './read-ahead-protocol';

/**
 * A replay's read-ahead thread (capture-read-ahead.ts starts and reuses it):
 * reads and parses a recording's lines with the same reader as the replay's
 * own thread would, and posts them a batch at a time, never more than `ahead`
 * batches beyond what the replay has taken, so a gigabyte capture is never
 * held in memory. While batches wait for the replay (the replay is the
 * slower side), it also maps them with the pipeline's own mappers and sends
 * the results (map-result-codec.ts). One read at a time; between reads it
 * waits for the next.
 */

const port = parentPort;
if (!port) throw new Error('capture-read-worker.ts runs as a worker thread');

/** Node 20 has Atomics.waitAsync (V8 8.7); TypeScript types it from lib es2024, which this project does not target. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

const post = (message: ReadAheadMessage): void => port.postMessage(message);

async function read(request: ReadRequest): Promise<void> {
  const control = new Int32Array(request.control);
  let posted = 0;
  /** Waits (without blocking this thread's loop) until the replay is fewer than `ahead` batches behind; false once it has stopped. */
  const room = async (): Promise<boolean> => {
    for (let seen = Atomics.load(control, TAKEN); posted - seen >= request.ahead; seen = Atomics.load(control, TAKEN)) {
      if (Atomics.load(control, STOP) === 1) return false;
      const wait = waitAsync(control, TAKEN, seen);
      if (wait.async) await wait.value;
    }
    return Atomics.load(control, STOP) !== 1;
  };
  // The pipeline's own mappers (VenueBooks.mapperFor): one per venue, made from the same limits.
  const mappers = new Map<VenueId, VenueMapper | undefined>();
  const mapperFor = (venue: VenueId): VenueMapper | undefined => {
    if (!mappers.has(venue)) mappers.set(venue, venueById(venue)?.createMapper(request.map?.limits));
    return mappers.get(venue);
  };
  const onTruncated = request.truncationAllowed ? (cut: CaptureTruncation) => post({ type: 'truncated', cut }) : undefined;
  try {
    for await (const batch of readRecordingBatches(request.recording, onTruncated ? { onTruncated } : {})) {
      if (!(await room())) return post({ type: 'stopped' });
      // Mapping here costs this thread more than it saves the replay's (the results are encoded and rebuilt):
      // worth it only while the replay is the slower side, i.e. while batches wait for it. Either way the results are the same.
      const waiting = posted - Atomics.load(control, TAKEN);
      posted++;
      post(packBatch(batch, request.map && (request.map.always || waiting >= request.ahead / 2) ? mapperFor : undefined));
    }
    post({ type: 'end' });
  } catch (error) {
    if (error instanceof CaptureError) post({ type: 'error', name: error.name, message: error.message, file: error.file, line: error.line });
    else {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: 'error', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    }
  }
}

let current: Promise<void> = Promise.resolve();
port.on('message', (request: ReadRequest) => {
  current = current.then(() => read(request));
});
