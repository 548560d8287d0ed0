// Starts a TypeScript worker entry from source (tests, `node --import tsx`). Node 20 does not
// apply `--import tsx` from a worker's execArgv, so tsx is registered here, inside the worker.
// Built workers are plain .js and never come through this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsEntry);
