import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIndexKey } from '../../../src-main/engine/repo/index-format';
import { packIdFromKey } from '../../../src-main/engine/repo/blob';
import { isRepositoryObject } from '../../../src-main/engine/replicate/object-order';
import { runCli } from '../../helpers/cli';
import { startS3rver, type S3rverInstance } from '../../helpers/s3rver';
import { randomBytesSeeded, Scratch } from './replication-fixtures';

const MiB = 1024 * 1024;
let server: S3rverInstance;
const scratch = new Scratch();

beforeAll(async () => {
  server = await startS3rver({ buckets: ['crash'] });
});
afterAll(async () => {
  await scratch.cleanup();
  await server?.stop();
});

/** Objects s3rver holds in a bucket: key -> size and modification time of its stored file. */
async function storedObjects(bucket: string): Promise<Map<string, { size: number; mtimeMs: number }>> {
  const root = path.join(server.directory, bucket);
  const found = new Map<string, { size: number; mtimeMs: number }>();
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('._S3rver_object')) {
        const key = path.relative(root, full).split(path.sep).join('/').replace(/\._S3rver_object$/, '');
        const stat = await fs.stat(full);
        found.set(key, { size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk(root);
  return found;
}

describe('a backup killed mid-way (SIGKILL) and started again', () => {
  it('finishes without uploading finished packs again, and the endpoint verifies at 100%', async () => {
    // 200 MiB of incompressible data: a dozen 16 MiB packs.
    const { vault, dir } = await scratch.vault({ encrypted: false });
    const src = await scratch.temp('big');
    for (let i = 0; i < 4; i++) await src.write(`part-${i}.bin`, randomBytesSeeded(`crash ${i}`, 50 * MiB));
    await vault.addArtifact({ path: src.path, name: 'dataset' });
    await vault.close();
    const local: Array<{ key: string; size: number }> = [];
    for await (const object of vault.backend.list('')) if (isRepositoryObject(object.key)) local.push({ key: object.key, size: object.size });
    const packs = local.filter((o) => packIdFromKey(o.key));
    expect(packs.length).toBeGreaterThanOrEqual(10);

    const env = { ARTIFACT_ENDPOINT: server.endpoint, ARTIFACT_BUCKET: 'crash', ARTIFACT_ACCESS_KEY: 'S3RVER', ARTIFACT_SECRET_KEY: 'S3RVER' };
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(['--repo', dir.path, '--json', ...args], { env: { ...env, ...extra }, guardMs: 240_000 });

    // Killed right after the 6th object (the config and five packs) is on the endpoint.
    const killed = await cli(['backup', '--to', 'default'], { CAIRN_CRASH_AT: 'backup.after-object-copied:6' });
    expect(killed.signal).toBe('SIGKILL');
    const before = await storedObjects('crash');
    const packsBefore = [...before.keys()].filter((key) => packIdFromKey(key));
    expect(packsBefore.length).toBeGreaterThanOrEqual(5);
    expect(packsBefore.length).toBeLessThan(packs.length);
    expect([...before.keys()].some((key) => parseIndexKey(key))).toBe(false);

    const resumed = await cli(['backup', '--to', 'default']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const job = JSON.parse(resumed.stdout) as { objectsUploaded: number; objectsAlreadyThere: number; result: string };
    expect(job.result).toBe('ok');
    const after = await storedObjects('crash');
    // Every pack that was complete before the kill is untouched: same file, not written again.
    const sizes = new Map(local.map((o) => [o.key, o.size]));
    const finishedBefore = packsBefore.filter((key) => before.get(key)!.size === sizes.get(key));
    expect(finishedBefore.length).toBeGreaterThanOrEqual(5);
    for (const key of finishedBefore) expect(after.get(key)!.mtimeMs, key).toBe(before.get(key)!.mtimeMs);
    expect(job.objectsAlreadyThere).toBeGreaterThanOrEqual(6);
    expect(job.objectsUploaded + job.objectsAlreadyThere).toBe(local.length);
    // Everything the repository holds now (the backup's own record included) is on the endpoint.
    const localNow: string[] = [];
    for await (const object of vault.backend.list('')) if (isRepositoryObject(object.key)) localNow.push(object.key);
    expect([...after.keys()].filter((key) => isRepositoryObject(key)).sort()).toEqual(localNow.sort());

    const verified = await cli(['verify', '--endpoint', 'default', '--sample', '100%']);
    expect(verified.code, verified.stderr).toBe(0);
    const report = JSON.parse(verified.stdout) as { ok: boolean; problems: unknown[]; packsChecked: number; packsTotal: number };
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.packsChecked).toBe(packs.length);
  }, 300_000);
});
