// Chunker throughput on pseudo-random bytes, one core, CPU time (the machine is shared, so
// wall time is noisy): node --import tsx bench/micro/chunker.ts [MiB]
import { createCipheriv } from 'node:crypto';
import { Chunker } from '../../src-main/engine/chunking/fastcdc';
import { defaultChunkerParams } from '../../src-main/engine/chunking/params';

const mib = Number(process.argv[2] ?? 256);
const data = createCipheriv('aes-256-ctr', Buffer.alloc(32, 1), Buffer.alloc(16, 2)).update(Buffer.alloc(mib * 1024 * 1024));
const chunker = new Chunker(defaultChunkerParams, Buffer.alloc(32, 7));

let best = 0;
let chunks = 0;
for (let round = 0; round < 6; round++) {
  const cpu = process.cpuUsage();
  let start = 0;
  chunks = 0;
  while (start < data.length) {
    start += chunker.cut(data, start, data.length, true);
    chunks++;
  }
  best = Math.max(best, mib / (process.cpuUsage(cpu).user / 1e6));
}
console.log(`chunker: ${best.toFixed(0)} MiB/s per core (${chunks} chunks, avg ${((mib * 1024) / chunks).toFixed(0)} KiB)`);
