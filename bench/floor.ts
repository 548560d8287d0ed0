/**
 * The floor: how fast any implementation of Cairn's repository format could be on this
 * machine, from the work the format requires, measured step by step, against the speed targets
 * of the repository benchmark (3x restic for large files, 2x for small files and restore), with
 * restic measured on the same data in the same run.
 *
 *   node --import tsx bench/floor.ts [--runs 3]
 *   (needs the full dataset: run `npm run bench -- --scale full` once)
 *
 * Every required step is timed alone on one thread, in CPU seconds (the machine is shared):
 * FastCDC, SHA-256 (three passes per byte: the file digest, the chunk id's HMAC and the pack
 * id), zstd where it shrinks, AES-256-GCM, and the kernel's cost of reading the source and
 * writing packs or restored files. The floor assumes every core busy all the time with nothing
 * else to do: no index, no JS glue, no garbage collection, and a fixed cost of only Node's start
 * plus the passphrase's scrypt. A target above that floor cannot be met on this machine by any design
 * that keeps the format. Writes the "floor" section of bench/RESULTS.md.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, readdirSync, writeSync } from 'node:fs';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scryptSync } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Chunker } from '../src-main/engine/chunking/fastcdc';
import { defaultChunkerParams } from '../src-main/engine/chunking/params';
import { compressBlob, prepareZstd } from '../src-main/engine/compression/zstd';
import { defaultScryptParams } from '../src-main/engine/crypto/key-file';
import { benchDir, defaultDatasetDir } from './dataset';
import { benchPassphrase } from './lib/backup-tools';
import { listFiles } from './lib/file-walk';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { runMeasured, type MeasuredCommand } from './lib/measured-command';
import { readIntoPageCache } from './lib/page-cache';
import { writeResultsSection } from './lib/results-section';
import { median } from './lib/stats';

const projectRoot = path.dirname(benchDir);
const workDir = path.join(benchDir, '.work', 'floor');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MB = 1e6;
const sampleBytes = 256 * MiB;
const smallSample = 2000;

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got "${values.runs}"`);

const log = (line: string): void => console.log(line);

/**
 * The least CPU seconds `work` took in five rounds on this thread: a floor takes the best case
 * (page faults of fresh buffers, other tenants of the machine and such only ever add).
 */
function cpuSeconds(work: () => void): number {
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1e6);
  }
  return Math.min(...samples);
}

/** The first `sampleBytes` of the large files: mostly incompressible, some compressible 2:1. */
async function largeSample(files: readonly { absolute: string }[]): Promise<Buffer> {
  const data = Buffer.allocUnsafe(sampleBytes);
  let filled = 0;
  for (const file of files) {
    const handle = await fs.open(file.absolute, 'r');
    try {
      while (filled < sampleBytes) {
        const { bytesRead } = await handle.read(data, filled, sampleBytes - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } finally {
      await handle.close();
    }
    if (filled === sampleBytes) return data;
  }
  throw new Error(`the large files hold fewer than ${sampleBytes} bytes`);
}

/** CPU seconds per GiB of each step the format requires for every byte of `data`. */
function perByteCosts(data: Buffer): Record<'chunk' | 'sha256' | 'compress' | 'seal' | 'open' | 'write' | 'read', number> {
  const perGiB = (seconds: number) => seconds * (GiB / sampleBytes);
  const chunker = new Chunker(defaultChunkerParams, randomBytes(32));
  const key = randomBytes(32);
  const chunk = (work: (piece: Buffer) => void) => {
    for (let start = 0; start < data.length; start += MiB) work(data.subarray(start, start + MiB));
  };
  const sealed: { nonce: Buffer; body: Buffer; tag: Buffer }[] = [];
  chunk((piece) => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    sealed.push({ nonce, body: Buffer.concat([cipher.update(piece), cipher.final()]), tag: cipher.getAuthTag() });
  });
  const file = path.join(workDir, 'write-test.bin');
  return {
    chunk: perGiB(cpuSeconds(() => {
      for (let start = 0; start < data.length; ) start += chunker.cut(data, start, data.length, true);
    })),
    sha256: perGiB(cpuSeconds(() => void createHash('sha256').update(data).digest())),
    // Cairn's own step: a byte histogram skips what cannot shrink, zstd (level 1) the rest.
    compress: perGiB(cpuSeconds(() => chunk((piece) => void compressBlob(piece)))),
    seal: perGiB(cpuSeconds(() => chunk((piece) => {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
      cipher.update(piece);
      cipher.final();
    }))),
    open: perGiB(cpuSeconds(() => {
      for (const { nonce, body, tag } of sealed) {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce);
        decipher.setAuthTag(tag);
        decipher.update(body);
        decipher.final();
      }
    })),
    write: perGiB(cpuSeconds(() => {
      const fd = openSync(file, 'w');
      chunk((piece) => writeSync(fd, piece));
      fsyncSync(fd);
      closeSync(fd);
    })),
    read: perGiB(cpuSeconds(() => {
      const fd = openSync(file, 'r');
      const buffer = Buffer.allocUnsafe(8 * MiB);
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
      closeSync(fd);
    })),
  };
}

