import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import { LocalBackend } from '../backends/local-backend';
import { Catalogue, type AddVersionResult } from '../catalogue/catalogue';
import { defaultCatalogueConfig, parseCatalogueConfig, type CatalogueConfig } from '../catalogue/type-config';
import { checkRepository, type CheckOptions, type CheckReport } from '../check/checker';
import { collectGarbage, type GcOptions, type GcReport } from '../gc/collector';
import type { Logger } from '../logger';
import { ManifestStore } from '../manifest/store';
import { liveTreeIds } from '../policy/retention';
import type { RepoConfig } from '../repo/config';
import { RepositoryNotFoundError } from '../repo/errors';
import { Repository, type RepositoryStats } from '../repo/repository';
import { restoreTree, type RestoreOptions, type RestoreResult } from '../restore/restorer';
import { snapshot, type SnapshotOptions, type SnapshotResult } from '../snapshot/snapshotter';
import { ReadThroughBackend } from '../sync/read-through-backend';
import type { RepoKeys } from '../crypto/repo-keys';
import { IngestPool } from '../workers/ingest-pool';
import { ParentCache } from '../snapshot/parent-cache';


/** Snapshot options of the vault: whether to trust the last snapshot of the same path. */
export type VaultSnapshotOptions = SnapshotOptions & { previous?: 'use' | 'reread' };

export interface VaultOptions {
  /** Folder of the embedded repository. */
  repositoryPath: string;
  /** Asked when the repository is encrypted. */
  passphrase?: () => Promise<string | null>;
  log?: Logger;
  /** Wraps the repository's backend (the engine counts its operations for metrics). */
  instrument?: (backend: Backend) => Backend;
  /**
   * Start the worker threads while the passphrase is checked, for a command that will ingest or
   * restore: they load in parallel with scrypt instead of after it. Otherwise on first use.
   */
  prestartWorkers?: boolean;
}

export interface RepositoryInfo {
  id: string;
  location: string;
  encrypted: boolean;
  deviceId: string;
  deviceName: string;
}

export interface AddArtifactRequest {
  path: string;
  name?: string;
  collection?: string;
  type?: string;
  message?: string;
  tool?: string;
}

export type AddArtifactResult = AddVersionResult & Pick<SnapshotResult, 'bytesRead' | 'bytesNew' | 'files' | 'durationMs'>;

/**
 * The open repository of an engine and what goes with it: the backend, the ingest workers, the
 * manifest store and the catalogue over it. Operations that write are serialised: one at a
 * time per repository, so two writers never share a pack or an index sequence number.
 */
export class Vault {
  readonly backend: Backend;
  /** The same backend: packs it lacks are read through from the sync bucket once sync attaches one. */
  readonly readThrough: ReadThroughBackend;
  private repo: Repository | null = null;
  /** Started on first use; shared by snapshots and restores, which may ask at the same time. */
  private pool: Promise<IngestPool> | null = null;
  private store: ManifestStore | null = null;
  private cat: Catalogue | null = null;
  private writeQueue: Promise<unknown> = Promise.resolve();
  private readonly writesInFlight = new Set<Promise<unknown>>();
  private readonly openListeners: Array<(vault: Vault) => void> = [];

  constructor(private readonly options: VaultOptions) {
    const local = new LocalBackend(options.repositoryPath);
    this.readThrough = new ReadThroughBackend(options.instrument ? options.instrument(local) : local);
    this.backend = this.readThrough;
  }

  get localDir(): string {
    return path.join(this.options.repositoryPath, 'local');
  }

  get repository(): Repository | null {
    return this.repo;
  }

  get catalogue(): Catalogue | null {
    return this.cat;
  }

  get manifest(): ManifestStore | null {
    return this.store;
  }

  /** Called once the repository and catalogue are open (at start, or after `init`). */
  onOpen(listener: (vault: Vault) => void): void {
    this.openListeners.push(listener);
    if (this.cat) listener(this);
  }

  /** Opens the repository if there is one; returns false when the folder holds none yet. */
  async openIfExists(): Promise<boolean> {
    if (!(await Repository.hasConfig(this.backend))) return false;
    this.repo = await Repository.open(this.backend, {
      localDir: this.localDir,
      passphrase: this.options.passphrase,
      ...(this.options.prestartWorkers ? { onUnlocking: (config: RepoConfig, keys: Promise<RepoKeys>) => void this.startPool(config, keys) } : {}),
    });
    await this.openCatalogue(this.repo);
    return true;
  }

  async init(passphrase: string | null, extra: { scryptN?: number; chunker?: { minSize: number; avgSize: number; maxSize: number } } = {}): Promise<RepositoryInfo> {
    this.repo = await Repository.init(this.backend, { passphrase, localDir: this.localDir, ...extra });
    await this.openCatalogue(this.repo);
    return this.info()!;
  }

