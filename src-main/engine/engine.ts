import os from 'node:os';
import path from 'node:path';
import type { CommandName } from '../../src-shared/contract';
import { CairnError } from '../../src-shared/errors';
import { desktopHandlers } from './api/desktop-handlers';
import { dispatch } from './api/dispatch';
import { catalogueBridge } from './api/catalogue-bridge';
import { endpointHandlers } from './api/endpoint-handlers';
import { repositoryHandlers } from './api/repository-handlers';
import { catalogueJobRecorder, vaultHandlers } from './api/vault-handlers';
import { EndpointStore, type EndpointSecrets } from './endpoints/config';
import { endpointBackend } from './endpoints/endpoint-backend';
import { EngineMetrics } from './observability/engine-metrics';
import { BackupService } from './replicate/backup-service';
import type { AreaHandlers, CallContext, Handlers } from './api/handlers';
import { EventBus } from './events';
import { syncHandlers } from './sync/handlers';
import { rollbackWithWriteBack, watchHandlers } from './api/watch-handlers';
import { CataloguePublisher } from './watch/catalogue-publisher';
import { WatchService } from './watch';
import type { SyncSettings } from './sync/settings';
import { SyncService } from './sync/sync-service';
import { createLogger, type Logger, type LogLevel } from './logger';
import { defaultRepositoryPath } from './paths';
import { acquireLock, type HeldLock, type OwnerRecord } from './lock/repository-lock';
import { Vault } from './vault/vault';
import { cairnVersion } from './version';

export interface EngineOptions {
  /** Folder of the repository; defaults to `CAIRN_REPO` or the per-user data folder. */
  repositoryPath?: string;
  /** Echo logs at or above this level to stderr (hosts for servers set 'info'). */
  logEcho?: LogLevel | 'silent';
  /** Asked when the repository is encrypted (CLI: env, file or prompt). */
  passphrase?: () => Promise<string | null>;
  /**
   * Create an unencrypted repository when the folder has none (the desktop app and `cairn
   * serve` on the embedded default); otherwise commands fail until `repo.init`.
   */
  createIfMissing?: boolean;
  /**
   * Take the repository lock for this engine's life (every engine that writes does). The
   * purpose is shown to anyone who finds the repository locked ("cairn serve", …).
   */
  lock?: { purpose: string; onStaleTakeover?: (previous: OwnerRecord) => void };
  /** Start the ingest/restore workers while the repository opens (see VaultOptions). */
  prestartWorkers?: boolean;
  /** An OS keychain for endpoint secrets (the desktop's safeStorage); a 0600 file otherwise. */
  endpointSecrets?: EndpointSecrets;
  /** Watch the configured folders (the engine that owns the repository). */
  watchFolders?: boolean;
  /** Run the sync loop while a sync endpoint is configured (the engine that owns the repository). */
  backgroundSync?: boolean;
  /** Mirror continuously to endpoints with `mirror: true` (the engine that owns the repository). */
  backgroundMirror?: boolean;
  /** Sync timings and thresholds (tests shorten them); defaults otherwise. */
  sync?: Partial<SyncSettings>;
}

type EngineState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The engine: every capability of Cairn behind one handler per contract command. Plain Node;
 * it never imports electron. Hosts (electron, server, cli) create one, `start()` it, route
 * calls through `call()` and forward `events`.
 */
export class Engine {
  readonly events = new EventBus();
  readonly log: Logger;
  readonly repositoryPath: string;
  private state: EngineState = 'created';
  private startedAt = 0;
  private readonly handlers: Handlers;
  readonly vault: Vault;
  private readonly options: EngineOptions;
  private heldLock: HeldLock | null = null;
  private watch: WatchService | null = null;
  readonly backups: BackupService;
  /** Multi-device sync through the endpoint with role `sync`. */
  readonly sync: SyncService;
  /** Prometheus metrics of this engine (commands, storage, ingest, backups). */
  readonly metrics = new EngineMetrics();
  private stopForwarding: Array<() => void> = [];

