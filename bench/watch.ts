/**
 * The folder-watcher benchmark: how fast a restart over a large, unchanged watched folder is
 * watching and reconciled, and how much memory watching it takes.
 *
 *   node --import tsx bench/watch.ts [--files 20000] [--runs 3]
 *
 * Works in bench/.work/watch/ (wiped at start): generates the folder, lets one watcher publish
 * it all (to an in-memory publisher that hashes each file, as a real one would read it), then
 * restarts the watcher `--runs` times, each in a fresh Node process so memory and timings are
 * those of a real start. Also restarts once after changes made while nobody watched. Prints a
 * table and writes the "watch" section of bench/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashFile } from '../src-main/engine/hashing/file-hasher';
import { FolderWatcher, type WatchTiming } from '../src-main/engine/watch/folder-watcher';
import type { ReconcileReport } from '../src-main/engine/watch/events';
import type { PublishRequest, WatchPublisher } from '../src-main/engine/watch/publisher';
import { StatCache } from '../src-main/engine/watch/stat-cache';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { writeResultsSection } from './lib/results-section';
import { median } from './lib/stats';

const benchFile = fileURLToPath(import.meta.url);
const benchDir = path.dirname(benchFile);
const workDir = path.join(benchDir, '.work', 'watch');
const folderPath = path.join(workDir, 'folder');
const cachePath = path.join(workDir, 'state', 'stat-cache.json');
const targets = { restartMs: 2000, watchingRssMB: 300 };
const MB = 1e6;

/** Counts calls; hashes what it is given to publish, the least a real publisher does. */
class CountingPublisher implements WatchPublisher {
  publishes = 0;
  deletes = 0;
  renames = 0;
  async publish(request: PublishRequest) {
    const { sha256 } = await hashFile(request.absolutePath);
    this.publishes++;
    return { versionId: `v${this.publishes}`, sha256 };
  }
  async markDeleted() {
    this.deletes++;
  }
  async rename() {
    this.renames++;
  }
}

function watcherFor(publisher: WatchPublisher, timing: Partial<WatchTiming> = {}): FolderWatcher {
  return new FolderWatcher({
    folder: { id: 'wf-bench', path: folderPath, collection: 'bench', mode: 'auto-publish', bundles: false, typeRules: [], paused: false },
    statCachePath: cachePath,
    publisher,
    timing,
  });
}

async function untilIdle(watcher: FolderWatcher, quietMs: number): Promise<void> {
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { settling, ingesting, pendingDeletes } = watcher.activity;
    if (settling + ingesting + pendingDeletes > 0) quietSince = Date.now();
  }
}

// ---- child phases (each runs in its own process) ---------------------------------------------

interface InitialResult {
  publishes: number;
  ms: number;
}

/** First watch of a fresh folder: everything is new and published once. */
async function phaseInitial(expected: number): Promise<InitialResult> {
  const publisher = new CountingPublisher();
  const watcher = watcherFor(publisher, { settleMs: 200 });
  const startedAt = performance.now();
  await watcher.start();
  while (publisher.publishes < expected) await new Promise((resolve) => setTimeout(resolve, 100));
  const ms = performance.now() - startedAt;
  await untilIdle(watcher, 1500);
  await watcher.stop();
  return { publishes: publisher.publishes, ms };
}

interface RestartResult {
  /** From `start()` to watching and reconciled: stat cache load + ready + reconcile. */
  totalMs: number;
  /** CPU time (user + system) of the process during `start()`: less sensitive to other load than wall time. */
  cpuMs: number;
  readyMs: number;
  reconcileMs: number;
  reconcile: ReconcileReport;
  rssAfterStartMB: number;
  /** After watching idle for a few seconds. */
  rssWatchingMB: number;
  peakRssMB: number;
  publishes: number;
  deletes: number;
  renames: number;
  /** For the run with changes: from start() until everything changed was recorded. */
  caughtUpMs?: number;
}

async function phaseRestart(expectChanges: boolean): Promise<RestartResult> {
  const publisher = new CountingPublisher();
  const watcher = watcherFor(publisher);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await watcher.start();
  const totalMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (result.status !== 'watching') throw new Error(`the watcher did not start watching: ${JSON.stringify(result)}`);
  const rssAfterStartMB = process.memoryUsage().rss / MB;
  await untilIdle(watcher, expectChanges ? 1500 : 3000);
  const caughtUpMs = expectChanges ? performance.now() - startedAt - 1500 : undefined;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssWatchingMB = process.memoryUsage().rss / MB;
  await watcher.stop();
  return {
    totalMs,
    cpuMs,
    readyMs: result.readyMs,
    reconcileMs: result.reconcile.durationMs,
    reconcile: result.reconcile,
    rssAfterStartMB,
    rssWatchingMB,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    publishes: publisher.publishes,
    deletes: publisher.deletes,
    renames: publisher.renames,
    ...(caughtUpMs === undefined ? {} : { caughtUpMs }),
  };
}