/** CPU seconds per small file: open, stat, read, stat, close, then SHA-256, HMAC, zstd (when it shrinks) and AES-GCM of it. */
function perSmallFileCost(smallDir: string): number {
  const files: string[] = [];
  const collect = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (files.length >= smallSample) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) collect(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  collect(smallDir);
  const key = randomBytes(32);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const seconds = cpuSeconds(() => {
    for (const name of files) {
      const fd = openSync(name, 'r');
      const size = fstatSync(fd).size;
      const got = readSync(fd, buffer, 0, size + 1, 0);
      fstatSync(fd);
      closeSync(fd);
      const plain = buffer.subarray(0, got);
      const digest = createHash('sha256').update(plain).digest();
      createHmac('sha256', key).update(digest).digest();
      compressBlob(plain);
      const cipher = createCipheriv('aes-256-gcm', key, digest.subarray(0, 12));
      cipher.update(plain);
      cipher.final();
    }
  });
  return seconds / files.length;
}

/** Wall seconds of Node starting and exiting, plus scrypt with the repository's parameters. */
async function fixedFloor(): Promise<{ nodeStart: number; scrypt: number }> {
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const result = await runMeasured([process.execPath, '-e', '0']);
    if (result.ok) starts.push(result.wallSeconds);
  }
  const { N, r, p } = defaultScryptParams;
  const scrypt = cpuSeconds(() => void scryptSync(benchPassphrase, randomBytes(16), 32, { N, r, p, maxmem: 256 * MiB }));
  return { nodeStart: median(starts), scrypt };
}

function must(result: MeasuredCommand, what: string): MeasuredCommand {
  if (!result.ok) throw new Error(`${what} failed: ${result.error}`);
  return result;
}

/** restic (encrypted, fresh repository) on large/ and small/, then a restore of large/. */
async function resticTimes(dataset: string): Promise<{ large: number; small: number; restore: number }> {
  const env = { ...process.env, RESTIC_PASSWORD: benchPassphrase, RESTIC_CACHE_DIR: path.join(workDir, 'restic-cache') };
  const large: number[] = [];
  const small: number[] = [];
  const restore: number[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const [part, times] of [['large', large], ['small', small]] as const) {
      const repo = path.join(workDir, `restic-${part}`);
      await fs.rm(repo, { recursive: true, force: true });
      must(await runMeasured(['restic', '-r', repo, 'init'], { env }), 'restic init');
      times.push(must(await runMeasured(['restic', '-r', repo, 'backup', path.join(dataset, part)], { env }), `restic backup ${part}/`).wallSeconds);
      if (part === 'large') {
        const out = path.join(workDir, 'restored');
        await fs.rm(out, { recursive: true, force: true });
        restore.push(must(await runMeasured(['restic', '-r', repo, 'restore', 'latest', '--target', out], { env }), 'restic restore').wallSeconds);
        await fs.rm(out, { recursive: true, force: true });
      }
      await fs.rm(repo, { recursive: true, force: true });
    }
    log(`  restic run ${run}/${runs}: large ${large.at(-1)!.toFixed(2)} s, restore ${restore.at(-1)!.toFixed(2)} s, small ${small.at(-1)!.toFixed(2)} s`);
  }
  return { large: median(large), small: median(small), restore: median(restore) };
}

