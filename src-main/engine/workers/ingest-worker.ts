// The ingest worker thread's entry, in one of two roles (sealer-protocol.ts): a pool worker,
// or the sealer thread a pool worker starts for large files. Built as its own input
// (`ingest-worker`) so it lands as out/main/ingest-worker.js; from source it runs under tsx
// (see worker-entry.ts).
import { prepareZstd } from '../compression/zstd';
import { IngestRunner } from './ingest-runner';
import type { IngestTask } from './ingest-protocol';
import type { IngestWorkerInput } from './sealer-protocol';
import { runSealer } from './sealer-thread';
import { serveTasks, workerInput } from './serve-tasks';

const input = workerInput() as IngestWorkerInput;

if (input.role === 'sealer') {
  await runSealer(input.config);
} else {
  let runner: IngestRunner | null = null;
  serveTasks(
    async () => {
      if (input.config.compression) await prepareZstd();
      runner = new IngestRunner(input.config);
    },
    (payload, context) => runner!.run(payload as IngestTask, context),
  );
}
