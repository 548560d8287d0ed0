// Chunk + hash throughput on one core, in memory: FastCDC, the whole-file SHA-256 and every
// chunk's id (SHA-256 + HMAC of the digest), as the ingest worker does for a large file when
// run all on one thread. CPU time, since the machine is shared:
//   node --import tsx bench/micro/chunk-hash.ts [MiB]
import { createCipheriv, createHash } from 'node:crypto';
import { Chunker } from '../../src-main/engine/chunking/fastcdc';
import { defaultChunkerParams } from '../../src-main/engine/chunking/params';
import { chunkId } from '../../src-main/engine/hashing/chunk-id';

const mib = Number(process.argv[2] ?? 256);
const data = createCipheriv('aes-256-ctr', Buffer.alloc(32, 1), Buffer.alloc(16, 2)).update(Buffer.alloc(mib * 1024 * 1024));
const chunker = new Chunker(defaultChunkerParams, Buffer.alloc(32, 7));
const idKey = Buffer.alloc(32, 9);

function measure(name: string, pass: () => void): void {
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const cpu = process.cpuUsage();
    pass();
    const used = process.cpuUsage(cpu);
    best = Math.max(best, mib / ((used.user + used.system) / 1e6));
  }
  console.log(`${name}: ${best.toFixed(0)} MiB/s per core`);
}

measure('chunk', () => {
  for (let start = 0; start < data.length; ) start += chunker.cut(data, start, data.length, true);
});
measure('sha256 (one pass)', () => {
  createHash('sha256').update(data).digest();
});
measure('chunk + file sha256 + chunk ids', () => {
  const file = createHash('sha256');
  for (let start = 0; start < data.length; ) {
    const length = chunker.cut(data, start, data.length, true);
    const plain = data.subarray(start, start + length);
    file.update(plain);
    chunkId(idKey, plain);
    start += length;
  }
  file.digest('hex');
});
