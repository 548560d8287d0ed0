import type { z } from 'zod';
import type { syncStatusSchema } from '../../../src-shared/contract/sync';
import type { Backend } from '../backends/backend';
import type { EndpointConfig, EndpointStore } from '../endpoints/config';
import { endpointBackend } from '../endpoints/endpoint-backend';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { RepositoryNotFoundError } from '../repo/errors';
import type { RepositoryInfo, Vault } from '../vault/vault';
import { bootstrapFromBucket } from './bootstrap';
import { AmbiguousSyncEndpointError, NotASyncEndpointError, SyncNotConfiguredError } from './errors';
import { syncSettings, type SyncSettings } from './settings';
import { quarantineView, SyncEngine, type SyncDevice, type SyncRound } from './sync-engine';
import { SyncLoop } from './sync-loop';

export type SyncStatus = z.infer<typeof syncStatusSchema>;

export interface SyncServiceDeps {
  vault: Vault;
  endpoints: EndpointStore;
  events: EventBus;
  log?: Logger;
  settings?: Partial<SyncSettings>;
  /** The backend of an endpoint (tests substitute their own). */
  backendFor?: (endpoint: EndpointConfig) => Backend;
}

/**
 * Sync as the engine offers it: finds the endpoint with role `sync`, keeps one SyncEngine for
 * it (a new one when the settings change), runs rounds on request or in the background loop,
 * and reports status. Everything works without a sync endpoint too: status says so, commands
 * that need one fail with a hint.
 */
