import { parentPort } from 'node:worker_threads';
import { prepareZstd } from '../compression/zstd';
import { ChunkEncoder } from './chunk-encoder';
import type { IngestWorkerConfig } from './ingest-protocol';
import type { FromSealer, SealJob, SealResult, ToSealer } from './sealer-protocol';
import { serializeError } from './serve-tasks';

/** An ArrayBuffer holding exactly `stored` that may be transferred (copied when it must). */
function ownBuffer(stored: Uint8Array, plain: Uint8Array): ArrayBuffer {
  const { buffer } = stored;
  // `plain` lives in shared memory; small Buffers share Node's pool slab.
  if (stored !== plain && buffer instanceof ArrayBuffer && stored.byteOffset === 0 && stored.byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(stored).buffer;
}

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
  const view = (block: number, job: SealJob) => blocks[block]!.subarray(job.offset, job.offset + job.length);

  port.on('message', (message: ToSealer) => {
    if (message.type === 'buffers') {
      blocks = message.blocks.map((memory) => new Uint8Array(memory));
      return;
    }
    const transfer: ArrayBuffer[] = [];
    let reply: FromSealer;
    try {
      if (message.type === 'hash') {
        reply = { type: 'hashed', ids: message.jobs.map((job) => encoder.id(view(message.block, job))) };
      } else {
        const ids: string[] = [];
        const results = message.jobs.map(({ index, offset, length }): SealResult => {
          const plain = view(message.block, { index, offset, length });
          if (message.withIds) ids.push(encoder.id(plain));
          const { stored, compressed } = encoder.encode(plain);
          const owned = ownBuffer(stored, plain);
          transfer.push(owned);
          return { index, length, compressed, stored: owned };
        });
        reply = { type: 'sealed', ids: message.withIds ? ids : null, results };
      }
    } catch (err) {
      transfer.length = 0;
      reply = { type: 'failed', error: serializeError(err) };
    }
    port.postMessage(reply, transfer);
  });
  port.postMessage({ type: 'ready' } satisfies FromSealer);
}
