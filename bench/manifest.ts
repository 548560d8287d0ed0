// The manifest at scale: build a catalogue of 100k versions over 10k artifacts through the
// public API (persisted to a LocalBackend folder), then measure, each in a fresh process, the
// load from stored objects to a ready catalogue and its peak RSS, plus listing speed, and where
// a load's time goes (read, verify + decrypt, Yjs apply, index build).
//
//   node --import tsx bench/manifest.ts [--versions 100000] [--artifacts 10000] [--no-write]
//
// Writes the "manifest" section of bench/RESULTS.md (unless --no-write).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { LocalBackend } from '../src-main/engine/backends/local-backend';
import { Catalogue } from '../src-main/engine/catalogue/catalogue';
import { decodeManifestObject } from '../src-main/engine/manifest/object-format';
import { parseManifestKey } from '../src-main/engine/manifest/object-keys';
import { openSnapshotBody } from '../src-main/engine/manifest/snapshot-body';
import { ManifestStore } from '../src-main/engine/manifest/store';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { writeResultsSection } from './lib/results-section';
import { syntheticVersion } from './lib/synthetic-versions';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoId = '5'.repeat(32);
const macKey = Buffer.alloc(32, 3);
const sealKey = Buffer.alloc(32, 4);
const deviceId = 'b0'.repeat(16);

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);

function open(root: string, sealed: boolean) {
  const doc = new Y.Doc();
  const store = new ManifestStore({ backend: new LocalBackend(root), repoId, deviceId, macKey, sealKey: sealed ? sealKey : null, doc, coalesceMs: null });
  const catalogue = new Catalogue({ doc, deviceId, commit: () => store.flush(), host: 'bench' });
  return { store, catalogue };
}


/** Builds the catalogue: every artifact gets a version in turn, `inFlight` calls at a time. */
async function build(root: string, sealed: boolean, versions: number, artifacts: number, inFlight: number) {
  const { store, catalogue } = open(root, sealed);
  await store.load();
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < versions; i = next++) {
      await catalogue.addVersion(syntheticVersion(i, artifacts, 'cairn watch'));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  await store.flush();
  const elapsed = ms(start);
  const objects = (await fs.readdir(path.join(root, 'manifest', deviceId))).length;
  const compactStart = process.hrtime.bigint();
  const compacted = await store.compact();
  const compactMs = ms(compactStart);
  await store.close();
  return { perSecond: (versions / elapsed) * 1000, objects, compactMs, snapshotBytes: compacted.size };
}

/** Sequential adds, each awaited until durable (one fsynced object each): the `cairn add` path. */
async function sequential(root: string, sealed: boolean, count: number) {
  const { store, catalogue } = open(root, sealed);
  await store.load();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    await catalogue.addVersion({ collection: 'seq', name: `file-${i}.bin`, treeId: hex(32), sha256: hex(32), size: 1000 + i });
  }
  const perSecond = (count / ms(start)) * 1000;
  await store.close();
  return perSecond;
}