export class SyncService {
  readonly settings: SyncSettings;
  private engine: SyncEngine | null = null;
  private engineSettings: string | null = null;
  private loop: SyncLoop | null = null;
  private resolving: Promise<unknown> = Promise.resolve();
  private bucket: { fingerprint: string; backend: Backend } | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: SyncServiceDeps) {
    this.settings = syncSettings(deps.settings);
    // Versions from other devices restore in any process, syncing or not.
    deps.vault.readThrough.fallBackTo(async () => {
      const endpoint = await this.syncEndpoint();
      return endpoint ? this.bucketFor(endpoint) : null;
    });
  }

  /** One backend per endpoint settings (a new one when they change). */
  private bucketFor(endpoint: EndpointConfig): Backend {
    const fingerprint = JSON.stringify(endpoint);
    if (this.bucket?.fingerprint !== fingerprint) this.bucket = { fingerprint, backend: (this.deps.backendFor ?? endpointBackend)(endpoint) };
    return this.bucket.backend;
  }

  /** The endpoint with role `sync`, or null; more than one is an error. */
  async syncEndpoint(): Promise<EndpointConfig | null> {
    const candidates = (await this.deps.endpoints.list()).filter((endpoint) => endpoint.role === 'sync');
    if (candidates.length > 1) throw new AmbiguousSyncEndpointError(candidates.map((e) => e.name));
    return candidates[0] ?? null;
  }

  /** One round now (joining the queue after a running one). */
  async now(options: { compact?: boolean } = {}): Promise<SyncRound> {
    const engine = await this.require();
    try {
      const round = await engine.round(options);
      await this.announce(engine, round, null);
      return round;
    } catch (err) {
      await this.announce(engine, null, err);
      throw err;
    }
  }

  /** Runs the loop in the background (the owning engine: the app, `cairn serve`, `cairn sync`). */
  startBackground(): void {
    if (this.loop) return;
    const loop = new SyncLoop({
      minMs: this.settings.minIntervalMs,
      maxMs: this.settings.maxIntervalMs,
      now: this.settings.now,
      round: async () => {
        const engine = await this.current();
        if (!engine) return false;
        try {
          const round = await engine.round();
          await this.announce(engine, round, null);
          return isActive(round);
        } catch (err) {
          await this.announce(engine, null, err);
          throw err;
        }
      },
      onError: (err) => this.deps.log?.error(`sync failed: ${err instanceof Error ? err.message : String(err)}; it is tried again later`, 'sync'),
    });
    this.loop = loop;
    this.deps.vault.onOpen((vault) => {
      this.unsubscribe.push(vault.catalogue!.onChange((change) => change.origin === 'local' && loop.nudge()));
    });
    loop.start();
  }

  /** A change the loop should pick up soon (endpoint settings changed, say). */
  trigger(): void {
    this.loop?.trigger();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.engine?.detach();
    this.engine = null;
  }

  async status(): Promise<SyncStatus> {
    const endpoint = await this.syncEndpoint();
    const engine = await this.current();
    const base = {
      configured: endpoint !== null,
      endpoint: endpoint?.name ?? null,
      background: this.loop !== null,
      syncing: this.loop?.busy ?? false,
      intervalMs: this.loop?.intervalMs ?? null,
      nextSyncAt: this.loop?.nextRunAt ? new Date(this.loop.nextRunAt).toISOString() : null,
      fetched: this.deps.vault.readThrough.fetched,
    };
    if (!engine) {
      return { ...base, lastSync: null, devices: this.devicesWithoutSync(), warnings: [], pending: [], quarantined: [], waiting: false, keepLocal: [] };
    }
    const last = engine.state.data.lastSync;
    return {
      ...base,
      lastSync: last ? { at: new Date(last.at).toISOString(), ok: last.ok, error: last.error, durationMs: last.durationMs } : null,
      devices: engine.devices(),
      warnings: await engine.warnings(),
      pending: await engine.pendingViews(),
      quarantined: engine.quarantined().map(quarantineView),
      waiting: this.deps.vault.manifest?.isWaiting() ?? false,
      keepLocal: engine.state.data.keepLocal,
    };
  }

  async devices(): Promise<SyncDevice[]> {
    const engine = await this.current();
    return engine ? engine.devices() : this.devicesWithoutSync();
  }

  async require(): Promise<SyncEngine> {
    const engine = await this.current();
    if (engine) return engine;
    if (!(await this.syncEndpoint())) throw new SyncNotConfiguredError();
    throw new RepositoryNotFoundError(this.deps.vault.info()?.location ?? 'this folder');
  }

  /**
   * Creates this device's repository from the bucket of endpoint `name` (which must have role
   * `sync`), then syncs once: afterwards the whole catalogue is here.
   */
  async bootstrap(name: string): Promise<{ repository: RepositoryInfo; artifacts: number; versions: number; round: SyncRound }> {
    const endpoint = await this.deps.endpoints.get(name);
    if (endpoint.role !== 'sync') throw new NotASyncEndpointError(name, endpoint.role);
    const vault = this.deps.vault;
    await bootstrapFromBucket(vault, this.bucketFor(endpoint), name, vault.readThrough.local.name);
    this.deps.log?.info(`joined repository ${vault.info()?.id} from the sync endpoint ${name} as device ${vault.info()?.deviceId}`, 'sync');
    const round = await this.now();
    const catalogue = vault.requireCatalogue();
    let versions = 0;
    let artifacts = 0;
    for (const { entry } of catalogue.allArtifacts()) {
      artifacts += 1;
      versions += entry.versions.length;
    }
    return { repository: vault.info()!, artifacts, versions, round };
  }

  /**
   * The engine for the current sync endpoint, or null (no endpoint, no repository yet). Callers
   * are queued, so two of them never open two engines over one state file.
   */
  private current(): Promise<SyncEngine | null> {
    const next = this.resolving.then(
      () => this.resolveEngine(),
      () => this.resolveEngine(),
    );
    this.resolving = next.catch(() => undefined);
    return next;
  }

  private async resolveEngine(): Promise<SyncEngine | null> {
    const endpoint = await this.syncEndpoint();
    if (!endpoint || !this.deps.vault.catalogue) {
      this.engine?.detach();
      this.engine = null;
      return null;
    }
    const fingerprint = JSON.stringify(endpoint);
    if (this.engine && this.engineSettings === fingerprint) return this.engine;
    this.engine?.detach();
    this.engine = await SyncEngine.open({
      vault: this.deps.vault,
      endpointName: endpoint.name,
      bucketIdentity: `${endpoint.url}|${endpoint.bucket}|${endpoint.prefix}`,
      bucket: this.bucketFor(endpoint),
      settings: this.settings,
      ...(this.deps.log ? { log: this.deps.log } : {}),
    });
    this.engineSettings = fingerprint;
    return this.engine;
  }

  private devicesWithoutSync(): SyncDevice[] {
    const info = this.deps.vault.info();
    const records = this.deps.vault.catalogue?.index.devices ?? new Map();
    const ids = new Set<string>([...records.keys(), ...(info ? [info.deviceId] : [])]);
    return [...ids].sort().map((deviceId) => {
      const record = records.get(deviceId);
      const self = deviceId === info?.deviceId;
      return {
        deviceId,
        name: record?.name ?? (self ? (info?.deviceName ?? null) : null),
        host: record?.host ?? null,
        self,
        registered: record !== undefined,
        firstSeenAt: record ? new Date(record.firstSeenAt).toISOString() : null,
        lastSeenAt: record ? new Date(record.lastSeenAt).toISOString() : null,
        readThrough: 0,
        uploadedThrough: null,
        offlineTooLong: false,
      };
    });
  }

  private async announce(engine: SyncEngine, round: SyncRound | null, err: unknown): Promise<void> {
    const pending = (await engine.pendingViews().catch(() => [])).length;
    this.deps.events.emit('sync.changed', {
      at: round?.at ?? new Date(this.settings.now()).toISOString(),
      ok: round !== null,
      error: round ? null : err instanceof Error ? err.message : String(err),
      applied: round?.applied ?? 0,
      held: round?.held.length ?? 0,
      refused: round?.refused.length ?? 0,
      pending,
    });
  }
}

/** A round that moved anything: the loop polls again soon. */
function isActive(round: SyncRound): boolean {
  const { uploaded, downloaded } = round;
  return uploaded.manifestObjects + uploaded.indexSegments + uploaded.packs + downloaded.manifestObjects + downloaded.indexSegments + round.held.length > 0;
}
