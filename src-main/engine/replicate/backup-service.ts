import crypto from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';
import type { Backend } from '../backends/backend';
import type { EndpointStore } from '../endpoints/config';
import { endpointBackend } from '../endpoints/endpoint-backend';
import { checkEndpointHealth, type HealthReport } from '../endpoints/health-check';
import type { EventBus } from '../events';
import { backupRepository } from './backup';
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
  backendFor?: typeof endpointBackend;
}

/**
 * One-click backup, verify and health checks for the configured endpoints. One backup per
 * endpoint at a time; a second request for the same endpoint joins the running one.
 */
export class BackupService {
  private readonly running = new Map<string, Promise<BackupJob>>();

  constructor(private readonly deps: BackupServiceDeps) {}

  async health(name: string): Promise<HealthReport> {
    const endpoint = await this.deps.endpoints.get(name);
    return checkEndpointHealth(endpoint, this.backend(endpoint));
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
    const target = this.backend(endpoint);
    const others = (await this.deps.endpoints.list()).filter((e) => e.name !== name).map((e) => this.backend(e));
    const jobId = crypto.randomBytes(8).toString('hex');
    const report = await verifyEndpoint(this.deps.local(), target, {
      sample,
      repairFrom: [this.deps.local(), ...others],
      ...(signal ? { signal } : {}),
      onProgress: (done, total) => this.deps.events.emit('job.progress', { jobId, kind: 'verify', phase: 'checking', done, total }),
    });
    return { ...report, endpoint: name };
  }

  history(endpoint: string | undefined, limit: number): BackupJob[] {
    return this.deps.jobs.list(endpoint, limit);
  }

  private backend(endpoint: Parameters<typeof endpointBackend>[0]): Backend {
    return (this.deps.backendFor ?? endpointBackend)(endpoint);
  }

  private async runOnce(name: string, signal?: AbortSignal): Promise<BackupJob> {
    const endpoint = await this.deps.endpoints.get(name);
    const jobId = crypto.randomBytes(8).toString('hex');
    const started = new Date();
    const base = { jobId, endpoint: name, startedAt: started.toISOString() };
    let job: BackupJob;
    try {
      const report = await backupRepository(this.deps.local(), this.backend(endpoint), {
        ...(signal ? { signal } : {}),
        onProgress: (p) =>
          this.deps.events.emit('job.progress', {
            jobId,
            kind: 'backup',
            phase: 'uploading',
            done: p.objectsDone,
            total: p.objectsTotal,
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal,
          }),
      });
      job = { ...base, ...report, finishedAt: new Date().toISOString(), result: 'ok' };
      await this.deps.jobs.record(job);
      return job;
    } catch (err) {
      const cancelled = err instanceof CairnError && err.code === 'CANCELLED';
      job = {
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
    }
  }
}
