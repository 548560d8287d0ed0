import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { EndpointStore } from '../../../src-main/engine/endpoints/config';
import { endpointBackend } from '../../../src-main/engine/endpoints/endpoint-backend';
import { EventBus } from '../../../src-main/engine/events';
import { packKey } from '../../../src-main/engine/repo/blob';
import { backupRepository } from '../../../src-main/engine/replicate/backup';
import { BackupService, type BackupJob } from '../../../src-main/engine/replicate/backup-service';
import { verifyEndpoint } from '../../../src-main/engine/replicate/verify';
import { FakeClock } from '../backends/fake-clock';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { randomBytesSeeded, s3Endpoint, Scratch } from './replication-fixtures';

let serverA: S3rverInstance;
let serverB: S3rverInstance;
let proxy: FaultProxy | undefined;
const scratch = new Scratch();
let bucketCount = 0;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([startS3rver(), startS3rver()]);
});
afterAll(async () => {
  await Promise.all([serverA?.stop(), serverB?.stop()]);
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await scratch.cleanup();
});

async function bucketOn(server: S3rverInstance): Promise<string> {
  const bucket = `replicate-${++bucketCount}`;
  await server.createBucket(bucket);
  return bucket;
}

/** The file s3rver keeps an object's bytes in. */
function s3rverObjectFile(server: S3rverInstance, bucket: string, key: string): string {
  return path.join(server.directory, bucket, ...key.split('/').slice(0, -1), `${key.split('/').pop()!}._S3rver_object`);
}

const noWait = { sleep: async () => undefined, maxAttempts: 12 };

function memoryJobs(): { record(job: BackupJob): Promise<void>; list(): BackupJob[] } {
  const jobs: BackupJob[] = [];
  return { record: async (job) => void jobs.push(job), list: () => jobs };
}

describe('backup to S3 endpoints (s3rver)', () => {
  it('completes through 20% injected errors and cut bodies, and everything verifies', async () => {
    const { vault } = await scratch.vault();
    // Eight versions: eight packs and index segments and their manifest updates, so a few
    // hundred requests meet the faults.
    for (let i = 0; i < 8; i++) await scratch.addFile(vault, `model-${i}.bin`, randomBytesSeeded(`faults ${i}`, 400_000 + i * 50_000));
    proxy = await startFaultProxy({ target: serverA.endpoint, seed: 7, rate: 0.2, kinds: ['error500', 'error503', 'cutBody', 'refuse'] });
    const bucket = await bucketOn(serverA);
    const retried: string[] = [];
    const flaky = scratch.track(endpointBackend(s3Endpoint('flaky', proxy.endpoint, bucket), { retry: { ...noWait, onRetry: (e) => retried.push(e.verb) } }));

    const report = await backupRepository(vault.backend, flaky);
    expect(report.objectsUploaded).toBeGreaterThan(4);
    const verified = await verifyEndpoint(vault.backend, flaky, { sample: 1 });
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(verified.packsChecked).toBe(verified.packsTotal);

    expect(proxy.counts.cutBody).toBeGreaterThan(0);
    expect(proxy.counts.error500 + proxy.counts.error503 + proxy.counts.refuse).toBeGreaterThan(0);
    expect(retried.length).toBeGreaterThan(0);
    // And straight from the server, without the proxy: a second backup finds everything there.
    const direct = scratch.track(endpointBackend(s3Endpoint('direct', serverA.endpoint, bucket)));
    expect((await backupRepository(vault.backend, direct)).objectsUploaded).toBe(0);
  });

  it('detects a flipped byte in a pack on endpoint A, names the affected version, and repairs it from endpoint B', async () => {
    const { vault, dir } = await scratch.vault();
    const model = await scratch.addFile(vault, 'model.bin', randomBytesSeeded('flip', 2_000_000));
    const [bucketA, bucketB] = [await bucketOn(serverA), await bucketOn(serverB)];
    const endpoints = EndpointStore.forLocalDir(vault.localDir);
    await endpoints.upsert(s3Endpoint('a', serverA.endpoint, bucketA));
    await endpoints.upsert(s3Endpoint('b', serverB.endpoint, bucketB));
    const service = new BackupService({ local: () => vault.backend, endpoints, events: new EventBus(), jobs: memoryJobs(), vault });
    await service.run('a');
    await service.run('b');

    // One byte of the pack holding the model's tree flips on A, and the local copy is damaged
    // too, so the only good copy left is on B.
    const victim = packKey(vault.requireRepository().locate(model.treeId)!.packId);
    for (const file of [s3rverObjectFile(serverA, bucketA, victim), path.join(dir.path, victim)]) {
      const bytes = await fs.readFile(file);
      bytes[bytes.length >> 1]! ^= 0x01;
      await fs.writeFile(file, bytes);
    }

    const report = await service.verify('a', 1);
    expect(report.problems).toEqual([
      expect.objectContaining({ key: victim, kind: 'damaged', repairedFrom: 's3:' + bucketB, affects: [{ versionId: model.id, reference: model.reference }] }),
    ]);
    expect(report.ok).toBe(true);
    const again = await service.verify('a', 1);
    expect(again.problems).toEqual([]);
    // The inventory now records every pack on A as verified.
    const placement = await service.placement!.version(model.reference);
    expect(placement.endpoints.find((e) => e.endpoint === 'a')).toMatchObject({ present: true, verifiedAt: expect.any(String) });
  });

  it('skips the clean-up of incomplete multipart uploads on a server without it (s3rver), and backs up', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    await scratch.addFile(vault, 'a.txt', Buffer.from('a'));
    const backend = scratch.track(endpointBackend(s3Endpoint('a', serverA.endpoint, await bucketOn(serverA))));
    expect(await backend.abortIncompleteUploads!(new Date())).toEqual({ supported: false, aborted: 0, kept: 0 });
    const endpoints = EndpointStore.forLocalDir(vault.localDir);
    await endpoints.upsert(s3Endpoint('a', serverA.endpoint, (await bucketOn(serverA))));
    const job = await new BackupService({ local: () => vault.backend, endpoints, events: new EventBus(), jobs: memoryJobs(), vault }).run('a');
    expect(job.result).toBe('ok');
  });

  it("paces transfers to the endpoint's bandwidth limit", async () => {
    const clock = new FakeClock();
    const backend = scratch.track(endpointBackend(s3Endpoint('slow', serverA.endpoint, await bucketOn(serverA), { bandwidthLimit: 100_000 }), { clock }));
    // The first second's worth passes at once (the burst); the next 300 kB wait 3 s of clock time.
    await backend.put('packs/aa/one', Buffer.alloc(100_000));
    await backend.put('packs/aa/two', Buffer.alloc(300_000));
    expect(clock.waits.reduce((a, b) => a + b, 0)).toBe(3000);
    expect((await backend.get('packs/aa/two')).length).toBe(300_000);
    const unlimited = scratch.track(endpointBackend(s3Endpoint('fast', serverA.endpoint, await bucketOn(serverA)), { clock }));
    const before = clock.waits.length;
    await unlimited.put('packs/aa/three', Buffer.alloc(300_000));
    expect(clock.waits.length).toBe(before);
  });

  it('copies to a folder endpoint the same way (local backends compare equal)', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    await scratch.addFile(vault, 'a.txt', Buffer.from('folder'));
    const folder = new LocalBackend((await scratch.temp('folder-endpoint')).path);
    expect((await backupRepository(vault.backend, folder)).objectsUploaded).toBeGreaterThan(0);
    expect((await verifyEndpoint(vault.backend, folder)).ok).toBe(true);
  });
});