async function main(): Promise<void> {
  const dataset = defaultDatasetDir('full', 1);
  const [largeFiles, smallFiles] = await Promise.all([listFiles(path.join(dataset, 'large')), listFiles(path.join(dataset, 'small'))]).catch(() => {
    throw new Error(`the full dataset is missing at ${dataset}: run \`npm run bench -- --scale full\` once first`);
  });
  const largeBytes = largeFiles.reduce((sum, file) => sum + file.size, 0);
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.mkdir(workDir, { recursive: true });
  const started = new Date();
  const machine = machineInfo();
  const cores = machine.cpus;
  log(`floor: ${cores} cores, ${machine.cpuModel}; load average ${os.loadavg()[0]!.toFixed(2)}`);
  await readIntoPageCache(dataset);

  log('restic on the same data');
  const restic = await resticTimes(dataset);
  log('required steps, one thread each, CPU time');
  await prepareZstd();
  const perGiB = perByteCosts(await largeSample(largeFiles));
  const perFile = perSmallFileCost(path.join(dataset, 'small'));
  const fixed = await fixedFloor();
  await fs.rm(workDir, { recursive: true, force: true });

  const gib = largeBytes / GiB;
  const fixedSeconds = fixed.nodeStart + fixed.scrypt;
  const ingestCpu = gib * (perGiB.chunk + 3 * perGiB.sha256 + perGiB.compress + perGiB.seal + perGiB.read + perGiB.write);
  const restoreCpu = gib * (perGiB.read + perGiB.open + perGiB.sha256 + perGiB.write);
  const smallCpu = smallFiles.length * perFile;
  const rows = [
    {
      what: `First ingest of large/ (${(largeBytes / MB).toFixed(0)} MB), MB/s`,
      restic: largeBytes / MB / restic.large,
      factor: 3,
      floor: largeBytes / MB / (fixedSeconds + ingestCpu / cores),
      steps: 'FastCDC + 3 × SHA-256 + zstd where it shrinks + AES-GCM seal + read + write',
    },
    {
      what: `Restore of large/, MB/s`,
      restic: largeBytes / MB / restic.restore,
      factor: 2,
      floor: largeBytes / MB / (fixedSeconds + restoreCpu / cores),
      steps: 'read + AES-GCM open + SHA-256 + write',
    },
    {
      what: `Ingest of small/ (${smallFiles.length} files), files/s`,
      restic: smallFiles.length / restic.small,
      factor: 2,
      floor: smallFiles.length / (fixedSeconds + smallCpu / cores),
      steps: 'open, 2 × fstat, read, close + SHA-256, HMAC, zstd, AES-GCM per file',
    },
  ];
  const fmt = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  const table = [
    '| what | restic (median) | target | floor: fastest possible here | target reachable? | steps counted |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map((row) => `| ${row.what} | ${fmt(row.restic)} | ${row.factor}× = ${fmt(row.factor * row.restic)} | ${fmt(row.floor)} (${(row.floor / row.restic).toFixed(2)}× restic) | ${row.floor >= row.factor * row.restic ? 'only just, with nothing else' : '**no**'} | ${row.steps} |`),
  ];
  const steps = [
    '| step (one thread) | CPU s per GiB |',
    '| --- | ---: |',
    `| FastCDC chunking | ${perGiB.chunk.toFixed(3)} |`,
    `| SHA-256, one pass | ${perGiB.sha256.toFixed(3)} |`,
    `| zstd level 1 where it shrinks (histogram first), 1 MiB pieces | ${perGiB.compress.toFixed(3)} |`,
    `| AES-256-GCM seal, 1 MiB pieces | ${perGiB.seal.toFixed(3)} |`,
    `| AES-256-GCM open, 1 MiB pieces | ${perGiB.open.toFixed(3)} |`,
    `| read from the page cache, 8 MiB reads (kernel) | ${perGiB.read.toFixed(3)} |`,
    `| write + fsync, 1 MiB writes (kernel) | ${perGiB.write.toFixed(3)} |`,
    `| one small file: open, fstat ×2, read, close, SHA-256, HMAC, zstd, AES-GCM | ${(perFile * 1e6).toFixed(1)} µs |`,
    `| fixed: Node start (wall) + scrypt N=2^${Math.log2(defaultScryptParams.N)}, r=${defaultScryptParams.r} | ${fixed.nodeStart.toFixed(3)} + ${fixed.scrypt.toFixed(3)} s |`,
  ];
  for (const line of [...table, '', ...steps]) log(line);

  const body = `## Floor: the fastest this format can be on this machine

${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${runs} restic run(s). Machine: ${cores} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ${machine.restic}. Source ${sourceRevision(projectRoot)}. Dataset: the full repository-benchmark dataset (seed 1), read into the page cache first.

The floor counts only the work the repository format requires for every byte or file of this data (the first 256 MiB of large/, 2,000 files of small/), each step timed alone on one thread (CPU seconds, the least of 5 rounds), and assumes all ${cores} cores busy all the time with nothing else: no index, trees, JS, garbage collection or waiting, and a fixed cost of just Node's start plus scrypt. Three SHA-256 passes per ingested byte are required: the file's SHA-256, the chunk id (HMAC-SHA-256 under the repository key) and the pack id (SHA-256 of the sealed pack). restic ran on the same data in the same run (encrypted, fresh repositories, \`restic backup\` / \`restic restore latest\`, wall time).

${table.join('\n')}

${steps.join('\n')}

Reproduce: \`node --import tsx bench/floor.ts --runs ${runs}\``;
  await writeResultsSection(path.join(benchDir, 'RESULTS.md'), 'floor', body);
  log('wrote the "floor" section of bench/RESULTS.md');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
