// Worker entry when the engine runs from TypeScript sources (CLI via tsx, tests):
// registers tsx's loader in this thread, then imports the real entry. The built
// console bundles its workers to JavaScript and starts them directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
