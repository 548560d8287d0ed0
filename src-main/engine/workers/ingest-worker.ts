// The ingest worker thread's entry. Built as its own input (`ingest-worker`) so it lands as
// out/main/ingest-worker.js; from source it runs under tsx (see worker-entry.ts).
import { prepareZstd } from '../compression/zstd';
import { IngestRunner } from './ingest-runner';
import type { IngestTask, IngestWorkerConfig } from './ingest-protocol';
import { serveTasks, workerInput } from './serve-tasks';

let runner: IngestRunner | null = null;

serveTasks(
  async () => {
    const config = workerInput() as IngestWorkerConfig;
    if (config.compression) await prepareZstd();
    runner = new IngestRunner(config);
  },
  (payload, context) => runner!.run(payload as IngestTask, context),
);