// ---- parent ----------------------------------------------------------------------------------

async function generateFolder(files: number): Promise<{ dirs: number; bytes: number }> {
  await fs.rm(workDir, { recursive: true, force: true });
  // ~50 files per folder, two levels deep: a realistic spread, not one flat folder.
  const perDir = 50;
  const dirs = Math.ceil(files / perDir);
  let bytes = 0;
  for (let d = 0; d < dirs; d++) {
    const dir = path.join(folderPath, `group-${String(Math.floor(d / 20)).padStart(2, '0')}`, `set-${String(d % 20).padStart(2, '0')}`);
    await fs.mkdir(dir, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let f = d * perDir; f < Math.min(files, (d + 1) * perDir); f++) {
      const content = randomBytes(512 + (f % 8) * 512);
      bytes += content.length;
      writes.push(fs.writeFile(path.join(dir, `file-${f}.bin`), content));
    }
    await Promise.all(writes);
  }
  return { dirs, bytes };
}

/** Changes made while nobody watches: 100 edited, 10 deleted, 10 added, 10 renamed. */
async function mutateFolder(): Promise<string> {
  const dir = path.join(folderPath, 'group-00', 'set-00');
  const names = (await fs.readdir(dir)).sort();
  for (const name of names.slice(0, 10)) await fs.appendFile(path.join(dir, name), 'edited');
  const other = path.join(folderPath, 'group-01', 'set-01');
  for (const name of (await fs.readdir(other)).sort().slice(0, 45)) await fs.appendFile(path.join(other, name), 'edited');
  const third = path.join(folderPath, 'group-02', 'set-02');
  for (const name of (await fs.readdir(third)).sort().slice(0, 45)) await fs.appendFile(path.join(third, name), 'edited');
  for (const name of names.slice(10, 20)) await fs.rm(path.join(dir, name));
  for (const name of names.slice(20, 30)) await fs.rename(path.join(dir, name), path.join(dir, `renamed-${name}`));
  for (let i = 0; i < 10; i++) await fs.writeFile(path.join(dir, `added-${i}.bin`), randomBytes(1000));
  return '100 edited, 10 deleted, 10 renamed, 10 added';
}

function runChild<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', benchFile, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`bench child ${args.join(' ')} exited with ${code}: ${out}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

