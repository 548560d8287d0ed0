import crypto from 'node:crypto';
import path from 'node:path';
import type { Backend } from '../backends/backend';
import { LocalBackend } from '../backends/local-backend';
import { checkRepository, type CheckOptions, type CheckReport } from '../check/checker';
import { RepositoryNotFoundError } from '../repo/errors';
import { Repository, type RepositoryStats } from '../repo/repository';
import { restoreTree, type RestoreOptions, type RestoreResult } from '../restore/restorer';
import { snapshot, type SnapshotOptions, type SnapshotResult } from '../snapshot/snapshotter';
import { IngestPool } from '../workers/ingest-pool';

export interface VaultOptions {
  /** Folder of the embedded repository. */
  repositoryPath: string;
  /** Asked when the repository is encrypted. */
  passphrase?: () => Promise<string | null>;
}

export interface RepositoryInfo {
  id: string;
  location: string;
  encrypted: boolean;
  deviceId: string;
  deviceName: string;
}

/**
 * The open repository of an engine and the resources that go with it (backend, ingest
 * workers). Operations that write are serialised: one snapshot at a time per repository, so
 * two writers never share a pack or an index sequence number.
 */
export class Vault {
  readonly backend: Backend;
  private repo: Repository | null = null;
  private pool: IngestPool | null = null;
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: VaultOptions) {
    this.backend = new LocalBackend(options.repositoryPath);
  }

  get localDir(): string {
    return path.join(this.options.repositoryPath, 'local');
  }

  get repository(): Repository | null {
    return this.repo;
  }

  /** Opens the repository if there is one; returns false when the folder holds none yet. */
  async openIfExists(): Promise<boolean> {
    if (!(await Repository.hasConfig(this.backend))) return false;
    this.repo = await Repository.open(this.backend, { localDir: this.localDir, passphrase: this.options.passphrase });
    return true;
  }

  async init(passphrase: string | null, extra: { scryptN?: number; chunker?: { minSize: number; avgSize: number; maxSize: number } } = {}): Promise<RepositoryInfo> {
    this.repo = await Repository.init(this.backend, { passphrase, localDir: this.localDir, ...extra });
    return this.info()!;
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

  async snapshot(source: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
    const repo = this.requireRepository();
    return this.exclusive(async () => snapshot(repo, await this.ingestPool(repo), source, options));
  }

  async restore(treeId: string, target: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    return restoreTree(this.requireRepository(), treeId, target, options);
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const repo = this.requireRepository();
    return this.exclusive(() => checkRepository(repo, options));
  }

  async stats(): Promise<RepositoryStats> {
    return this.requireRepository().stats();
  }

  async close(): Promise<void> {
    await this.writeQueue.catch(() => undefined);
    await this.pool?.close();
    this.pool = null;
  }

  private async ingestPool(repo: Repository): Promise<IngestPool> {
    this.pool ??= await IngestPool.create({ keys: repo.keys, chunker: repo.config.chunker, compression: repo.config.compression === 'zstd' });
    return this.pool;
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
