import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { maxWriteBytes } from '../backends/durable-file-write';
import { prepareZstd } from '../compression/zstd';
import { open } from '../crypto/aead';
import { blobPlain } from '../repo/blob-plain';
import { CorruptRepositoryError } from '../repo/errors';
import { TaskCancelledError } from './pool-errors';
import type { RestoreFileResult, RestoreFileTask, RestoreRunMessage, RestoreWrittenEvent } from './restore-protocol';
import type { TaskContext } from './serve-tasks';

/** Blobs are sealed without associated data (as Repository seals them). */
const blobAad = new Uint8Array(0);

/**
 * The worker side of restoring a file: creates `task.temp`, then opens (AES-256-GCM, which
 * authenticates every chunk), decompresses and writes each run as it arrives, hashing the
 * plain bytes. Everything is synchronous on this thread: the main thread only reads packs.
 */
export async function restoreFileOnWorker(task: RestoreFileTask, context: TaskContext, blobKey: Uint8Array | null): Promise<RestoreFileResult> {
  if (task.runs.some((run) => run.some((chunk) => chunk.compressed))) await prepareZstd();
  const arrived: RestoreRunMessage[] = [];
  let wake: (() => void) | null = null;
  context.onMessage((payload) => {
    arrived.push(payload as RestoreRunMessage);
    wake?.();
  });
  const cancelled = new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  const fd = openSync(task.temp, 'wx', 0o600);
  try {
    const hash = createHash('sha256');
    let position = 0;
    for (let index = 0; index < task.runs.length; index++) {
      while (arrived.length === 0 && !context.signal.aborted) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), cancelled]);
        wake = null;
      }
      if (context.signal.aborted) throw new TaskCancelledError(`restoring "${task.temp}"`);
      const message = arrived.shift()!;
      if (message.index !== index) throw new Error(`run ${message.index} arrived where run ${index} was expected`);
      let written = 0;
      for (const chunk of task.runs[index]!) {
        const stored = message.bytes.subarray(chunk.start, chunk.start + chunk.storedLength);
        if (stored.length !== chunk.storedLength) throw new CorruptRepositoryError(chunk.label, `only ${stored.length} of its ${chunk.storedLength} bytes could be read`);
        const plain = blobPlain(blobKey ? open(blobKey, stored, blobAad, chunk.label) : stored, chunk, chunk.label);
        hash.update(plain);
        for (let offset = 0; offset < plain.length; ) {
          offset += writeSync(fd, plain, offset, Math.min(maxWriteBytes, plain.length - offset), position + offset);
        }
        position += plain.length;
        written += plain.length;
      }
      context.post({ type: 'written', index, bytes: written } satisfies RestoreWrittenEvent);
      // Let a cancel message in even while runs are queued here.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { size: position, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}
