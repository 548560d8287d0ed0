import type { Readable } from 'node:stream';
import type { VersionView } from '../../../src-shared/catalogue/views';
import { CairnError } from '../../../src-shared/errors';
import type { Backend, ByteRange, ListOptions, ObjectInfo, PutOptions, PutResult } from '../backends/backend';
import { Catalogue } from '../catalogue/catalogue';
import { defaultCatalogueConfig } from '../catalogue/type-config';
import { ManifestStore } from '../manifest/store';
import { Repository } from '../repo/repository';
import { restoreTree, type RestoreProgress } from '../restore/restorer';
import { VersionNotServableError } from '../vault/vault';

export interface RemoteRestoreRequest {
  /** The endpoint's backend: the only source of bytes and catalogue. */
  backend: Backend;
  /** Device-local folder for this machine's state about that repository (device id). */
  cacheDir: string;
  passphrase?: () => Promise<string | null>;
  /** `NAME`, `NAME@vN`, `collection/NAME@sha256:PREFIX`, or a version id. */
  version: string;
  target: string;
  path?: string;
  overwrite?: boolean;
  /** Also restore versions that are not published. */
  anyStatus?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
}

export interface RemoteRestoreResult {
  version: VersionView;
  files: number;
  bytes: number;
  target: string;
  durationMs: number;
}

/**
 * Restores a version from an endpoint alone, on a machine with no local repository (a new or
 * replaced computer): opens the repository on the endpoint's backend (config, keys, index
 * segments), loads the catalogue from the manifest objects in the bucket, and restores the
 * version's tree, which reads only the blobs it needs with range GETs into their packs. The
 * endpoint is never written to: the backend is wrapped so that any write fails loudly.
 */
export async function restoreFromEndpoint(request: RemoteRestoreRequest): Promise<RemoteRestoreResult> {
  const backend = new ReadOnlyBackend(request.backend);
  const repo = await Repository.open(backend, { localDir: request.cacheDir, ...(request.passphrase ? { passphrase: request.passphrase } : {}) });
  const store = new ManifestStore({ backend, repoId: repo.id, deviceId: repo.device.deviceId, macKey: repo.keys.manifestMacKey, sealKey: repo.keys.manifestKey, coalesceMs: null });
  try {
    await store.load();
    const catalogue = new Catalogue({ doc: store.doc, deviceId: repo.device.deviceId, config: defaultCatalogueConfig, commit: async () => undefined });
    const version = catalogue.getVersion(request.version);
    if (!request.anyStatus && version.status !== 'published') {
      throw new VersionNotServableError(`${version.collection}/${version.name}@v${version.number}`, version.status);
    }
    const result = await restoreTree(repo, version.treeId, request.target, {
      ...(request.path !== undefined ? { path: request.path } : {}),
      overwrite: request.overwrite ?? false,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    return { version, files: result.files, bytes: result.bytes, target: result.target, durationMs: result.durationMs };
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** Refuses every write, so restoring from an endpoint can never change it. */
class ReadOnlyBackend implements Backend {
  readonly name: string;

  constructor(private readonly inner: Backend) {
    this.name = inner.name;
  }

  get(key: string, range?: ByteRange): Promise<Buffer> {
    return this.inner.get(key, range);
  }

  getStream(key: string, range?: ByteRange): Promise<Readable> {
    return this.inner.getStream(key, range);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.inner.head(key);
  }

  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix, options);
  }

  async put(key: string, _body: Buffer | Readable, _options?: PutOptions): Promise<PutResult> {
    throw readOnly(this.name, `write "${key}"`);
  }

  async delete(key: string): Promise<void> {
    throw readOnly(this.name, `delete "${key}"`);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}

function readOnly(name: string, what: string): CairnError {
  return new CairnError('INTERNAL', `Restoring from ${name} tried to ${what}; a restore from an endpoint never changes it.`, {
    hint: 'This is a bug in Cairn: please report it. Nothing was changed on the endpoint.',
  });
}
