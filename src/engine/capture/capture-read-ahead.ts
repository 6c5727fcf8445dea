import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../threads/spawn-worker';
import { CaptureError, readRecordingBatches, type CaptureRecording, type ReadCaptureOptions } from './capture-reader';
import { STOP, TAKEN, unpackBatch, type MappedBatch, type ReadAheadMessage, type ReadRequest } from './read-ahead-protocol';

const ENTRY = new URL(`./capture-read-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Below this size a recording is read on the replay's own thread: a thread
 * saves about a quarter of the replay's time, so a file that replays in less
 * time than a thread takes to start (tens of ms compiled, 250 ms under tsx)
 * gains nothing. Tests replay hundreds of small captures.
 */
export const READ_AHEAD_MIN_BYTES = 8 * 1024 * 1024;

/** Batches the reading thread may be ahead of the replay: enough to ride over a slow read, few enough to bound memory (64 KB of lines each). */
export const AHEAD_BATCHES = 8;

/** A reading thread left idle this long is stopped. */
const IDLE_MS = 30_000;

/**
 * One reading thread, reused from read to read: replays that follow each
 * other (`surveil evaluate`, the console's replays, a bench's rounds) do not
 * each pay for a thread's start.
 */
class ReaderThread {
  private readonly worker: Worker;
  private listener: ((message: ReadAheadMessage) => void) | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Why the thread is gone (it crashed or exited); null while it runs. */
  failure: Error | null = null;

  constructor() {
    stats.threadsStarted++;
    this.worker = spawnWorker(ENTRY, null);
    this.worker.on('message', (message: ReadAheadMessage) => this.listener?.(message));
    const lost = (error: Error): void => {
      this.failure ??= error;
      pool.forget(this);
      this.listener?.({ type: 'error', name: error.name, message: error.message });
    };
    this.worker.on('error', lost);
    // A batch that cannot be deserialized would otherwise never arrive, and the replay would wait for it forever.
    this.worker.on('messageerror', lost);
    this.worker.on('exit', (code) => lost(new Error(`the capture reading thread stopped (exit code ${code})`)));
  }

  /** Starts a read; `listener` gets its messages until {@link release}. While a read runs, the thread keeps the process alive. */
  start(request: ReadRequest, listener: (message: ReadAheadMessage) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.listener = listener;
    this.worker.ref();
    this.worker.postMessage(request);
  }

  /** The read is over: back to the pool, or stopped when one is idle there already. */
  release(): void {
    this.listener = null;
    if (!this.failure) pool.give(this);
  }

  /** Waits in the pool: it must not keep a finishing process alive, and it stops after a while unused. */
  rest(): void {
    this.worker.unref();
    this.idleTimer = setTimeout(() => {
      pool.forget(this);
      void this.worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  stop(): void {
    void this.worker.terminate();
  }

  /** Stopped early: it goes back to the pool once it says the read has ended. */
  drain(control: Int32Array): void {
    Atomics.store(control, STOP, 1);
    // TAKEN moves too: a thread that read STOP as 0 and is about to wait on TAKEN's old value must not wait for a wake already sent.
    Atomics.add(control, TAKEN, 1);
    Atomics.notify(control, TAKEN);
    this.listener = (message) => {
      if (message.type === 'stopped' || message.type === 'end' || message.type === 'error') this.release();
    };
  }
}

/** At most one reading thread waits between reads. */
const pool = {
  idle: null as ReaderThread | null,
  take(): ReaderThread {
    const thread = this.idle ?? new ReaderThread();
    this.idle = null;
    return thread;
  },
  give(thread: ReaderThread): void {
    if (this.idle !== null) return thread.stop();
    this.idle = thread;
    thread.rest();
  },
  forget(thread: ReaderThread): void {
    if (this.idle === thread) this.idle = null;
  },
};
const stats = { reads: 0, threadsStarted: 0, maxQueued: 0, frames: 0, framesMapped: 0 };

/**
 * Reads and threads started so far, the most batches ever waiting for a
 * replay (bounded by AHEAD_BATCHES), frames read ahead and how many of them
 * were mapped ahead, and whether a thread waits in the pool.
 */
export function readAheadStats(): { readonly reads: number; readonly threadsStarted: number; readonly maxQueued: number; readonly frames: number; readonly framesMapped: number; readonly idle: boolean } {
  return { ...stats, idle: pool.idle !== null };
}

/**
 * {@link readRecordingBatches}, with the reading and line parsing done on a
 * thread of its own, so the replay's thread spends itself on the books,
 * metrics and rules (a quarter of a replay was reading lines:
 * docs/performance.md). The same batches and frames, the same errors (a
 * CaptureError naming file and line, after the frames before the damaged
 * line), the same truncation report. Leaving the loop early stops the read.
 */
export async function* readRecordingAhead(recording: CaptureRecording, options: ReadAheadOptions = {}): AsyncGenerator<MappedBatch, void, undefined> {
  const control = new Int32Array(new SharedArrayBuffer(8));
  stats.reads++;
  const thread = pool.take();
  const queue: ReadAheadMessage[] = [];
  let wake: (() => void) | null = null;
  const request: ReadRequest = { recording, truncationAllowed: options.onTruncated !== undefined, ahead: AHEAD_BATCHES, control: control.buffer as SharedArrayBuffer, ...(options.map ? { map: options.map } : {}) };
  thread.start(request, (message) => {
    if (queue.push(message) > stats.maxQueued && message.type === 'batch') stats.maxQueued = queue.length;
    const w = wake;
    wake = null;
    w?.();
  });
  let ended = false;
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = queue.shift()!;
      switch (message.type) {
        case 'batch':
          // Taken before it is replayed, so the thread reads the next one meanwhile. (A message back per batch cost 30 µs; an atomic costs nothing.)
          Atomics.add(control, TAKEN, 1);
          Atomics.notify(control, TAKEN);
          {
            const batch = unpackBatch(message);
            stats.frames += batch.frames.length;
            if (batch.mapped) for (const result of batch.mapped) if (result !== undefined) stats.framesMapped++;
            yield batch;
          }
          break;
        case 'truncated':
          options.onTruncated?.(message.cut);
          break;
        case 'end':
        case 'stopped':
          ended = true;
          return;
        case 'error':
          ended = true;
          throw rebuildError(message);
      }
    }
  } finally {
    // Left early with the read's last message already here (its last batches come with it): the read is over.
    const over = ended || queue.some((m) => m.type === 'end' || m.type === 'stopped' || m.type === 'error');
    if (over) thread.release();
    else thread.drain(control);
  }
}

export interface ReadAheadOptions extends ReadCaptureOptions {
  /** Map the frames ahead too, as the pipeline would with these limits (ReadRequest.map). */
  readonly map?: ReadRequest['map'];
}

/** The recording's batches: read (and mapped) ahead on a thread for a large recording, read on this one for a small one (or as told). */
export function recordingBatches(recording: CaptureRecording, options: ReadAheadOptions & { readonly readAhead?: boolean } = {}): AsyncGenerator<MappedBatch, void, undefined> {
  const ahead = options.readAhead ?? recording.bytes >= READ_AHEAD_MIN_BYTES;
  return ahead ? readRecordingAhead(recording, options) : readRecordingBatches(recording, options);
}

function rebuildError(message: Extract<ReadAheadMessage, { type: 'error' }>): Error {
  if (message.name === 'CaptureError' && message.file !== undefined) {
    const prefix = message.line === null || message.line === undefined ? `${message.file}: ` : `${message.file}:${message.line}: `;
    return new CaptureError(message.file, message.line ?? null, message.message.startsWith(prefix) ? message.message.slice(prefix.length) : message.message);
  }
  const error = new Error(message.message);
  error.name = message.name;
  if (message.stack) error.stack = message.stack;
  return error;
}
