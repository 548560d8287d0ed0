import fs from 'node:fs/promises';
import path from 'node:path';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createS3Client } from '../../src-main/engine/backends/s3-client';
import { EndpointStore, parseEndpoint, type EndpointConfig } from '../../src-main/engine/endpoints/config';
import { endpointBackend } from '../../src-main/engine/endpoints/endpoint-backend';
import { EventBus } from '../../src-main/engine/events';
import { packKey } from '../../src-main/engine/repo/blob';
import { BackupService, type BackupJob } from '../../src-main/engine/replicate/backup-service';
import { restoreFromEndpoint } from '../../src-main/engine/replicate/remote-restore';
import type { Vault } from '../../src-main/engine/vault/vault';
import { runCli } from '../helpers/cli';
import { randomBytesSeeded, Scratch } from '../unit/replicate/replication-fixtures';
import { describeWithSwift, startSwift, swiftCredentials, type SwiftInstance } from './swift-server';

/** Backup, verify, repair, restore from the endpoint and the endpoint error messages, against Swift + s3api. */
describeWithSwift('replication against OpenStack Swift (s3api)', () => {
  let swift: SwiftInstance;
  const scratch = new Scratch();
  let bucketCount = 0;

  beforeAll(async () => {
    swift = await startSwift();
  }, 180_000);
  afterAll(async () => {
    await swift?.stop();
  }, 60_000);
  afterEach(async () => {
    await scratch.cleanup();
  });

  async function endpoint(name: string, extra: Partial<EndpointConfig> = {}): Promise<EndpointConfig> {
    const bucket = `replication-${++bucketCount}`;
    await swift.createBucket(bucket);
    return parseEndpoint({ name, url: swift.endpoint, bucket, ...swiftCredentials, prefix: 'cairn', ...extra });
  }

  function service(vault: Vault, extra: { now?: () => number } = {}): BackupService {
    const jobs: BackupJob[] = [];
    return new BackupService({
      local: () => vault.backend,
      endpoints: EndpointStore.forLocalDir(vault.localDir),
      events: new EventBus(),
      jobs: { record: async (job) => void jobs.push(job), list: () => jobs },
      vault,
      ...extra,
    });
  }

  /** The .data file in Swift's storage holding exactly `bytes`. */
  async function swiftDataFileHolding(bytes: Buffer): Promise<string> {
    const found: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith('.data') && (await fs.stat(full)).size === bytes.length && (await fs.readFile(full)).equals(bytes)) found.push(full);
      }
    };
    await walk(path.join(swift.stateDir, 'srv'));
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  it('backs up, detects a flipped byte stored by Swift, names the version, repairs it, and restores from the endpoint alone', async () => {
    const { vault } = await scratch.vault();
    const bytes = randomBytesSeeded('swift', 1_500_000);
    const model = await scratch.addFile(vault, 'model.bin', bytes);
    const store = EndpointStore.forLocalDir(vault.localDir);
    const a = await endpoint('a');
    await store.upsert(a);
    const backups = service(vault);
    const job = await backups.run('a');
    expect(job.result).toBe('ok');
    expect((await backups.run('a')).objectsUploaded).toBe(0);

    const victim = packKey(vault.requireRepository().locate(model.treeId)!.packId);
    const file = await swiftDataFileHolding(await vault.backend.get(victim));
    const stored = await fs.readFile(file);
    stored[stored.length >> 1]! ^= 0x40;
    await fs.writeFile(file, stored);

    const report = await backups.verify('a', 1);
    expect(report.problems).toEqual([expect.objectContaining({ key: victim, repairedFrom: vault.backend.name, affects: [{ versionId: model.id, reference: model.reference }] })]);
    expect(['damaged', 'missing']).toContain(report.problems[0]!.kind);
    expect((await backups.verify('a', 1)).problems).toEqual([]);

    const cache = await scratch.temp('cache');
    const target = await scratch.temp('restored');
    const restored = await restoreFromEndpoint({ backend: scratch.track(endpointBackend(a)), cacheDir: cache.path, passphrase: async () => 'pw', version: model.reference, target: target.path });
    expect(restored.bytes).toBe(bytes.length);
    expect((await fs.readFile(target.join('model.bin'))).equals(bytes)).toBe(true);
  }, 120_000);

  it('aborts incomplete multipart uploads under its prefix when a backup starts, and leaves other prefixes alone', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    await scratch.addFile(vault, 'a.txt', Buffer.from('a'));
    const a = await endpoint('a');
    await EndpointStore.forLocalDir(vault.localDir).upsert(a);
    const client = await createS3Client({ endpoint: swift.endpoint, ...swiftCredentials });
    try {
      // What a backup killed mid-upload leaves behind: an upload with a part, never completed.
      for (const key of ['cairn/packs/aa/interrupted', 'someone-else/upload']) {
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: a.bucket, Key: key }));
        await client.send(new UploadPartCommand({ Bucket: a.bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024, 1) }));
      }
      const uploads = async () => ((await client.send(new ListMultipartUploadsCommand({ Bucket: a.bucket }))).Uploads ?? []).map((u) => u.Key).sort();
      expect(await uploads()).toEqual(['cairn/packs/aa/interrupted', 'someone-else/upload']);

      // Younger than the cut-off: kept (another backup may still be sending it).
      await service(vault).run('a');
      expect(await uploads()).toEqual(['cairn/packs/aa/interrupted', 'someone-else/upload']);
      // The next backup, an hour later: both are stale now, and only ours is aborted.
      await service(vault, { now: () => Date.now() + 60 * 60 * 1000 }).run('a');
      expect(await uploads()).toEqual(['someone-else/upload']);
    } finally {
      client.destroy();
    }
  }, 120_000);

  it('says plainly when the secret is wrong, from `cairn endpoint test` and `cairn backup`', async () => {
    const { dir } = await scratch.vault({ encrypted: false });
    const a = await endpoint('a');
    const env = { ARTIFACT_ENDPOINT: swift.endpoint, ARTIFACT_BUCKET: a.bucket, ARTIFACT_ACCESS_KEY: swiftCredentials.accessKeyId, ARTIFACT_SECRET_KEY: 'not-the-secret' };
    const test = await runCli(['--repo', dir.path, '--json', 'endpoint', 'test', 'default'], { env, guardMs: 60_000 });
    const report = JSON.parse(test.stdout) as { checks: Array<{ name: string; ok: boolean; message: string }> };
    expect(report.checks.find((c) => !c.ok)).toMatchObject({ name: 'credentials', message: expect.stringContaining(`refused access to bucket "${a.bucket}" (SignatureDoesNotMatch)`) });
    const backup = await runCli(['--repo', dir.path, 'backup', '--to', 'default'], { env, guardMs: 60_000 });
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain(`cairn: ${swift.endpoint} refused access to bucket "${a.bucket}" (SignatureDoesNotMatch).`);
    expect(backup.stderr).toContain('Check the access key ID and secret access key');
  }, 120_000);
});
