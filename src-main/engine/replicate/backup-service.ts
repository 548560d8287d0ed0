import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { EventPayload } from '../../../src-shared/contract';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import type { EndpointConfig, EndpointStore } from '../endpoints/config';
import { endpointBackend } from '../endpoints/endpoint-backend';
import { checkEndpointHealth, type HealthReport } from '../endpoints/health-check';
import { assertEndpointUsable } from '../endpoints/preflight';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { RestoreProgress } from '../restore/restorer';
import { ShareService } from '../share/share-service';
import type { Vault } from '../vault/vault';
import { findAffectedVersions } from './affected-versions';
import { backupRepository } from './backup';
import { MirrorService } from './mirror';
import { PlacementService } from './placement';
import { ReplicationState } from './replication-state';
import { restoreFromEndpoint, type RemoteRestoreResult } from './remote-restore';
import { verifyEndpoint, type VerifyReport } from './verify';

export interface BackupJob {
  jobId: string;
  endpoint: string;
  startedAt: string;
  finishedAt: string;
  objectsUploaded: number;
  bytesUploaded: number;
  objectsAlreadyThere: number;
  durationMs: number;
  result: 'ok' | 'failed' | 'cancelled';
  error?: string;
}

/** Where finished jobs are recorded (the catalogue's audit log, so every device sees them). */
export interface JobRecorder {
  record(job: BackupJob): Promise<void>;
  list(endpoint: string | undefined, limit: number): BackupJob[];
}

export interface BackupServiceDeps {
  /** The local repository's backend (the source of every backup). */
  local: () => Backend;
  endpoints: EndpointStore;
  events: EventBus;
  jobs: JobRecorder;
  /** Builds the backend of an endpoint (tests substitute local folders). */
  backendFor?: (endpoint: EndpointConfig) => Backend;
  /** Told how many objects a running backup still has to copy (metrics); 0 when it ends. */
  onQueueDepth?: (endpoint: string, objects: number) => void;
  /**
   * The engine's repository and catalogue: verify names the versions a bad object affects,
   * placement answers per version, mirroring and inventories keep their files in its `local/`.
   */
  vault?: Vault;
  /** Device-local folder for inventories and outboxes; default the vault's `local/`. */
  localDir?: string;
  log?: Logger;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** Multipart uploads older than this are aborted when a backup starts. Default 15 minutes. */
  staleUploadAgeMs?: number;
  /** Asked when a repository restored from an endpoint is encrypted. */
  passphrase?: () => Promise<string | null>;
}

export interface EndpointRestoreRequest {
  endpoint: string;
  version: string;
  target: string;
  path?: string;
  overwrite?: boolean;
  anyStatus?: boolean;
}

const defaultStaleUploadAgeMs = 15 * 60 * 1000;

/**
 * One-click backup, verify and health checks for the configured endpoints, and the replication
 * state around them: each endpoint's inventory, continuous mirroring, placement. One backup
 * per endpoint at a time; a second request for the same endpoint joins the running one.
 */
export class BackupService {
  private readonly running = new Map<string, Promise<BackupJob>>();
  readonly state: ReplicationState | null;
  readonly mirror: MirrorService | null;
  readonly placement: PlacementService | null;
  readonly shares: ShareService | null;
  private readonly now: () => number;

  constructor(private readonly deps: BackupServiceDeps) {
    this.now = deps.now ?? Date.now;
    const localDir = deps.localDir ?? deps.vault?.localDir;
    this.state = localDir ? new ReplicationState(localDir) : null;
    this.mirror = this.state
      ? new MirrorService({
          local: deps.local,
          endpoints: deps.endpoints,
          state: this.state,
          backendFor: (endpoint) => this.backend(endpoint),
          events: deps.events,
          now: this.now,
          ...(deps.log ? { log: deps.log } : {}),
        })
      : null;
    this.placement = this.state && deps.vault ? new PlacementService({ vault: deps.vault, endpoints: deps.endpoints, state: this.state }) : null;
    this.shares = deps.vault ? new ShareService({ vault: deps.vault, endpoints: deps.endpoints, backendFor: (endpoint) => this.backend(endpoint), now: this.now }) : null;
  }

