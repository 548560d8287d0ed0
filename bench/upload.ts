/**
 * The upload benchmark: how fast `cairn backup` sends a repository to an S3 endpoint, against
 * `rclone copy` of the same repository folder to the same server, in the same run.
 *
 *   node --import tsx bench/upload.ts [--gib 1] [--runs 3]
 *
 * Builds a repository of about --gib GiB of packs once (bench/.work/upload/repository, reused
 * while its size matches), starts s3rver on loopback, and per run uploads it into a fresh
 * bucket with each tool (the order alternates between runs). Prints and writes the "upload"
 * section of bench/RESULTS.md: medians of the runs and the median paired ratio. Exits 1 when a
 * measurement failed.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isRepositoryObject } from '../src-main/engine/replicate/object-order';
import { Vault } from '../src-main/engine/vault/vault';
import { startS3rver, type S3rverInstance } from '../test/helpers/s3rver';
import { writeIncompressibleFile } from './lib/dataset-generate';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { runMeasured, type MeasuredCommand } from './lib/measured-command';
import { writeResultsSection } from './lib/results-section';
import { median, medianPairRatio } from './lib/stats';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workDir = path.join(projectRoot, 'bench/.work/upload');
const repoDir = path.join(workDir, 'repository');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** Files of this size make up the data; incompressible, so packs are as large as the data. */
const fileBytes = 128 * MiB;

interface Tool {
  name: 'cairn backup' | 'rclone copy';
  argv(bucket: string): string[];
  env(bucket: string): NodeJS.ProcessEnv;
  /** The command line as the results show it. */
  shown: string;
}

/**
 * The environment without AWS_CA_BUNDLE: the endpoint is plain HTTP on loopback, and rclone's
 * AWS SDK refuses to start when that variable names a bundle ("unsupported transport").
 */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  return env;
}

function tools(server: S3rverInstance): Tool[] {
  const cairn: Tool = {
    name: 'cairn backup',
    argv: () => [process.execPath, '--import', 'tsx', path.join(projectRoot, 'src-main/cli/main.ts'), '--repo', repoDir, '--json', 'backup', '--to', 'default'],
    env: (bucket) => ({ ...baseEnv(), ARTIFACT_ENDPOINT: server.endpoint, ARTIFACT_BUCKET: bucket, ARTIFACT_ACCESS_KEY: 'S3RVER', ARTIFACT_SECRET_KEY: 'S3RVER' }),
    shown: 'ARTIFACT_ENDPOINT=http://127.0.0.1:PORT ARTIFACT_BUCKET=B ARTIFACT_ACCESS_KEY=S3RVER ARTIFACT_SECRET_KEY=S3RVER cairn --repo REPO backup --to default',
  };
  const rclone: Tool = {
    name: 'rclone copy',
    // Same parallelism as cairn (4 uploads at once); the repository's device-local folder stays home.
    argv: (bucket) => ['rclone', 'copy', repoDir, `bench:${bucket}`, '--exclude', 'local/**', '--transfers', '4', '--s3-no-check-bucket'],
    env: () => ({
      ...baseEnv(),
      RCLONE_CONFIG_BENCH_TYPE: 's3',
      RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
      RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: 'S3RVER',
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: 'S3RVER',
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
    }),
    shown:
      'RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT=http://127.0.0.1:PORT RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=S3RVER RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=S3RVER RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true rclone copy REPO bench:B --exclude "local/**" --transfers 4 --s3-no-check-bucket',
  };
  return [cairn, rclone];
}

/** The repository's objects (what both tools send): count and bytes. */
async function repositoryObjects(): Promise<{ objects: number; bytes: number; packs: number }> {
  const vault = new Vault({ repositoryPath: repoDir });
  let objects = 0;
  let bytes = 0;
  let packs = 0;
  for await (const object of vault.backend.list('')) {
    if (!isRepositoryObject(object.key)) continue;
    objects++;
    bytes += object.size;
    if (object.key.startsWith('packs/')) packs++;
  }
  return { objects, bytes, packs };
}

/** A repository with `gib` GiB of incompressible data in one version, made once and reused. */
async function ensureRepository(gib: number): Promise<void> {
  const marker = path.join(workDir, `repository-${gib}gib.done`);
  if (existsSync(marker)) return;
  await fs.rm(workDir, { recursive: true, force: true });
  const data = path.join(workDir, 'data');
  const files = Math.max(1, Math.round((gib * GiB) / fileBytes));
  await fs.mkdir(data, { recursive: true });
  for (let i = 0; i < files; i++) await writeIncompressibleFile(path.join(data, `part-${i}.bin`), 1, `upload ${i}`, fileBytes);
  const vault = new Vault({ repositoryPath: repoDir });
  await vault.init(null);
  process.stdout.write(`upload: ingesting ${files} x ${fileBytes / MiB} MiB into ${repoDir}\n`);
  await vault.addArtifact({ path: data, name: 'upload-bench' });
  await vault.close();
  await fs.rm(data, { recursive: true, force: true });
  await fs.writeFile(marker, new Date().toISOString());
}

