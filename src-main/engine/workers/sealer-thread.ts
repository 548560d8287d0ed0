import { parentPort } from 'node:worker_threads';
import { prepareZstd } from '../compression/zstd';
import { ChunkEncoder } from './chunk-encoder';
import type { IngestWorkerConfig } from './ingest-protocol';
import type { FromSealer, SealJob, SealResult, ToSealer } from './sealer-protocol';
import { serializeError } from './serve-tasks';

/**
 * The sealer thread: computes chunk ids and encodes (compresses, seals) the chunks its ingest
 * worker cut in the shared read blocks, while that worker reads and chunks the next block.
 * One large file thus keeps two cores busy with no extra copy of its bytes.
 */
export async function runSealer(config: IngestWorkerConfig): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runSealer() runs only inside a worker thread.');
  if (config.compression) await prepareZstd();
  const encoder = new ChunkEncoder(config);
  let blocks: Uint8Array[] = [];
  let ring: Uint8Array = new Uint8Array(0);
  const view = (block: number, job: SealJob) => blocks[block]!.subarray(job.offset, job.offset + job.length);

  port.on('message', (message: ToSealer) => {
    if (message.type === 'buffers') {
      blocks = message.blocks.map((memory) => new Uint8Array(memory));
      ring = new Uint8Array(message.ring, message.ringDataStart, message.ringCapacity);
      return;
    }
    let reply: FromSealer;
    try {
      if (message.type === 'hash') {
        reply = { type: 'hashed', ids: message.jobs.map((job) => encoder.id(view(message.block, job))) };
      } else {
        const ids: string[] = [];
        const results = message.jobs.map((job): SealResult => {
          const plain = view(message.block, job);
          if (message.withIds) ids.push(encoder.id(plain));
          const { length, compressed } = encoder.encodeInto(plain, ring.subarray(job.out, job.out + encoder.roomFor(job.length)));
          return { index: job.index, length: job.length, compressed, storedLength: length };
        });
        reply = { type: 'sealed', ids: message.withIds ? ids : null, results };
      }
    } catch (err) {
      reply = { type: 'failed', error: serializeError(err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies FromSealer);
}
