import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EndpointStore } from '../../../src-main/engine/endpoints/config';
import { endpointBackend } from '../../../src-main/engine/endpoints/endpoint-backend';
import { ShareService } from '../../../src-main/engine/share/share-service';
import type { Vault } from '../../../src-main/engine/vault/vault';
import { runCli } from '../../helpers/cli';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { randomBytesSeeded, s3Endpoint, Scratch } from '../replicate/replication-fixtures';

let server: S3rverInstance;
const scratch = new Scratch();

beforeAll(async () => {
  server = await startS3rver({ buckets: ['shares', 'shares-cli'] });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await scratch.cleanup();
});

async function sharing(vault: Vault, now?: () => number): Promise<ShareService> {
  const endpoints = EndpointStore.forLocalDir(vault.localDir);
  await endpoints.upsert(s3Endpoint('public', server.endpoint, 'shares', { prefix: 'team/vault' }));
  return new ShareService({ vault, endpoints, backendFor: (e) => endpointBackend(e), ...(now ? { now } : {}) });
}

describe('share links', () => {
  it('exports a published file as a plain object whose presigned URL plain fetch downloads byte for byte', async () => {
    const { vault } = await scratch.vault();
    const bytes = randomBytesSeeded('share', 700_000);
    const version = await scratch.addFile(vault, 'model.bin', bytes);
    const shares = await sharing(vault);

    const share = await shares.create({ version: version.reference, expiresInSeconds: 3600 }, 'laptop (cli)');
    expect(share.s3Uri).toBe(`s3://shares/team/vault/exports/${version.sha256}/model.bin`);
    expect(share.key).toBe(`exports/${version.sha256}/model.bin`);
    const response = await fetch(share.url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(response.headers.get('content-disposition')).toContain('filename="model.bin"');

    const [event] = vault.requireCatalogue().listEvents({ kinds: ['shared'] }).items;
    expect(event).toMatchObject({ versionId: version.id, details: { endpoint: 'public', key: share.key, s3Uri: share.s3Uri, expiresAt: share.expiresAt, by: 'laptop (cli)' } });
    expect(JSON.stringify(event!.details)).not.toContain('X-Amz-Signature');
    expect(shares.list()).toEqual([expect.objectContaining({ version: version.reference, state: 'active', createdBy: 'laptop (cli)' })]);
  });

  it('revoking deletes the export, so the link stops working, and records who did it', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    const version = await scratch.addFile(vault, 'notes.txt', Buffer.from('for your eyes'));
    const shares = await sharing(vault);
    const share = await shares.create({ version: version.reference, name: 'notes for Ann.txt', expiresInSeconds: 600 }, 'laptop (cli)');
    expect((await fetch(share.url)).status).toBe(200);

    const { revoked } = await shares.revoke({ version: version.reference }, 'laptop (cli)');
    expect(revoked).toEqual([expect.objectContaining({ key: share.key, state: 'revoked' })]);
    expect((await fetch(share.url)).status).toBe(404);
    expect(vault.requireCatalogue().listEvents({ kinds: ['share_revoked'] }).items).toHaveLength(1);
    await expect(shares.revoke({ version: version.reference }, 'laptop (cli)')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shares only published single files, for at most 7 days, and tells expired links apart', async () => {
    const { vault } = await scratch.vault({ encrypted: false });
    let now = Date.now();
    const shares = await sharing(vault, () => now);
    const draft = await scratch.addFile(vault, 'draft.bin', Buffer.from('draft'), { publish: false });
    await expect(shares.create({ version: draft.reference, expiresInSeconds: 60 }, 'me')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('is draft') });

    const folder = await scratch.temp('bundle');
    await folder.write('a.txt', 'a');
    await folder.write('b/c.txt', 'c');
    const bundle = await vault.addArtifact({ path: folder.path, name: 'bundle' });
    const ref = `default/bundle@v${bundle.version.number}`;
    await vault.requireCatalogue().setStatus(ref, 'on_verification');
    await vault.requireCatalogue().setStatus(ref, 'published');
    await expect(shares.create({ version: ref, expiresInSeconds: 60 }, 'me')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('single-file') });

    const file = await scratch.addFile(vault, 'ok.bin', Buffer.from('ok'));
    await expect(shares.create({ version: file.reference, expiresInSeconds: 8 * 24 * 3600 }, 'me')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(shares.create({ version: file.reference, name: '../escape', expiresInSeconds: 60 }, 'me')).rejects.toMatchObject({ name: 'InvalidShareNameError' });
    await shares.create({ version: file.reference, expiresInSeconds: 60 }, 'me');
    now += 61_000;
    expect(shares.list()[0]).toMatchObject({ state: 'expired' });
  });

  it('`cairn share NAME@vN --endpoint E --expires 1h` prints a link that downloads the file', async () => {
    const { vault, dir } = await scratch.vault({ encrypted: false });
    const bytes = randomBytesSeeded('cli share', 50_000);
    await scratch.addFile(vault, 'weights.bin', bytes);
    await EndpointStore.forLocalDir(vault.localDir).upsert(s3Endpoint('public', server.endpoint, 'shares-cli'));
    await vault.close();
    const result = await runCli(['--repo', dir.path, '--json', 'share', 'weights.bin@v1', '--endpoint', 'public', '--expires', '1h'], { guardMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const share = JSON.parse(result.stdout) as { url: string; expiresAt: string };
    expect(Date.parse(share.expiresAt) - Date.now()).toBeGreaterThan(50 * 60 * 1000);
    expect(Buffer.from(await (await fetch(share.url)).arrayBuffer()).equals(bytes)).toBe(true);
  }, 60_000);
});
