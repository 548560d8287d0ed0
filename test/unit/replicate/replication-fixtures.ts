import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Backend } from '../../../src-main/engine/backends/backend';
import { parseEndpoint, type EndpointConfig } from '../../../src-main/engine/endpoints/config';
import { Vault } from '../../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

/** Deterministic incompressible bytes (AES-CTR of zeros), fast enough for hundreds of MiB. */
export function randomBytesSeeded(seed: string | number, size: number): Buffer {
  const key = crypto.createHash('sha256').update(`seed ${seed}`).digest().subarray(0, 16);
  return crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** Temp folders and vaults a test made, removed and closed afterwards. */
export class Scratch {
  private readonly temps: TempDir[] = [];
  private readonly vaults: Vault[] = [];
  private readonly backends: Backend[] = [];

  async temp(label: string): Promise<TempDir> {
    const t = await makeTempDir(label);
    this.temps.push(t);
    return t;
  }

  track<T extends Backend>(backend: T): T {
    this.backends.push(backend);
    return backend;
  }

  /** A fresh repository (small chunks, cheap scrypt) in a temp folder; encrypted with "pw" unless told otherwise. */
  async vault(options: { encrypted?: boolean } = {}): Promise<{ vault: Vault; dir: TempDir }> {
    const dir = await this.temp('repo');
    const vault = new Vault({ repositoryPath: dir.path, passphrase: async () => 'pw' });
    this.vaults.push(vault);
    await vault.init(options.encrypted === false ? null : 'pw', { scryptN: 1024, chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 } });
    return { vault, dir };
  }

  /** Adds a file with these bytes as a new version and publishes it. */
  async addFile(vault: Vault, name: string, bytes: Buffer, options: { publish?: boolean; collection?: string } = {}) {
    const src = await this.temp('src');
    const file = await src.write(name, bytes);
    const added = await vault.addArtifact({ path: file, name, ...(options.collection ? { collection: options.collection } : {}) });
    const v = added.version;
    const reference = `${v.collection}/${v.name}@v${v.number}`;
    if (options.publish ?? true) {
      await vault.requireCatalogue().setStatus(reference, 'on_verification');
      await vault.requireCatalogue().setStatus(reference, 'published');
    }
    return { ...vault.requireCatalogue().getVersion(reference), reference };
  }

  async cleanup(): Promise<void> {
    for (const b of this.backends.splice(0)) await b.close?.();
    for (const v of this.vaults.splice(0)) await v.close();
    for (const t of this.temps.splice(0)) await t.remove();
  }
}

/** An endpoint configuration for an s3rver (which ignores credentials) or any S3 URL. */
export function s3Endpoint(name: string, url: string, bucket: string, extra: Partial<EndpointConfig> = {}): EndpointConfig {
  return parseEndpoint({ name, url, bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...extra });
}

/** Every file under `dir` (relative paths), for comparing what landed where. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await fs.readdir(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  await walk(dir);
  return out.sort();
}