function spread(values: number[], digits = 0): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(Math.min(...values))} / ${f(median(values))} / ${f(Math.max(...values))}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { files: { type: 'string' }, runs: { type: 'string' }, phase: { type: 'string' }, expected: { type: 'string' } } });
  if (values.phase === 'initial') {
    process.stdout.write(`${JSON.stringify(await phaseInitial(Number(values.expected)))}\n`);
    return;
  }
  if (values.phase === 'restart' || values.phase === 'restart-changed') {
    process.stdout.write(`${JSON.stringify(await phaseRestart(values.phase === 'restart-changed'))}\n`);
    return;
  }

  const files = Number(values.files ?? 20_000);
  const runs = Number(values.runs ?? 3);
  const startedAt = new Date();
  console.log(`generating ${files} files in ${workDir} ...`);
  const generated = await generateFolder(files);
  console.log(`first watch: publishing all ${files} files ...`);
  const initial = await runChild<InitialResult>(['--phase', 'initial', '--expected', String(files)]);
  console.log(`  ${initial.publishes} published in ${(initial.ms / 1000).toFixed(1)} s`);

  // The stat cache alone: how long a start spends reading it.
  const cacheLoads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const loadStart = performance.now();
    const { cache } = await StatCache.load(cachePath);
    cacheLoads.push(performance.now() - loadStart);
    if (cache.fileCount !== files) throw new Error(`the stat cache has ${cache.fileCount} entries, expected ${files}`);
  }
  const cacheBytes = (await fs.stat(cachePath)).size;
  console.log(`stat cache: ${(cacheBytes / MB).toFixed(1)} MB, loaded in ${spread(cacheLoads)} ms (min / median / max)`);

  const loadBefore = os.loadavg()[0]!.toFixed(1);
  const restarts: RestartResult[] = [];
  for (let run = 1; run <= runs; run++) {
    const r = await runChild<RestartResult>(['--phase', 'restart']);
    console.log(`restart ${run}: total ${r.totalMs.toFixed(0)} ms, CPU ${r.cpuMs.toFixed(0)} ms (ready ${r.readyMs} ms, reconcile ${r.reconcileMs} ms), RSS ${r.rssAfterStartMB.toFixed(0)} MB after start, ${r.rssWatchingMB.toFixed(0)} MB watching, peak ${r.peakRssMB.toFixed(0)} MB, ${r.publishes} publishes`);
    restarts.push(r);
  }
  const mutation = await mutateFolder();
  const changed = await runChild<RestartResult>(['--phase', 'restart-changed']);
  console.log(`restart after changes (${mutation}): total ${changed.totalMs.toFixed(0)} ms, reconcile ${JSON.stringify(changed.reconcile)}, caught up in ${changed.caughtUpMs?.toFixed(0)} ms: ${changed.publishes} publishes, ${changed.renames} renames, ${changed.deletes} deletes`);

  const loadAfter = os.loadavg()[0]!.toFixed(1);
  const total = restarts.map((r) => r.totalMs);
  const watchingRss = restarts.map((r) => r.rssWatchingMB);
  const peakRss = restarts.map((r) => r.peakRssMB);
  const machine = machineInfo();
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const section = `
## Folder watcher: restart over ${files.toLocaleString('en')} unchanged files

${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${runs} restart(s), each in a fresh Node process. Source ${sourceRevision(path.dirname(benchDir))}.
Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.os}, Node ${machine.node}; load average ${loadBefore} before the restarts, ${loadAfter} after (other work shared the machine).
Folder: ${files.toLocaleString('en')} files of 0.5–4 KiB in ${generated.dirs} folders two levels deep, ${(generated.bytes / MB).toFixed(0)} MB. Publisher: in memory, hashes each file it is given.

| metric | min / median / max | target | met? |
| --- | ---: | --- | --- |
| restart: \`start()\` until watching and reconciled (ms) | ${spread(total)} | < ${targets.restartMs} | ${met(median(total) < targets.restartMs)} |
| CPU time of \`start()\` (ms, user + system) | ${spread(restarts.map((r) => r.cpuMs))} | — | — |
| stat cache load alone, ${files.toLocaleString('en')} entries, ${(cacheBytes / MB).toFixed(1)} MB of JSON (ms) | ${spread(cacheLoads)} | well under 1000 | ${met(median(cacheLoads) < 1000)} |
| of which chokidar ready (ms) | ${spread(restarts.map((r) => r.readyMs))} | — | — |
| of which reconcile (ms) | ${spread(restarts.map((r) => r.reconcileMs))} | — | — |
| publishes after a restart with nothing changed | ${spread(restarts.map((r) => r.publishes))} | 0 | ${met(restarts.every((r) => r.publishes === 0))} |
| RSS right after start (MB) | ${spread(restarts.map((r) => r.rssAfterStartMB))} | — | — |
| RSS while watching, idle (MB) | ${spread(watchingRss)} | < ${targets.watchingRssMB} | ${met(Math.max(...watchingRss) < targets.watchingRssMB)} |
| peak RSS of the process (MB) | ${spread(peakRss)} | < ${targets.watchingRssMB} | ${met(Math.max(...peakRss) < targets.watchingRssMB)} |

- First watch of the fresh folder: ${initial.publishes.toLocaleString('en')} files published in ${(initial.ms / 1000).toFixed(1)} s (settle time 200 ms; includes the publisher hashing each file).
- Restart after changes made while nobody watched (${mutation}): watching and reconciled in ${changed.totalMs.toFixed(0)} ms (reconcile: ${changed.reconcile.scheduled} scheduled, ${changed.reconcile.missing} missing, ${changed.reconcile.unchanged.toLocaleString('en')} unchanged); all recorded ${((changed.caughtUpMs ?? 0) / 1000).toFixed(1)} s after start with the default 1 s settle time: ${changed.publishes} publishes, ${changed.renames} renames, ${changed.deletes} tombstones.
- Wall times follow the machine's load (the load average is above); the CPU time of \`start()\` is the steadier number. Most of it is chokidar's initial scan, which lstat's every file although files are not watched one by one (change-feed.ts); the reconcile's own walk stats them again, which is what makes a change made during start-up impossible to miss.
- How it was measured: \`node --import tsx bench/watch.ts --files ${files} --runs ${runs}\`. Ready = chokidar's initial scan until its \`ready\` event; reconcile = walk + stat of the folder compared with the stat cache; total also includes loading the stat cache and the ignore rules. RSS from \`process.memoryUsage()\`, peak from \`process.resourceUsage().maxRSS\`, both of the child process. MB = 10^6 bytes.
`;
  await writeResultsSection(path.join(benchDir, 'RESULTS.md'), 'watch', section);
  console.log(section);
}

await main();