  constructor(options: EngineOptions = {}) {
    this.options = options;
    this.repositoryPath = options.repositoryPath ?? defaultRepositoryPath();
    this.log = createLogger(this.events, { echoLevel: options.logEcho ?? 'silent' });
    this.vault = new Vault({
      repositoryPath: this.repositoryPath,
      passphrase: options.passphrase,
      log: this.log,
      instrument: (backend) => this.metrics.instrument(backend, { kind: 'repository' }),
      ...(options.prestartWorkers ? { prestartWorkers: true } : {}),
    });
    const endpoints = EndpointStore.forLocalDir(this.vault.localDir, options.endpointSecrets ?? null);
    this.backups = new BackupService({
      local: () => this.vault.backend,
      endpoints,
      events: this.events,
      jobs: catalogueJobRecorder(this.vault),
      backendFor: (endpoint) => this.metrics.instrument(endpointBackend(endpoint), { kind: 'endpoint', name: endpoint.name }),
      onQueueDepth: (endpoint, objects) => this.metrics.setQueueDepth(endpoint, objects),
      vault: this.vault,
      log: this.log,
      ...(options.passphrase ? { passphrase: options.passphrase } : {}),
    });
    this.sync = new SyncService({
      vault: this.vault,
      endpoints,
      events: this.events,
      log: this.log,
      ...(options.sync ? { settings: options.sync } : {}),
      backendFor: (endpoint) => this.metrics.instrument(endpointBackend(endpoint), { kind: 'endpoint', name: endpoint.name }),
    });
    this.metrics.trackSync(async () => {
      const status = await this.sync.status();
      return status.endpoint ? { endpoint: status.endpoint, lastRoundAt: status.lastSync ? Date.parse(status.lastSync.at) : null, lastRoundOk: status.lastSync?.ok ?? null } : null;
    });
    this.vault.onOpen((vault) => this.forwardCatalogueEvents(vault));
    const bridged = catalogueBridge(this.vault);
    this.handlers = {
      ...this.engineHandlers(),
      ...repositoryHandlers(this.vault, this.events),
      ...endpointHandlers(endpoints, this.backups),
      ...bridged,
      'catalogue.rollback': rollbackWithWriteBack(bridged['catalogue.rollback'], this.vault, () => this.watch, this.log),
      ...vaultHandlers(this.vault, this.events),
      ...watchHandlers(() => this.requireWatch()),
      ...desktopHandlers(),
      ...syncHandlers(this.sync),
    } satisfies Handlers;
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new CairnError('CONFLICT', `The engine cannot start from state "${this.state}".`);
    this.state = 'starting';
    this.startedAt = Date.now();
    try {
      if (this.options.lock) {
        const { purpose, onStaleTakeover } = this.options.lock;
        this.heldLock = await acquireLock(this.vault.localDir, {
          purpose,
          onStaleTakeover: (previous) => {
            this.log.warn(`took over the repository lock left by pid ${previous.pid} (${previous.purpose}), which is no longer running`, 'engine');
            onStaleTakeover?.(previous);
          },
        });
      }
      const opened = await this.vault.openIfExists();
      if (!opened && this.options.createIfMissing) {
        await this.vault.init(null);
        this.log.info(`created a new repository at ${this.repositoryPath}`, 'engine');
      }
    } catch (err) {
      this.state = 'stopped';
      await this.heldLock?.release();
      throw err;
    }
    if (this.vault.catalogue) await this.openWatch();
    else this.vault.onOpen(() => void this.openWatch().catch((err: Error) => this.log.error(`folder watching could not start: ${err.message}`, 'watch')));
    this.state = 'running';
    this.log.info(`engine started on ${this.repositoryPath}`, 'engine');
    if (this.options.backgroundSync) this.sync.startBackground();
    if (this.options.backgroundMirror) this.backups.mirror?.start();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    this.log.info('engine stopping', 'engine');
    for (const stop of this.stopForwarding.splice(0)) stop();
    await this.watch?.close();
    await this.sync.stop();
    await this.backups.mirror?.stop();
    await this.vault.close();
    await this.heldLock?.release();
    this.heldLock = null;
    this.state = 'stopped';
  }

  /** Runs a contract command with an untrusted input: validated here, typed errors out. */
  async call(name: string, input: unknown, ctx: CallContext): Promise<unknown> {
    if (this.state !== 'running') {
      throw new CairnError('UNAVAILABLE', `The engine is ${this.state}, not running.`, {
        hint: 'Wait for start-up to finish, or restart Cairn.',
      });
    }
    return this.metrics.observeCommand(name, () => dispatch(this.handlers, name, input, ctx));
  }

  /**
   * The folder watchers of this device. Only an engine that owns the repository for long
   * (`watchFolders`) watches; others (a CLI command) open the settings with watching paused, so
   * `watch add` records the folder and the owning engine picks it up.
   */
  private async openWatch(): Promise<void> {
    if (this.watch) return;
    let service: WatchService | null = null;
    service = await WatchService.open({
      configPath: path.join(this.vault.localDir, 'watched-folders.json'),
      stateDir: path.join(this.vault.localDir, 'watch'),
      publisher: new CataloguePublisher(this.vault, (id) => {
        const folder = service!.list().find((f) => f.id === id);
        if (!folder) throw new CairnError('NOT_FOUND', `Watched folder ${id} was removed.`);
        return folder;
      }),
      onEvent: (event) => this.events.emit('watch.activity', event),
    });
    this.watch = service;
    if (!this.options.watchFolders) {
      await service.pause();
      return;
    }
    void service.start().catch((err: Error) => this.log.error(`folder watching failed to start: ${err.message}`, 'watch'));
  }

  private requireWatch(): WatchService {
    if (!this.watch) throw new CairnError('NOT_FOUND', 'There is no repository yet, so no watched folders.', { hint: 'Create one with `cairn init`.' });
    return this.watch;
  }

  /** Catalogue changes and manifest updates flow up to clients (the renderer's replica). */
  private forwardCatalogueEvents(vault: Vault): void {
    const catalogue = vault.catalogue!;
    const doc = vault.manifest!.doc;
    this.stopForwarding.push(catalogue.onChange((change) => this.events.emit('catalogue.changed', change)));
    const onUpdate = (update: Uint8Array) => this.events.emit('manifest.update', { update: Buffer.from(update).toString('base64') });
    doc.on('updateV2', onUpdate);
    this.stopForwarding.push(() => doc.off('updateV2', onUpdate));
  }

  /** The repository lock this engine holds, if it took one. */
  get lock(): HeldLock | null {
    return this.heldLock;
  }

  /** Typed in-process call (for hosts and tests that already hold typed inputs). */
  has(name: string): name is CommandName {
    return Object.prototype.hasOwnProperty.call(this.handlers, name);
  }

  private engineHandlers(): AreaHandlers<'engine.status'> {
    return {
      'engine.status': async () => ({
        version: cairnVersion,
        repositoryPath: this.repositoryPath,
        uptimeMs: Date.now() - this.startedAt,
        startedAt: new Date(this.startedAt).toISOString(),
        host: os.hostname(),
        pid: process.pid,
        nodeVersion: process.versions.node,
        repository: this.vault.info(),
      }),
    };
  }
}