  private async openCatalogue(repo: Repository): Promise<void> {
    const store = new ManifestStore({
      backend: repo.backend,
      repoId: repo.id,
      deviceId: repo.device.deviceId,
      macKey: repo.keys.manifestMacKey,
      sealKey: repo.keys.manifestKey,
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    const report = await store.load();
    for (const problem of report.problems) this.options.log?.error(problem.message, 'manifest');
    this.store = store;
    this.cat = new Catalogue({
      doc: store.doc,
      deviceId: repo.device.deviceId,
      config: await this.loadTypeConfig(),
      commit: () => store.flush(),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    for (const listener of this.openListeners) listener(this);
  }

  /** Types, validators and quotas from `local/types.yaml` when it exists. */
  private async loadTypeConfig(): Promise<CatalogueConfig> {
    const file = path.join(this.localDir, 'types.yaml');
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultCatalogueConfig;
      throw err;
    }
    return parseCatalogueConfig(text, file);
  }

  info(): RepositoryInfo | null {
    const repo = this.repo;
    if (!repo) return null;
    return { id: repo.id, location: this.options.repositoryPath, encrypted: repo.encrypted, deviceId: repo.device.deviceId, deviceName: repo.device.name };
  }

  requireRepository(): Repository {
    if (!this.repo) throw new RepositoryNotFoundError(this.options.repositoryPath);
    return this.repo;
  }

  requireCatalogue(): Catalogue {
    if (!this.cat) throw new RepositoryNotFoundError(this.options.repositoryPath);
    return this.cat;
  }

  /**
   * Stores a file or folder. With `previous: 'use'`, files unchanged since the last snapshot of
   * the same path are not read again (parent-cache.ts); 'reread' reads them all and records
   * them anew. Commands people run ask for it; the watcher has its own stat cache.
   */
  async snapshot(source: string, options: VaultSnapshotOptions = {}): Promise<SnapshotResult> {
    const repo = this.requireRepository();
    return this.exclusive(async () => {
      const useParents = options.previous !== undefined && options.include === undefined && options.parents === undefined;
      const parents = useParents ? await ParentCache.load(path.join(this.localDir, 'snapshot-parents'), path.resolve(source)) : undefined;
      if (parents && options.previous === 'reread') parents.forgetPrevious();
      const result = await snapshot(repo, this.ingestPool(repo), source, { ...options, ...(parents ? { parents } : {}) });
      // Only a cache: failing to save it costs a full read next time, not this snapshot.
      await parents?.save().catch(() => undefined);
      return result;
    });
  }

  /** Stores a file or folder and records it as the next version of its artifact. */
  addArtifact(request: AddArtifactRequest, options: VaultSnapshotOptions = {}): Promise<AddArtifactResult> {
    const write = this.addArtifactNow(request, options);
    this.writesInFlight.add(write);
    const forget = () => this.writesInFlight.delete(write);
    write.then(forget, forget);
    return write;
  }

  /**
   * Resolves once every addArtifact started before the call has finished, version recorded:
   * sync waits for this before promising another device that nothing written here relies on a
   * pack it is about to delete (sync/pack-gc.ts).
   */
  async writesSettled(): Promise<void> {
    await Promise.allSettled([...this.writesInFlight]);
  }

  private async addArtifactNow(request: AddArtifactRequest, options: VaultSnapshotOptions): Promise<AddArtifactResult> {
    const catalogue = this.requireCatalogue();
    const absolute = path.resolve(request.path);
    const stored = await this.snapshot(absolute, options);
    const result = await catalogue.addVersion({
      name: request.name ?? path.basename(absolute),
      ...(request.collection !== undefined ? { collection: request.collection } : {}),
      ...(request.type !== undefined ? { type: request.type } : {}),
      ...(request.message !== undefined ? { message: request.message } : {}),
      treeId: stored.treeId,
      sha256: stored.digest,
      size: stored.bytesRead,
      provenance: { sourcePath: absolute, host: os.hostname(), tool: request.tool ?? 'cairn' },
    });
    return { ...result, bytesRead: stored.bytesRead, bytesNew: stored.bytesNew, files: stored.files, durationMs: stored.durationMs };
  }

  async restore(treeId: string, target: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    const repo = this.requireRepository();
    return restoreTree(repo, treeId, target, { workers: { pool: () => this.ingestPool(repo) }, ...options });
  }

  /**
   * Puts a version's content in a fresh temporary folder (for validators) and returns the path
   * of the file, or of the folder for a bundle.
   */
  async materialise(versionId: string): Promise<string> {
    const version = this.requireCatalogue().getVersion(versionId);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `cairn-validate-${crypto.randomBytes(4).toString('hex')}-`));
    const result = await this.restore(version.treeId, dir);
    const entries = await fs.readdir(dir);
    return result.files === 1 && entries.length === 1 ? path.join(dir, entries[0]!) : dir;
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const repo = this.requireRepository();
    return this.exclusive(() => checkRepository(repo, options));
  }

  async gc(options: GcOptions & { graceMs: number }): Promise<GcReport> {
    const repo = this.requireRepository();
    const catalogue = this.requireCatalogue();
    return this.exclusive(() => collectGarbage(repo, liveTreeIds(catalogue, { graceMs: options.graceMs, now: options.now ?? Date.now() }), options));
  }

  async stats(): Promise<RepositoryStats> {
    return this.requireRepository().stats();
  }

  async close(): Promise<void> {
    await this.writeQueue.catch(() => undefined);
    await this.store?.close();
    const pool = this.pool;
    this.pool = null;
    await pool?.then((started) => started.close(), () => undefined);
  }

  private ingestPool(repo: Repository): Promise<IngestPool> {
    return this.pool ?? this.startPool(repo.config, repo.keys);
  }

  private startPool(config: RepoConfig, keys: RepoKeys | Promise<RepoKeys>): Promise<IngestPool> {
    const starting = IngestPool.create({ keys, chunker: config.chunker, compression: config.compression === 'zstd' });
    this.pool = starting;
    // A pool that failed to start (a wrong passphrase, say) is asked for again next time.
    starting.catch(() => {
      if (this.pool === starting) this.pool = null;
    });
    return starting;
  }

  /** Runs write operations one after another. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(work, work);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }
}

export function newJobId(): string {
  return crypto.randomBytes(8).toString('hex');
}

export class VersionNotServableError extends CairnError {
  constructor(label: string, status: string) {
    super('ILLEGAL_TRANSITION', `${label} is ${status}; only published versions are served by default.`, {
      hint: 'Publish it first (`cairn publish NAME@vN` runs its validator and publishes it), or pass --any-status to restore it anyway.',
    });
    this.name = 'VersionNotServableError';
  }
}
