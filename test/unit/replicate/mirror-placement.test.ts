import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine';
import { EndpointStore } from '../../../src-main/engine/endpoints/config';
import { endpointBackend } from '../../../src-main/engine/endpoints/endpoint-backend';
import { EventBus } from '../../../src-main/engine/events';
import { BackupService, type BackupJob } from '../../../src-main/engine/replicate/backup-service';
import { isRepositoryObject } from '../../../src-main/engine/replicate/object-order';
import type { Vault } from '../../../src-main/engine/vault/vault';
import { runCli } from '../../helpers/cli';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { randomBytesSeeded, s3Endpoint, Scratch } from './replication-fixtures';

let server: S3rverInstance;
const scratch = new Scratch();
let bucketCount = 0;

beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await scratch.cleanup();
});

async function bucket(): Promise<string> {
  const name = `mirror-${++bucketCount}`;
  await server.createBucket(name);
  return name;
}

function memoryJobs() {
  const jobs: BackupJob[] = [];
  return { record: async (job: BackupJob) => void jobs.push(job), list: () => jobs };
}

function service(vault: Vault): BackupService {
  return new BackupService({ local: () => vault.backend, endpoints: EndpointStore.forLocalDir(vault.localDir), events: new EventBus(), jobs: memoryJobs(), vault });
}

async function repositoryKeys(vault: Vault): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of vault.backend.list('')) if (isRepositoryObject(object.key)) keys.push(object.key);
  return keys.sort();
}

async function endpointKeys(url: string, bucketName: string): Promise<string[]> {
  const backend = scratch.track(endpointBackend(s3Endpoint('look', url, bucketName)));
  const keys: string[] = [];
  for await (const object of backend.list('')) keys.push(object.key);
  return keys.sort();
}

describe('continuous mirroring', () => {
  it('copies what the endpoint lacks, records it in the inventory, and answers placement from it', async () => {
    const { vault } = await scratch.vault();
    const b = await bucket();
    await EndpointStore.forLocalDir(vault.localDir).upsert(s3Endpoint('mirror', server.endpoint, b, { mirror: true }));
    const first = await scratch.addFile(vault, 'a.bin', randomBytesSeeded('mirror a', 300_000));
    const backups = service(vault);

    expect((await backups.placement!.missing('mirror')).count).toBe((await repositoryKeys(vault)).length);
    const [status] = await backups.mirror!.syncNow();
    expect(status).toMatchObject({ endpoint: 'mirror', pendingObjects: 0, lastError: null });
    expect(await endpointKeys(server.endpoint, b)).toEqual(await repositoryKeys(vault));
    expect(await backups.placement!.missing('mirror')).toMatchObject({ count: 0, objects: [] });
    expect((await backups.placement!.version(first.reference)).endpoints).toEqual([{ endpoint: 'mirror', present: true, verifiedAt: null, missingObjects: 0 }]);

    // A new version: missing until the next pass, then there too.
    const second = await scratch.addFile(vault, 'b.bin', randomBytesSeeded('mirror b', 300_000));
    expect((await backups.placement!.version(second.reference)).endpoints[0]).toMatchObject({ present: false });
    expect((await backups.placement!.missing('mirror')).count).toBeGreaterThan(0);
    await backups.mirror!.syncNow();
    expect((await backups.placement!.version(second.reference)).endpoints[0]).toMatchObject({ present: true });
    expect(await endpointKeys(server.endpoint, b)).toEqual(await repositoryKeys(vault));
  });

  it('keeps its outbox across a restart: what failed to copy is copied by the next engine', async () => {
    const { vault } = await scratch.vault();
    await scratch.addFile(vault, 'a.bin', randomBytesSeeded('restart', 200_000));
    // The bucket does not exist yet: every copy fails and stays queued.
    const later = `mirror-later-${++bucketCount}`;
    await EndpointStore.forLocalDir(vault.localDir).upsert(s3Endpoint('mirror', server.endpoint, later, { mirror: true }));
    const [failed] = await service(vault).mirror!.syncNow();
    expect(failed!.lastError).toMatch(/Bucket "mirror-later-\d+" does not exist/);
    expect(failed!.pendingObjects).toBe((await repositoryKeys(vault)).length);
    const outbox = JSON.parse(await fs.readFile(path.join(vault.localDir, 'endpoints', 'mirror', 'outbox.json'), 'utf8')) as { pending: Record<string, number> };
    expect(Object.keys(outbox.pending).sort()).toEqual(await repositoryKeys(vault));

    await server.createBucket(later);
    const restarted = service(vault);
    expect((await restarted.mirror!.status())[0]!.pendingObjects).toBe(Object.keys(outbox.pending).length);
    const [done] = await restarted.mirror!.syncNow();
    expect(done).toMatchObject({ pendingObjects: 0, lastError: null });
    expect(await endpointKeys(server.endpoint, later)).toEqual(await repositoryKeys(vault));
  });

  it('runs in the background of the owning engine: a new version reaches the mirrored endpoint by itself', async () => {
    const repo = await scratch.temp('owned');
    const b = await bucket();
    const engine = new Engine({ repositoryPath: repo.path, createIfMissing: true, backgroundMirror: true, lock: { purpose: 'test' } });
    await engine.start();
    try {
      await engine.call('endpoints.add', { name: 'mirror', url: server.endpoint, bucket: b, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', mirror: true }, { transport: 'test' });
      const src = await scratch.temp('src');
      await engine.call('catalogue.add', { path: await src.write('model.bin', randomBytesSeeded('background', 500_000)) }, { transport: 'test' });
      const expected = await repositoryKeys(engine.vault);
      await expect.poll(() => endpointKeys(server.endpoint, b), { timeout: 60_000, interval: 250 }).toEqual(expect.arrayContaining(expected));
    } finally {
      await engine.stop();
    }
  }, 90_000);
});

describe('min-copies', () => {
  it('lists published versions with fewer verified endpoint copies than required until backed up and verified; `cairn status` warns', async () => {
    const { vault, dir } = await scratch.vault({ encrypted: false });
    const b = await bucket();
    await EndpointStore.forLocalDir(vault.localDir).upsert(s3Endpoint('backup', server.endpoint, b));
    const published = await scratch.addFile(vault, 'model.bin', randomBytesSeeded('copies', 100_000), { collection: 'models' });
    await scratch.addFile(vault, 'draft.bin', randomBytesSeeded('draft', 100_000), { collection: 'models', publish: false });
    const backups = service(vault);
    await backups.placement!.minCopies.set('models', 1);
    expect(await backups.placement!.underReplicated()).toEqual([{ versionId: published.id, reference: published.reference, collection: 'models', verifiedCopies: 0, required: 1 }]);

    await vault.close();
    const status = await runCli(['--repo', dir.path, 'status'], { guardMs: 60_000 });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain(`warning: ${published.reference} has 0 verified endpoint copies; collection "models" requires 1.`);

    // Backed up: present, but not yet verified, so still short.
    await backups.run('backup');
    expect(await backups.placement!.underReplicated()).toHaveLength(1);
    await backups.verify('backup', 1);
    expect(await backups.placement!.underReplicated()).toEqual([]);
  }, 90_000);
});
