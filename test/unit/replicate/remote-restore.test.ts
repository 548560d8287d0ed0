import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InstrumentedBackend, type BackendOperation } from '../../../src-main/engine/backends/instrumented-backend';
import { endpointBackend } from '../../../src-main/engine/endpoints/endpoint-backend';
import { backupRepository } from '../../../src-main/engine/replicate/backup';
import { restoreFromEndpoint } from '../../../src-main/engine/replicate/remote-restore';
import { runCli } from '../../helpers/cli';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { randomBytesSeeded, s3Endpoint, Scratch } from './replication-fixtures';

let server: S3rverInstance;
const scratch = new Scratch();

beforeAll(async () => {
  server = await startS3rver({ buckets: ['remote-1', 'remote-2'] });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await scratch.cleanup();
});

describe('restore from an endpoint alone', () => {
  it('reads the catalogue from the bucket and only the bytes the version needs, with range reads, writing nothing', async () => {
    const { vault } = await scratch.vault();
    const small = randomBytesSeeded('small', 150_000);
    await scratch.addFile(vault, 'big.bin', randomBytesSeeded('big', 6_000_000));
    const wanted = await scratch.addFile(vault, 'small.bin', small);
    const endpoint = s3Endpoint('remote', server.endpoint, 'remote-1');
    await backupRepository(vault.backend, scratch.track(endpointBackend(endpoint)));
    let packBytes = 0;
    for await (const object of vault.backend.list('packs/')) packBytes += object.size;

    const operations: BackendOperation[] = [];
    const counted = new InstrumentedBackend(endpointBackend(endpoint), { onOperation: (op) => operations.push(op) });
    const cache = await scratch.temp('cache');
    const target = await scratch.temp('restored');
    const result = await restoreFromEndpoint({ backend: counted, cacheDir: cache.path, passphrase: async () => 'pw', version: 'small.bin@v1', target: target.path });
    await counted.close();

    expect(result).toMatchObject({ files: 1, bytes: small.length, version: { id: wanted.id, status: 'published' } });
    expect((await fs.readFile(target.join('small.bin'))).equals(small)).toBe(true);
    const fromPacks = operations.filter((op) => op.key.startsWith('packs/') && op.verb.startsWith('get')).reduce((sum, op) => sum + op.bytes, 0);
    expect(fromPacks).toBeGreaterThan(0);
    expect(fromPacks).toBeLessThan(packBytes / 10);
    expect(operations.filter((op) => op.verb === 'put' || op.verb === 'delete')).toEqual([]);
  });

  it('refuses a version that is not published unless asked, like a local restore', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    await scratch.addFile(vault, 'draft.txt', Buffer.from('not yet'), { publish: false });
    const endpoint = s3Endpoint('remote', server.endpoint, 'remote-2');
    await backupRepository(vault.backend, scratch.track(endpointBackend(endpoint)));
    const cache = await scratch.temp('cache');
    const target = await scratch.temp('restored');
    const request = { backend: scratch.track(endpointBackend(endpoint)), cacheDir: cache.path, version: 'draft.txt', target: target.path };
    await expect(restoreFromEndpoint(request)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('is draft') });
    await restoreFromEndpoint({ ...request, anyStatus: true });
    expect(await fs.readFile(target.join('draft.txt'), 'utf8')).toBe('not yet');
  });

  it('works from the command line on a machine with nothing but ARTIFACT_* variables', async () => {
    const { vault } = await scratch.vault();
    const bytes = randomBytesSeeded('cli', 400_000);
    await scratch.addFile(vault, 'model.bin', bytes);
    await server.createBucket('remote-cli');
    await backupRepository(vault.backend, scratch.track(endpointBackend(s3Endpoint('remote', server.endpoint, 'remote-cli'))));

    const machine = await scratch.temp('new-machine');
    const env = { ARTIFACT_ENDPOINT: server.endpoint, ARTIFACT_BUCKET: 'remote-cli', ARTIFACT_ACCESS_KEY: 'S3RVER', ARTIFACT_SECRET_KEY: 'S3RVER', CAIRN_PASSWORD: 'pw' };
    // Named explicitly, and implied: with no local repository, ARTIFACT_* is where versions are.
    for (const [out, extra] of [['named', ['--from-endpoint', 'default']], ['implied', []]] as const) {
      const target = machine.join(out);
      const result = await runCli(['--repo', machine.join('no-repository-here'), '--json', 'restore', 'model.bin@v1', '--to', target, ...extra], { env, guardMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ files: 1, bytes: bytes.length, version: { reference: 'default/model.bin@v1' } });
      expect((await fs.readFile(path.join(target, 'model.bin'))).equals(bytes)).toBe(true);
    }
  }, 120_000);
});