function describeFailure(tool: string, run: MeasuredCommand): string {
  return `${tool}: ${run.error ?? `exit ${run.exitCode}`}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { gib: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' } } });
  const gib = Number(values.gib);
  const runs = Number(values.runs);
  if (!(gib > 0) || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('usage: node --import tsx bench/upload.ts [--gib 1] [--runs 3]\n');
    return 2;
  }
  await ensureRepository(gib);
  const repo = await repositoryObjects();
  const server = await startS3rver();
  const times = new Map<string, Map<number, number>>([
    ['cairn backup', new Map()],
    ['rclone copy', new Map()],
  ]);
  /** The backup job's own duration (from its --json report): the transfer without start-up. */
  const cairnJobSeconds: number[] = [];
  let noopSeconds: number | null = null;
  const failures: string[] = [];
  try {
    const all = tools(server);
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? all : [...all].reverse();
      for (const tool of order) {
        const bucket = `${tool.name.split(' ')[0]}-${run}`;
        await server.createBucket(bucket);
        const result = await runMeasured(tool.argv(bucket), { cwd: projectRoot, env: tool.env(bucket), timeoutMs: 30 * 60 * 1000 });
        if (!result.ok) failures.push(describeFailure(tool.name, result));
        else times.get(tool.name)!.set(run, result.wallSeconds);
        if (result.ok && tool.name === 'cairn backup') cairnJobSeconds.push((JSON.parse(result.stdout) as { durationMs: number }).durationMs / 1000);
        process.stdout.write(`upload: run ${run + 1}/${runs} ${tool.name.padEnd(12)} ${result.ok ? `${result.wallSeconds.toFixed(2)} s, ${(repo.bytes / MiB / result.wallSeconds).toFixed(0)} MiB/s` : 'FAILED'}\n`);
      }
    }
    // The fixed cost of the command: a backup with nothing to send (into the last cairn bucket).
    const noop = await runMeasured(all[0]!.argv(`cairn-${runs - 1}`), { cwd: projectRoot, env: all[0]!.env(`cairn-${runs - 1}`), timeoutMs: 10 * 60 * 1000 });
    if (noop.ok) noopSeconds = noop.wallSeconds;
  } finally {
    await server.stop();
  }

  const cairnTimes = times.get('cairn backup')!;
  const rcloneTimes = times.get('rclone copy')!;
  const row = (name: string, values: Map<number, number>) => {
    if (values.size === 0) return `| ${name} | failed | — | — |`;
    const m = median([...values.values()]);
    return `| ${name} | ${[...values.values()].map((v) => v.toFixed(2)).join(', ')} | ${m.toFixed(2)} | ${(repo.bytes / MiB / m).toFixed(0)} |`;
  };
  const ratio = medianPairRatio(cairnTimes, rcloneTimes);
  const info = machineInfo();
  const rcloneVersion = (await runMeasured(['rclone', 'version'])).stdout.split('\n')[0] ?? 'rclone';
  const body = [
    '## Upload to S3: `cairn backup` vs `rclone copy`',
    '',
    `${new Date().toISOString().slice(0, 10)}, ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.os}, Node ${info.node}, ${rcloneVersion}, source ${sourceRevision(projectRoot)}.`,
    `The same repository (${repo.objects} objects, ${repo.packs} packs, ${(repo.bytes / MiB).toFixed(0)} MiB; ${gib} GiB of incompressible data in one version) uploaded into a fresh bucket of one s3rver on loopback per run, the two tools alternating who goes first. Wall time from \`/usr/bin/time\`, including each tool's start-up; ${runs} runs.`,
    '',
    '| tool | wall seconds per run | median s | MiB/s at median |',
    '| --- | --- | --- | --- |',
    row('cairn backup', cairnTimes),
    row('rclone copy', rcloneTimes),
    '',
    ratio === null ? 'No ratio: a tool failed every run.' : `**cairn / rclone wall time: ${ratio.toFixed(2)}** (median of per-run ratios; below 1 means cairn is faster).`,
    cairnJobSeconds.length === 0
      ? ''
      : `The backup job itself (cairn's own \`durationMs\`: listing, hashing, uploading, recording) took ${cairnJobSeconds.map((v) => v.toFixed(2)).join(', ')} s, median ${median(cairnJobSeconds).toFixed(2)} s (${(repo.bytes / MiB / median(cairnJobSeconds)).toFixed(0)} MiB/s); the rest of cairn's wall time is start-up of the CLI from TypeScript sources through tsx and opening the repository${noopSeconds === null ? '' : ` (a backup with nothing to send took ${noopSeconds.toFixed(2)} s)`}.`,
    '',
    'Both send each pack in one PUT with Content-MD5, 4 at a time; cairn also hashes each pack against its name before it leaves, lists the bucket first to skip what is there, and records the job in the catalogue.',
    ...(failures.length > 0 ? ['', `Failures: ${failures.join('; ')}`] : []),
    '',
    'Commands:',
    '',
    '```',
    'node --import tsx bench/upload.ts --gib ' + gib + ' --runs ' + runs,
    ...tools({ endpoint: 'http://127.0.0.1:PORT' } as S3rverInstance).map((t) => t.shown),
    '```',
  ].join('\n');
  await writeResultsSection(path.join(projectRoot, 'bench/RESULTS.md'), 'upload', body);
  process.stdout.write(`${body}\n`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`upload: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
