import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from '../../helpers/cli';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let s3: S3rverInstance;
let dir: TempDir;
const env = { CAIRN_ENDPOINT_SECRET: 'S3RVER', CAIRN_PASSWORD: '' };

beforeAll(async () => {
  s3 = await startS3rver();
  await s3.createBucket('shared');
  dir = await makeTempDir('sync-cli');
});
afterAll(async () => {
  await s3?.stop();
  await dir?.remove();
});

async function cairn(repo: string, ...args: string[]): Promise<{ code: number | null; json: unknown; stderr: string }> {
  const result = await runCli(['--repo', dir.join(repo), '--json', ...args], { env, guardMs: 60_000 });
  return { code: result.code, json: parseJsonOutput(result.stdout), stderr: result.stderr };
}

const endpointArgs = () => ['endpoint', 'add', 'shared', '--url', s3.endpoint, '--bucket', 'shared', '--access-key', 'S3RVER', '--role', 'sync'];

describe('cairn sync, devices, pending, approve, reject', () => {
  it('syncs one device, bootstraps a second from the bucket, and lists devices and pending change sets', { timeout: 120_000 }, async () => {
    expect((await cairn('a', 'init')).code).toBe(0);
    expect((await cairn('a', ...endpointArgs())).code).toBe(0);
    const file = await dir.write('model.bin', 'weights\n');
    expect((await cairn('a', 'add', file, '--collection', 'models')).code).toBe(0);
    const once = await cairn('a', 'sync', '--once');
    expect(once.code).toBe(0);
    expect(once.json).toMatchObject({ uploaded: { manifestObjects: expect.any(Number) as number } });

    expect((await cairn('b', ...endpointArgs())).code).toBe(0);
    const joined = await cairn('b', 'sync', '--bootstrap', '--endpoint', 'shared');
    expect(joined.code).toBe(0);
    expect(joined.json).toMatchObject({ artifacts: 1, versions: 1 });

    const devices = (await cairn('b', 'devices')).json as { devices: Array<{ self: boolean; registered: boolean }> };
    expect(devices.devices).toHaveLength(2);
    expect(devices.devices.filter((d) => d.self)).toHaveLength(1);
    expect((await cairn('b', 'pending')).json).toEqual({ changeSets: [] });
    const missing = await cairn('b', 'approve', 'deadbeef');
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
