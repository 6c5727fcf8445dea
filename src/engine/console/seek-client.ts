import type { Worker } from 'node:worker_threads';
import type { Config } from '../../shared/config';
import type { ReplaySeekView, ReplayStep } from '../../shared/contract';
import { spawnWorker } from '../threads/spawn-worker';
import type { SeekRequest, StepRequest } from './replay-seek';
import type { SeekWorkerAnswer, SeekWorkerData, SeekWorkerRequest } from './seek-worker';

const SEEK_ENTRY = new URL(`./seek-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * The console's handle on its seek worker (seek-worker.ts): started on the
 * first seek, asked one request at a time (the worker queues them), started
 * again after it dies. A request the worker never answers (it died) fails
 * with the reason instead of hanging.
 */
export class SeekClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly config: Config) {}

  seek(request: SeekRequest): Promise<ReplaySeekView> {
    return this.ask({ op: 'seek', request }) as Promise<ReplaySeekView>;
  }

  step(request: StepRequest): Promise<ReplayStep> {
    return this.ask({ op: 'step', request }) as Promise<ReplayStep>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('the console is stopping'));
    if (worker) await worker.terminate();
  }

  private ask(message: Omit<SeekWorkerRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id } as SeekWorkerRequest);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: SeekWorkerData = { config: this.config };
    const worker = spawnWorker(SEEK_ENTRY, data);
    // Idle, it must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (answer: SeekWorkerAnswer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.result);
      else waiter.reject(new Error(answer.error));
    });
    const lost = (reason: string): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(new Error(`the seek worker stopped (${reason}): try again`));
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
