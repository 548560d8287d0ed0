/**
 * Garbage collection, backup + verify and sync over an eventually consistent backend (see
 * eventually-consistent-backend.ts): listings lag writes and deletes, new keys may read as
 * missing for a while. Nothing live may be lost, an operation may fail only with a typed error
 * and succeed when run again, and once the store settles everything is complete.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CairnError } from '../../src-shared/errors';
import type { Backend } from '../../src-main/engine/backends/backend';
import { LocalBackend } from '../../src-main/engine/backends/local-backend';
import { checkRepository } from '../../src-main/engine/check/checker';
import { EndpointStore, parseEndpoint, type EndpointConfig } from '../../src-main/engine/endpoints/config';
import { endpointBackend } from '../../src-main/engine/endpoints/endpoint-backend';
import { EventBus } from '../../src-main/engine/events';
import { applyRetention } from '../../src-main/engine/policy/retention';
import { backupRepository } from '../../src-main/engine/replicate/backup';
import { verifyEndpoint } from '../../src-main/engine/replicate/verify';
import { Repository } from '../../src-main/engine/repo/repository';
import { SyncService } from '../../src-main/engine/sync/sync-service';
import { Vault } from '../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../helpers/tmp';
import { EventuallyConsistentBackend } from './eventually-consistent-backend';

const chunker = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };
const temps: TempDir[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  for (const temp of temps.splice(0)) await temp.remove();
});

async function temp(label: string): Promise<TempDir> {
  const dir = await makeTempDir(label);
  temps.push(dir);
  return dir;
}

const bytes = (seed: string, size: number) => crypto.createCipheriv('aes-128-ctr', crypto.createHash('sha256').update(seed).digest().subarray(0, 16), Buffer.alloc(16)).update(Buffer.alloc(size));

/** Runs `work` until it succeeds; every failure on the way must be a typed error. */
async function untilItSucceeds<T>(work: () => Promise<T>, attempts = 30): Promise<{ result: T; failures: number }> {
  for (let failures = 0; ; failures++) {
    try {
      return { result: await work(), failures };
    } catch (err) {
      expect(err, String((err as Error).stack)).toBeInstanceOf(CairnError);
      if (failures + 1 >= attempts) throw err;
    }
  }
}

async function restoredBytes(vault: Vault, reference: string, file: string): Promise<Buffer> {
  const out = await temp('ec-out');
  await vault.restore(vault.requireCatalogue().getVersion(reference).treeId, out.path);
  return fs.readFile(out.join(file));
}

describe('the eventually consistent wrapper', () => {
  it('hides new keys from listings and reads for a while, shows deleted ones, and settles', async () => {
    const dir = await temp('ec-wrapper');
    const store = new EventuallyConsistentBackend(new LocalBackend(dir.path), { seed: 7, maxListLag: 5, maxReadLag: 5, maxDeleteLag: 5 });
    for (let i = 0; i < 20; i++) await store.put(`k/${i}`, Buffer.from(`v${i}`));
    const listed = async () => {
      const keys: string[] = [];
      for await (const o of store.list('k/')) keys.push(o.key);
      return keys;
    };
    await store.delete('k/0');
    expect((await listed()).length).toBeLessThan(20);
    expect(store.anomalies.hiddenFromList).toBeGreaterThan(0);
    store.settle();
    expect(await listed()).toHaveLength(19);
    expect(await store.get('k/19')).toEqual(Buffer.from('v19'));
  });
});

describe('garbage collection over an eventually consistent repository', () => {
  it('never deletes anything live; retried until it passes, it reclaims what was forgotten', async () => {
    const repoDir = await temp('ec-gc');
    let store: EventuallyConsistentBackend | null = null;
    const vault = new Vault({ repositoryPath: repoDir.path, instrument: (backend) => (store = new EventuallyConsistentBackend(backend, { seed: 42 })) });
    closers.push(() => vault.close());
    await vault.init(null, { chunker });
    const src = await temp('ec-gc-src');
    const contents = [bytes('m1', 400_000), bytes('m2', 400_000), bytes('m3', 400_000)];
    for (const content of contents) {
      await src.write('model.bin', content);
      await vault.addArtifact({ path: src.join('model.bin') });
    }
    await src.write('keep.txt', 'keep\n'.repeat(10_000));
    await vault.addArtifact({ path: src.join('keep.txt') });
    await applyRetention(vault.requireCatalogue(), [{ keepLast: 1, force: true }], Date.now());

    const { result: report } = await untilItSucceeds(() => vault.gc({ graceMs: 0, now: Date.now() + 1000 }));
    expect(report.packsDeleted + report.packsRepacked).toBeGreaterThan(0);
    expect(store!.anomalies.hiddenFromList + store!.anomalies.notYetReadable + store!.anomalies.ghostsListed).toBeGreaterThan(0);

    store!.settle();
    const check = await vault.check({ readData: true });
    expect(check.problems).toEqual([]);
    expect(await restoredBytes(vault, 'model.bin@v3', 'model.bin')).toEqual(contents[2]);
    expect((await restoredBytes(vault, 'keep.txt@v1', 'keep.txt')).length).toBe(50_000);
  });
});

