import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointStore, parseEndpoint, type EndpointSecrets } from '../../../src-main/engine/endpoints/config';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
afterEach(async () => dir?.remove());

function keychain(): EndpointSecrets & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (name) => entries.get(name) ?? null,
    set: async (name, value) => void entries.set(name, value),
    delete: async (name) => entries.delete(name),
  };
}

const endpoint = parseEndpoint({ name: 'office', url: 'http://127.0.0.1:9000', bucket: 'backups', accessKeyId: 'AK', secretAccessKey: 'very-secret' });

describe('endpoint secrets with a keychain (the desktop)', () => {
  it('keeps the secret out of the endpoint file and gives it back to the engine', async () => {
    dir = await makeTempDir('endpoints');
    const secrets = keychain();
    const store = EndpointStore.forLocalDir(dir.path, secrets);
    await store.upsert(endpoint);
    const onDisk = await fs.readFile(dir.join('endpoints.json'), 'utf8');
    expect(onDisk).not.toContain('very-secret');
    expect((await store.get('office')).secretAccessKey).toBe('very-secret');
    await store.remove('office');
    expect(secrets.entries.size).toBe(0);
  });

  it('says plainly when the keychain is not there', async () => {
    dir = await makeTempDir('endpoints');
    await EndpointStore.forLocalDir(dir.path, keychain()).upsert(endpoint);
    await expect(EndpointStore.forLocalDir(dir.path).get('office')).rejects.toThrow(/keychain/);
  });

  it('without a keychain (CLI, browser mode) the secret stays in a 0600 file', async () => {
    dir = await makeTempDir('endpoints');
    await EndpointStore.forLocalDir(dir.path).upsert(endpoint);
    const stat = await fs.stat(dir.join('endpoints.json'));
    expect(stat.mode & 0o777).toBe(0o600);
  });
});
