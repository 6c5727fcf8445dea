import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./boot.mjs', import.meta.url);

/**
 * Starts a worker thread on `entry`. A `.ts` entry (sources run by tsx) goes
 * through boot.mjs, which registers the TypeScript loader inside the thread:
 * Node 20 does not carry `--import` loaders into workers.
 */
export function spawnWorker(entry: URL, workerData: unknown, options: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  if (entry.pathname.endsWith('.ts')) {
    return new Worker(BOOT, { ...options, workerData: { entry: entry.href, data: workerData } });
  }
  return new Worker(entry, { ...options, workerData: { entry: entry.href, data: workerData } });
}