describe('backup and verify to an eventually consistent endpoint', () => {
  it('backs up everything; verify repairs what it cannot see yet, and is clean once the store settles', async () => {
    const repoDir = await temp('ec-backup-src');
    const vault = new Vault({ repositoryPath: repoDir.path });
    closers.push(() => vault.close());
    await vault.init(null, { chunker });
    const src = await temp('ec-backup-files');
    for (let i = 0; i < 3; i++) {
      await src.write(`f${i}.bin`, bytes(`f${i}`, 300_000));
      await vault.addArtifact({ path: src.join(`f${i}.bin`) });
    }
    const targetDir = await temp('ec-backup-target');
    const target = new EventuallyConsistentBackend(new LocalBackend(targetDir.path), { seed: 3 });

    const { result: backup } = await untilItSucceeds(() => backupRepository(vault.backend, target));
    expect(backup.objectsUploaded + backup.objectsAlreadyThere).toBeGreaterThan(0);
    const { result: first } = await untilItSucceeds(() => verifyEndpoint(vault.backend, target));
    // What the endpoint did not list yet was reported and copied again: never lost, never left damaged.
    expect(first.ok).toBe(true);
    expect(first.problems.every((p) => p.repairedFrom !== null)).toBe(true);

    target.settle();
    const settled = await verifyEndpoint(vault.backend, target);
    expect(settled.problems).toEqual([]);
    const copy = await Repository.open(new LocalBackend(targetDir.path), { localDir: (await temp('ec-copy-local')).path });
    expect((await checkRepository(copy, { readData: true })).problems).toEqual([]);
  });
});

describe('sync through an eventually consistent bucket', () => {
  async function device(name: string, endpoint: EndpointConfig, wrap: (backend: Backend) => Backend) {
    const dir = await temp(`ec-sync-${name}`);
    const vault = new Vault({ repositoryPath: dir.path });
    const endpoints = EndpointStore.forLocalDir(vault.localDir);
    await endpoints.upsert(endpoint);
    const sync = new SyncService({ vault, endpoints, events: new EventBus(), backendFor: (e) => wrap(endpointBackend(e)) });
    closers.push(async () => {
      await sync.stop();
      await vault.close();
    });
    return { vault, sync };
  }

  it('two devices converge and every version restores on both, whatever the bucket shows when', async () => {
    const bucketDir = await temp('ec-sync-bucket');
    const endpoint = parseEndpoint({ name: 'shared', url: `file://${bucketDir.path}`, bucket: 'shared', accessKeyId: 'unused', secretAccessKey: 'unused', role: 'sync' });
    // One view of the bucket per device, each with its own lags.
    const views: EventuallyConsistentBackend[] = [];
    const wrapFor = (seed: number) => (backend: Backend) => {
      const view = new EventuallyConsistentBackend(backend, { seed: seed + views.length });
      views.push(view);
      return view;
    };
    const a = await device('a', endpoint, wrapFor(100));
    await a.vault.init(null, { chunker });
    const src = await temp('ec-sync-src');
    await src.write('a.bin', bytes('from a', 200_000));
    await a.vault.addArtifact({ path: src.join('a.bin') });
    await untilItSucceeds(() => a.sync.now());

    const b = await device('b', endpoint, wrapFor(200));
    for (const view of views) view.settle(); // joining needs the seed objects; lags resume after
    await untilItSucceeds(() => b.sync.bootstrap('shared'));
    await src.write('b.bin', bytes('from b', 200_000));
    await b.vault.addArtifact({ path: src.join('b.bin') });
    await a.vault.addArtifact({ path: src.join('a.bin'), message: 'unchanged content, no new version' });
    await src.write('a.bin', bytes('from a, v2', 200_000));
    await a.vault.addArtifact({ path: src.join('a.bin') });

    for (let round = 0; round < 3; round++) {
      await untilItSucceeds(() => a.sync.now());
      await untilItSucceeds(() => b.sync.now());
    }
    for (const view of views) view.settle();
    await a.sync.now();
    await b.sync.now();
    await a.sync.now();

    const versionsOf = (vault: Vault) =>
      vault
        .requireCatalogue()
        .listArtifacts({ limit: 100 })
        .items.map((artifact) => `${artifact.name}@v${artifact.headNumber}`)
        .sort();
    expect(versionsOf(a.vault)).toEqual(['a.bin@v2', 'b.bin@v1']);
    expect(versionsOf(b.vault)).toEqual(versionsOf(a.vault));
    for (const { vault } of [a, b]) {
      expect(await restoredBytes(vault, 'a.bin@v1', 'a.bin')).toEqual(bytes('from a', 200_000));
      expect(await restoredBytes(vault, 'a.bin@v2', 'a.bin')).toEqual(bytes('from a, v2', 200_000));
      expect(await restoredBytes(vault, 'b.bin@v1', 'b.bin')).toEqual(bytes('from b', 200_000));
    }
    expect(views.reduce((n, v) => n + v.anomalies.hiddenFromList + v.anomalies.notYetReadable, 0)).toBeGreaterThan(0);
  }, 120_000);
});

