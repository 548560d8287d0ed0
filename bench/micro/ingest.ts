// Full ingest job throughput (read + chunk + hash + id + compress probe + seal + transfer to the
// main thread), chunks dropped on arrival. Files should be in the page cache (run twice).
//   node --import tsx bench/micro/ingest.ts big <file> [<file> ...]   # all files at once
//   node --import tsx bench/micro/ingest.ts small <folder>           # every file under it
// Env: CAIRN_BENCH_PLAIN=1 for an unencrypted repository, CAIRN_BENCH_NO_COMPRESSION=1,
// CAIRN_BENCH_NO_SEALER=1 for workers without their sealer thread, CAIRN_BENCH_ASK_KNOWN=1 to
// pass isKnown (answering "no") as the snapshotter does.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deriveRepoKeys, plainRepoKeys } from '../../src-main/engine/crypto/repo-keys';
import { IngestPool } from '../../src-main/engine/workers/ingest-pool';

const [mode, ...targets] = process.argv.slice(2);
const encrypted = process.env.CAIRN_BENCH_PLAIN !== '1';
const compression = process.env.CAIRN_BENCH_NO_COMPRESSION !== '1';
const keys = encrypted ? deriveRepoKeys(randomBytes(64)) : plainRepoKeys({ macKey: randomBytes(32), chunkerSeed: randomBytes(32) });
const sealerThreads = process.env.CAIRN_BENCH_NO_SEALER !== '1';
const isKnown = process.env.CAIRN_BENCH_ASK_KNOWN === '1' ? () => false : undefined;
const pool = await IngestPool.create({ keys, compression, sealerThreads });
const label = `${encrypted ? 'encrypted' : 'plain'}${compression ? '' : ', no compression'}, ${pool.size} workers${sealerThreads ? ' + sealers' : ''}${isKnown ? ', isKnown' : ''}`;

/**
 * CPU milliseconds per thread (Linux): on a shared machine wall time says little, but the
 * busiest thread bounds what an idle machine can do.
 */
function threadCpu(): Map<string, number> {
  const times = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return times;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(tid === String(process.pid) ? 'main' : tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // the thread ended meanwhile
    }
  }
  return times;
}

function busiestThreads(before: Map<string, number>): string {
  const used = [...threadCpu()].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const).filter(([, ms]) => ms >= 100);
  return used
    .sort((a, b) => b[1] - a[1])
    .map(([tid, ms]) => `${tid === 'main' ? 'main' : 'thread'} ${(ms / 1000).toFixed(2)}`)
    .join(', ');
}

function walk(folder: string, out: { path: string; size: number }[]): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push({ path, size: statSync(path).size });
  }
}

async function runBig(paths: string[]): Promise<void> {
  const bytes = paths.reduce((sum, path) => sum + statSync(path).size, 0);
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const threads0 = threadCpu();
    await Promise.all(paths.map((path) => pool.ingestFile(path, { onChunk: () => {}, isKnown })));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `${paths.length} file(s), ${(bytes / 2 ** 20).toFixed(0)} MiB (${label}): ${seconds.toFixed(2)} s, ${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s,` +
        ` ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (all threads; busiest: ${busiestThreads(threads0)})`,
    );
  }
}

async function runSmall(folder: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const threads0 = threadCpu();
    const files: { path: string; size: number }[] = [];
    walk(folder, files);
    const listed = performance.now();
    // Keep a bounded number of files in flight, as a caller walking a tree would.
    let next = 0;
    const lane = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        await pool.ingestFile(file.path, { sizeHint: file.size, onChunk: () => {}, isKnown });
      }
    };
    await Promise.all(Array.from({ length: 512 }, lane));
    const end = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    console.log(
      `${files.length} small files, ${(bytes / 2 ** 20).toFixed(0)} MiB (${label}): ${((end - t0) / 1000).toFixed(2)} s with listing` +
        ` (${((listed - t0) / 1000).toFixed(2)} s listing), ${(files.length / ((end - listed) / 1000)).toFixed(0)} files/s ingest alone,` +
        ` ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (all threads; busiest: ${busiestThreads(threads0)})`,
    );
  }
}

if (mode === 'big') await runBig(targets);
else if (mode === 'small' && targets[0]) await runSmall(targets[0]);
else console.error('usage: ingest.ts big <file>... | small <folder>');
await pool.close();