/** Runs in a child process: load, materialise, list; prints JSON. */
async function loadProbe(root: string, sealed: boolean) {
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const { store, catalogue } = open(root, sealed);
  const report = await store.load();
  const loadMs = ms(start);
  const firstPage = process.hrtime.bigint();
  const page = catalogue.listArtifacts({ limit: 100 });
  const firstPageMs = ms(firstPage);
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of this process (all its threads, GC included): what the load costs on an idle machine.
  const readyCpuMs = (cpu.user + cpu.system) / 1000;
  const readyRssMb = Number(mb(process.resourceUsage().maxRSS * 1024));
  const readyHeapMb = Number(mb(process.memoryUsage().heapUsed));

  const timings: Record<string, number> = {};
  const time = (label: string, work: () => void, rounds = 20) => {
    const t = process.hrtime.bigint();
    for (let r = 0; r < rounds; r += 1) work();
    timings[label] = ms(t) / rounds;
  };
  const some = page.items[42] as { name: string; collection: string };
  const sha = catalogue.listVersions(`${some.collection}/${some.name}`).versions[3]?.sha256 ?? '';
  time('page of 100 (sorted by name)', () => catalogue.listArtifacts({ offset: 5000, limit: 100 }));
  time('search: name substring + type', () => catalogue.listArtifacts({ name: '0042', type: 'model' }));
  time('search: sha256 prefix', () => catalogue.listArtifacts({ sha256: sha.slice(0, 8) }));
  time('versions of one artifact', () => catalogue.listVersions(`${some.collection}/${some.name}`), 200);
  time('resolve name@v7', () => catalogue.getVersion(`${some.collection}/${some.name}@v7`), 200);
  let total = 0;
  time(
    'every version of every artifact',
    () => {
      total = 0;
      let cursor: string | undefined;
      do {
        const listing = catalogue.listArtifacts({ limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const artifact of listing.items) total += catalogue.listVersions(artifact.id).versions.length;
        cursor = listing.nextCursor ?? undefined;
      } while (cursor);
    },
    3,
  );
  console.log(
    JSON.stringify({
      loadMs,
      firstPageMs,
      report: { ...report, problems: report.problems.length },
      artifacts: page.total,
      versions: total,
      timings,
      rssBeforeMb: Number(mb(rssBefore)),
      readyRssMb,
      readyHeapMb,
      readyCpuMs,
      peakRssMb: Number(mb(process.resourceUsage().maxRSS * 1024)),
    }),
  );
}

/**
 * Runs in a child process: the steps of a load one at a time, as the Vault does them (the
 * catalogue is built on the loaded document): list and read the objects, verify and decrypt
 * them, apply them to a document with nobody listening, build the catalogue's indexes.
 */
async function breakdownProbe(root: string, sealed: boolean) {
  const steps: Record<string, number> = {};
  let at = process.hrtime.bigint();
  const lap = (label: string) => {
    const now = process.hrtime.bigint();
    steps[label] = Number(now - at) / 1e6;
    at = now;
  };
  const backend = new LocalBackend(root);
  const objects: { key: string; bytes: Buffer }[] = [];
  for await (const info of backend.list('manifest/')) objects.push({ key: info.key, bytes: await backend.get(info.key) });
  lap('read');
  const states = objects.map(({ key, bytes }) => {
    const parsed = parseManifestKey(key);
    if (!parsed) throw new Error(`not a manifest key: ${key}`);
    const slot = parsed.kind === 'update' ? `${parsed.deviceId}/${parsed.seq}` : parsed.snapshotId;
    const plaintext = decodeManifestObject(bytes, key, { repoId, kind: parsed.kind, slot }, { macKey, sealKey: sealed ? sealKey : null });
    return parsed.kind === 'update' ? plaintext : openSnapshotBody(key, plaintext).state;
  });
  objects.length = 0;
  lap('verify');
  const doc = new Y.Doc();
  doc.transact(() => states.forEach((state) => Y.applyUpdateV2(doc, state)));
  lap('apply');
  const catalogue = new Catalogue({ doc, deviceId, commit: async () => undefined, host: 'bench' });
  lap('index');
  catalogue.listArtifacts({ limit: 100 });
  lap('firstPage');
  console.log(JSON.stringify(steps));
}

type Steps = { read: number; verify: number; apply: number; index: number; firstPage: number };

function breakdown(root: string, sealed: boolean): Steps {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--breakdown', root, ...(sealed ? ['--sealed'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Steps;
}

type Probe = {
  loadMs: number;
  firstPageMs: number;
  artifacts: number;
  versions: number;
  timings: Record<string, number>;
  rssBeforeMb: number;
  readyRssMb: number;
  readyHeapMb: number;
  readyCpuMs: number;
  peakRssMb: number;
  report: Record<string, unknown>;
};

function probe(root: string, sealed: boolean): Probe {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--probe', root, ...(sealed ? ['--sealed'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Probe;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main() {
  const probeRoot = flag('probe');
  if (probeRoot) return loadProbe(probeRoot, process.argv.includes('--sealed'));
  const breakdownRoot = flag('breakdown');
  if (breakdownRoot) return breakdownProbe(breakdownRoot, process.argv.includes('--sealed'));

  const versions = Number(flag('versions') ?? 100_000);
  const artifacts = Number(flag('artifacts') ?? 10_000);
  const inFlight = 256;
  const loadRuns = 5;
  const work = path.join(here, '.work', `manifest-${Date.now()}`);
  const rows: string[] = [];
  const stepRows: string[] = [];
  const details: string[] = [];
  const began = Date.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  try {
    for (const sealed of [true, false]) {
      const mode = sealed ? 'sealed (AES-256-GCM + HMAC)' : 'authenticated only (HMAC)';
      const root = path.join(work, sealed ? 'sealed' : 'plain');
      console.error(`building ${versions} versions over ${artifacts} artifacts, ${mode} …`);
      const built = await build(root, sealed, versions, artifacts, inFlight);
      const seq = await sequential(path.join(work, sealed ? 'seq-sealed' : 'seq-plain'), sealed, 500);
      console.error(`loading from the snapshot (${loadRuns} fresh processes) …`);
      const loads = Array.from({ length: loadRuns }, () => probe(root, sealed));
      console.error(`the same load step by step (${loadRuns} fresh processes) …`);
      const steps = Array.from({ length: loadRuns }, () => breakdown(root, sealed));
      const step = (label: keyof Steps) => `${median(steps.map((s) => s[label])).toFixed(0)} ms`;
      stepRows.push(`| ${mode} | ${step('read')} | ${step('verify')} | ${step('apply')} | ${step('index')} | ${step('firstPage')} |`);
      const best = loads.reduce((a, b) => (a.loadMs <= b.loadMs ? a : b));
      console.error(JSON.stringify({ mode, built, seq, loads: loads.map((l) => ({ loadMs: l.loadMs, readyRssMb: l.readyRssMb, peakRssMb: l.peakRssMb })) }));
      rows.push(
        `| ${mode} | ${median(loads.map((l) => l.loadMs)).toFixed(0)} ms (best ${best.loadMs.toFixed(0)}) | ${median(loads.map((l) => l.readyCpuMs)).toFixed(0)} ms | ${median(loads.map((l) => l.readyRssMb))} MB | ${median(loads.map((l) => l.readyHeapMb))} MB | ${built.perSecond.toFixed(0)} /s | ${seq.toFixed(0)} /s | ${built.objects} | ${mb(built.snapshotBytes)} MB in ${built.compactMs.toFixed(0)} ms |`,
      );
      if (sealed) {
        details.push(`Loaded: ${best.artifacts} artifacts, ${best.versions} versions; ${JSON.stringify(best.report)}. First page of 100 right after load: ${best.firstPageMs.toFixed(1)} ms.`);
        details.push('', '| query on the loaded catalogue (sealed run) | time per call |', '| --- | ---: |');
        for (const [label, value] of Object.entries(best.timings)) details.push(`| ${label} | ${value < 1 ? value.toFixed(3) : value.toFixed(1)} ms |`);
      }
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }

  const machine = machineInfo();
  const body = [
    '## Manifest: load and add-version throughput',
    '',
    `${versions.toLocaleString('en')} versions over ${artifacts.toLocaleString('en')} artifacts, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; the whole run took ${((Date.now() - began) / 60000).toFixed(1)} min.`,
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.os}, Node ${machine.node}; load average ${loadAtStart.toFixed(2)} at the start and ${os.loadavg()[0]?.toFixed(2)} at the end. Source ${sourceRevision(path.join(here, '..'))}.`,
    '',
    'Command: `node --import tsx bench/manifest.ts`',
    '',
    'How it was measured:',
    `- Build: \`Catalogue.addVersion\` with ${inFlight} calls in flight, each awaiting its commit (\`ManifestStore.flush\`, group commit) into a LocalBackend folder (temp + fsync + rename per object); then \`compact()\` writes one snapshot and deletes the covered update objects.`,
    '- Sequential add: 500 `addVersion` calls one after another, each awaited until its own object is durable (what one `cairn add` costs in the manifest).',
    `- Load: a fresh Node process (tsx) opens the store and catalogue and runs \`load()\` (list, read, verify, decrypt, apply the snapshot, build the indexes) and lists the first page; median (and best) of ${loadRuns} processes. Wall time includes waiting for a CPU on a busy machine (see the load average); CPU time (user + system, all threads of the process, GC included) is what the load costs and is steadier. Peak RSS is the process maximum (\`process.resourceUsage().maxRSS\`, Node and tsx included) when the catalogue is ready; heap is V8 heap used then. Version records are parsed when their artifact is first looked at, so the first page parses 100 artifacts and "every version of every artifact" below parses the rest.`,
    '- Target: load < 1 s.',
    '',
    '| objects | load to ready, wall (median) | load to ready, CPU (median) | peak RSS at ready | heap at ready | add-version, 256 in flight | add-version, sequential | update objects before compaction | snapshot |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Where a load's time goes: the same steps one at a time, each load in a fresh process, median of ${loadRuns}. Here the catalogue is built on the loaded document, as the Vault does (in the load above it watches the document while the snapshot is applied).`,
    '',
    '| objects | read (list + get) | verify + decrypt | Yjs apply | index build | first page |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...stepRows,
    '',
    ...details,
  ].join('\n');
  console.log(body);
  if (!process.argv.includes('--no-write')) await writeResultsSection(path.join(here, 'RESULTS.md'), 'manifest', body);
}

await main();