  /**
   * Restores a version from an endpoint alone (see restoreFromEndpoint): for a new machine, or
   * one whose local repository is lost. This device's state about that repository goes to a
   * cache folder beside the (possibly absent) local repository.
   */
  async restoreFromEndpoint(request: EndpointRestoreRequest, options: { signal?: AbortSignal; onProgress?: (p: RestoreProgress) => void } = {}): Promise<RemoteRestoreResult> {
    const endpoint = await this.deps.endpoints.get(request.endpoint);
    await assertEndpointUsable(endpoint);
    const cacheRoot = this.deps.localDir ?? this.deps.vault?.localDir;
    if (!cacheRoot) throw new CairnError('INTERNAL', 'No folder for device-local state was configured, so nothing can be restored from an endpoint.');
    return this.withBackend(endpoint, (backend) =>
      restoreFromEndpoint({
        backend,
        cacheDir: path.join(cacheRoot, 'cache', 'endpoints', endpoint.name),
        ...(this.deps.passphrase ? { passphrase: this.deps.passphrase } : {}),
        version: request.version,
        target: request.target,
        ...(request.path !== undefined ? { path: request.path } : {}),
        overwrite: request.overwrite ?? false,
        anyStatus: request.anyStatus ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    );
  }

  async health(name: string): Promise<HealthReport> {
    const endpoint = await this.deps.endpoints.get(name);
    return this.withBackend(endpoint, (backend) => checkEndpointHealth(endpoint, backend));
  }

  run(name: string, signal?: AbortSignal): Promise<BackupJob> {
    const existing = this.running.get(name);
    if (existing) return existing;
    const job = this.runOnce(name, signal).finally(() => this.running.delete(name));
    this.running.set(name, job);
    return job;
  }

  async verify(name: string, sample: number, signal?: AbortSignal): Promise<VerifyReport & { endpoint: string }> {
    const endpoint = await this.deps.endpoints.get(name);
    await assertEndpointUsable(endpoint);
    const others = (await this.deps.endpoints.list()).filter((e) => e.name !== name).map((e) => this.backend(e));
    const inventory = await this.state?.inventory(name);
    const jobId = crypto.randomBytes(8).toString('hex');
    try {
      const report = await this.withBackend(endpoint, (target) =>
        verifyEndpoint(this.deps.local(), target, {
          sample,
          repairFrom: [this.deps.local(), ...others],
          ...(signal ? { signal } : {}),
          onProgress: (done, total) => this.deps.events.emit('job.progress', { jobId, kind: 'verify', subject: name, phase: 'checking', done, total }),
          onChecked: ({ key, size, outcome }) => {
            if (outcome === 'verified') inventory?.recordVerified(key, size, this.now());
            else if (outcome === 'present') inventory?.recordCopied(key, size, this.now());
            else inventory?.recordMissing(key);
          },
          affectedVersions: (keys) => this.affectedVersions(keys),
        }),
      );
      return { ...report, endpoint: name };
    } finally {
      await inventory?.save();
      await Promise.all(others.map((backend) => backend.close?.()));
    }
  }

  history(endpoint: string | undefined, limit: number): BackupJob[] {
    return this.deps.jobs.list(endpoint, limit);
  }

  /** Progress of a job this service runs, to the engine's event stream. */
  emitProgress(progress: EventPayload<'job.progress'>): void {
    this.deps.events.emit('job.progress', progress);
  }

  /** This device's name, for who made a share link. */
  deviceName(): string {
    return this.deps.vault?.info()?.deviceName ?? os.hostname();
  }

  /** The backend of an endpoint, as backups and verify use it (retries, bandwidth limit). */
  backend(endpoint: EndpointConfig): Backend {
    return (this.deps.backendFor ?? endpointBackend)(endpoint);
  }

  private async withBackend<T>(endpoint: EndpointConfig, use: (backend: Backend) => Promise<T>): Promise<T> {
    const backend = this.backend(endpoint);
    try {
      return await use(backend);
    } finally {
      await backend.close?.();
    }
  }

  private async affectedVersions(keys: string[]) {
    const repo = this.deps.vault?.repository;
    const catalogue = this.deps.vault?.catalogue;
    if (!repo || !catalogue) return new Map();
    return findAffectedVersions(repo, catalogue, keys);
  }

  private async runOnce(name: string, signal?: AbortSignal): Promise<BackupJob> {
    const endpoint = await this.deps.endpoints.get(name);
    const jobId = crypto.randomBytes(8).toString('hex');
    const started = new Date();
    const base = { jobId, endpoint: name, startedAt: started.toISOString() };
    const inventory = await this.state?.inventory(name);
    try {
      await assertEndpointUsable(endpoint);
      const onCopied = (object: { key: string; size: number }) => inventory?.recordCopied(object.key, object.size, this.now());
      return await this.withBackend(endpoint, async (target) => {
        await this.abortStaleUploads(endpoint, target, signal);
        const report = await backupRepository(this.deps.local(), target, {
          ...(signal ? { signal } : {}),
          onCopied,
          onProgress: (p) => {
            this.deps.onQueueDepth?.(name, p.objectsTotal - p.objectsDone);
            this.deps.events.emit('job.progress', {
              jobId,
              kind: 'backup',
              subject: name,
              phase: 'uploading',
              done: p.objectsDone,
              total: p.objectsTotal,
              bytesDone: p.bytesDone,
              bytesTotal: p.bytesTotal,
            });
          },
        });
        const done: BackupJob = { ...base, ...report, finishedAt: new Date().toISOString(), result: 'ok' };
        await this.deps.jobs.record(done);
        // Recording the job wrote a manifest update; send it too, so the endpoint is complete
        // (a verify right after finds nothing missing). A failure here loses only that record.
        await backupRepository(this.deps.local(), target, { prefix: 'manifest/', onCopied, ...(signal ? { signal } : {}) }).catch((err: unknown) =>
          this.deps.log?.warn(`the record of backup ${jobId} did not reach ${name}: ${err instanceof Error ? err.message : String(err)}`, 'backup'),
        );
        return done;
      });
    } catch (err) {
      const cancelled = err instanceof CairnError && err.code === 'CANCELLED';
      const job: BackupJob = {
        ...base,
        finishedAt: new Date().toISOString(),
        objectsUploaded: 0,
        bytesUploaded: 0,
        objectsAlreadyThere: 0,
        durationMs: Date.now() - started.getTime(),
        result: cancelled ? 'cancelled' : 'failed',
        error: err instanceof Error ? err.message : String(err),
      };
      await this.deps.jobs.record(job).catch(() => undefined);
      throw err;
    } finally {
      this.deps.onQueueDepth?.(name, 0);
      await inventory?.save().catch((err: unknown) => this.deps.log?.warn(`could not save the inventory of ${name}: ${String(err)}`, 'backup'));
    }
  }

  /**
   * A backup killed mid-upload leaves multipart uploads that are never completed; the next
   * backup aborts those older than a few minutes (younger ones may belong to a backup still
   * running on another device). Servers without the calls (s3rver) are skipped; other failures
   * only cost storage, so they are logged and the backup goes on.
   */
  private async abortStaleUploads(endpoint: EndpointConfig, target: Backend, signal?: AbortSignal): Promise<void> {
    if (!target.abortIncompleteUploads) return;
    const cutoff = new Date(this.now() - (this.deps.staleUploadAgeMs ?? defaultStaleUploadAgeMs));
    try {
      const result = await target.abortIncompleteUploads(cutoff, signal);
      if (result.aborted > 0) this.deps.log?.info(`aborted ${result.aborted} incomplete upload(s) left on ${endpoint.name} by an interrupted backup`, 'backup');
    } catch (err) {
      if (err instanceof CairnError && (err.code === 'UNAUTHORIZED' || err.code === 'NOT_FOUND' || err.code === 'CANCELLED')) throw err;
      this.deps.log?.warn(`could not clean up incomplete uploads on ${endpoint.name}: ${err instanceof Error ? err.message : String(err)}`, 'backup');
    }
  }
}
