// The ingest worker thread's entry, in one of two roles (sealer-protocol.ts): a pool worker
// (ingest tasks, and writing restored files: restore-file.ts), or the sealer thread a pool
// worker starts for large files. Built as its own input (`ingest-worker`) so it lands as
// out/main/ingest-worker.js; from source it runs under tsx (see worker-entry.ts).
import { prepareZstd } from '../compression/zstd';
import { IngestRunner } from './ingest-runner';
import type { IngestTask, IngestWorkerKeys } from './ingest-protocol';
import type { RestoreFileTask } from './restore-protocol';
import { restoreFileOnWorker } from './restore-file';
import type { IngestWorkerInput } from './sealer-protocol';
import { runSealer } from './sealer-thread';
import { lateWorkerInput, serveTasks, workerInput } from './serve-tasks';

const input = workerInput() as IngestWorkerInput;

if (input.role === 'sealer') {
  await runSealer(input.config);
} else {
  const settings = input.settings;
  let runner: IngestRunner | null = null;
  let blobKey: Uint8Array | null = null;
  serveTasks(
    async () => {
      if (settings.compression) await prepareZstd();
      // The keys come last: everything above ran while the passphrase was being checked.
      const keys = (await lateWorkerInput()) as IngestWorkerKeys;
      blobKey = keys.blobKey;
      runner = new IngestRunner({ ...settings, ...keys });
    },
    (payload, context) => {
      const task = payload as IngestTask | RestoreFileTask;
      return task.type === 'restore' ? restoreFileOnWorker(task, context, blobKey) : runner!.run(task, context);
    },
  );
}
