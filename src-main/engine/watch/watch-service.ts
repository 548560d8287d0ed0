/**
 * All watched folders of this device: their settings (add, remove, change, pause, resume), one
 * FolderWatcher each, one bounded queue of publisher work shared by all of them (ingest is CPU
 * and disk heavy: two folders changing at once must not double the load), and one stream of
 * typed events for the activity feed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { CairnError } from '../../../src-shared/errors';
import { WatchConfigStore, type NewWatchedFolder, type WatchedFolder, type WatchedFolderPatch } from './config';
import type { WatchEvent, WatchEventSink } from './events';
import { FolderWatcher, type FolderStartResult, type FolderWatcherState, type WatchTiming } from './folder-watcher';
import type { WatchPublisher } from './publisher';

export interface WatchServiceOptions {
  /** Device-local settings file (e.g. `<config dir>/watched-folders.json`). */
  configPath: string;
  /** Device-local folder for the per-folder stat caches (e.g. `<cache dir>/watch`). */
  stateDir: string;
  publisher: WatchPublisher;
  onEvent?: WatchEventSink;
  /** Publisher calls running at once across all folders; default 2 (one per core here). */
  concurrency?: number;
  timing?: Partial<WatchTiming>;
  /** Extra ignore rules per collection, as known at start (they come from the manifest). */
  collectionIgnoreRules?: Readonly<Record<string, readonly string[]>>;
}

export interface WatchedFolderStatus extends WatchedFolder {
  /** The folder's own ignore rules ([] for settings written before they existed). */
  ignore: string[];
  /** 'paused' when the folder or the whole service is paused; otherwise the watcher's state. */
  state: FolderWatcherState | 'paused';
}

export class WatchService {
  private readonly watchers = new Map<string, FolderWatcher>();
  private readonly queue: PQueue;
  private readonly collectionRules = new Map<string, readonly string[]>();
  private globallyPaused = false;
  private closed = false;

  private constructor(
    private readonly options: WatchServiceOptions,
    private readonly config: WatchConfigStore,
  ) {
    this.queue = new PQueue({ concurrency: Math.max(1, options.concurrency ?? 2) });
    for (const [collection, rules] of Object.entries(options.collectionIgnoreRules ?? {})) this.collectionRules.set(collection, rules);
    for (const folder of config.list()) this.watchers.set(folder.id, this.createWatcher(folder));
  }

  /** Reads the settings; nothing is watched until `start()`. */
  static async open(options: WatchServiceOptions): Promise<WatchService> {
    return new WatchService(options, await WatchConfigStore.load(options.configPath));
  }

  /** Starts every folder that is not paused; results by folder id. */
  async start(): Promise<Map<string, FolderStartResult>> {
    const results = new Map<string, FolderStartResult>();
    if (this.globallyPaused) return results;
    // One after another: two reconciles at once would only compete for the same disk.
    for (const folder of this.config.list()) {
      if (folder.paused) continue;
      results.set(folder.id, await this.requireWatcher(folder.id).start());
    }
    return results;
  }

  list(): WatchedFolderStatus[] {
    return this.config.list().map((folder) => ({
      ...folder,
      ignore: folder.ignore ?? [],
      state: folder.paused || this.globallyPaused ? 'paused' : (this.watchers.get(folder.id)?.state ?? 'stopped'),
    }));
  }

  get paused(): boolean {
    return this.globallyPaused;
  }

  /** Validates and records a folder, then starts watching it unless it (or everything) is paused. */
  async add(input: NewWatchedFolder): Promise<{ folder: WatchedFolder; start: FolderStartResult | null }> {
    this.assertOpen();
    const folder = await this.config.add(input);
    const watcher = this.createWatcher(folder);
    this.watchers.set(folder.id, watcher);
    const start = folder.paused || this.globallyPaused ? null : await watcher.start();
    return { folder, start };
  }

  /** Stops watching and forgets the folder on this device (its history stays in the catalogue). */
  async remove(folderId: string): Promise<WatchedFolder> {
    const watcher = this.requireWatcher(folderId);
    await watcher.stop();
    const removed = await this.config.remove(folderId);
    this.watchers.delete(folderId);
    await fs.rm(this.statCachePath(folderId), { force: true });
    return removed;
  }

  /** Changes settings in place; `paused` pauses or resumes. */
  async update(folderId: string, patch: WatchedFolderPatch): Promise<WatchedFolder> {
    const before = this.config.require(folderId);
    const updated = await this.config.update(folderId, patch);
    const watcher = this.requireWatcher(folderId);
    watcher.updateSettings(updated);
    const ignoreChanged = JSON.stringify(updated.ignore ?? []) !== JSON.stringify(before.ignore ?? []);
    if (updated.collection !== before.collection || ignoreChanged) await watcher.setExtraIgnoreRules(this.collectionRules.get(updated.collection) ?? []);
    if (updated.paused && !before.paused) await this.stopWatcher(folderId);
    if (!updated.paused && before.paused && !this.globallyPaused) await this.startWatcher(folderId);
    return updated;
  }

  /** Pauses one folder (remembered across restarts) or, without an id, everything (this run only). */
  async pause(folderId?: string): Promise<void> {
    if (folderId === undefined) {
      this.globallyPaused = true;
      for (const folder of this.config.list()) if (!folder.paused) await this.stopWatcher(folder.id);
      return;
    }
    if (this.config.require(folderId).paused) return;
    await this.config.update(folderId, { paused: true });
    await this.stopWatcher(folderId);
  }

  /**
   * Resumes one folder or, without an id, everything that is not paused on its own. Resuming
   * reconciles, so what changed while paused is caught up.
   */
  async resume(folderId?: string): Promise<Map<string, FolderStartResult>> {
    const results = new Map<string, FolderStartResult>();
    if (folderId === undefined) {
      this.globallyPaused = false;
      for (const folder of this.config.list()) {
        if (!folder.paused) results.set(folder.id, await this.startWatcher(folder.id));
      }
      return results;
    }
    if (!this.config.require(folderId).paused) return results;
    await this.config.update(folderId, { paused: false });
    if (!this.globallyPaused) results.set(folderId, await this.startWatcher(folderId));
    return results;
  }

  /** A collection's extra ignore rules changed (manifest update): folders of it rescan. */
  async setCollectionIgnoreRules(collection: string, rules: readonly string[]): Promise<void> {
    this.collectionRules.set(collection, [...rules]);
    for (const folder of this.config.list()) {
      if (folder.collection === collection) await this.requireWatcher(folder.id).setExtraIgnoreRules(rules);
    }
  }

  /**
   * The engine is about to write `sha256` to `absolutePath` (rollback write-back): the watcher
   * of the folder containing it will not make a version of it. Returns false when no watched
   * folder contains the path.
   */
  suppressNext(absolutePath: string, sha256: string, versionId: string | null = null): boolean {
    for (const watcher of this.watchers.values()) {
      if (!watcher.contains(absolutePath)) continue;
      watcher.suppressNext(absolutePath, sha256, versionId);
      return true;
    }
    return false;
  }

  /** Stops every folder and waits for ingests in progress. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watchers.values()].map((watcher) => watcher.stop()));
    await this.queue.onIdle();
  }

  private async startWatcher(folderId: string): Promise<FolderStartResult> {
    const result = await this.requireWatcher(folderId).start();
    this.emit({ type: 'resumed', folderId });
    return result;
  }

  private async stopWatcher(folderId: string): Promise<void> {
    await this.requireWatcher(folderId).stop();
    this.emit({ type: 'paused', folderId });
  }

  private createWatcher(folder: WatchedFolder): FolderWatcher {
    return new FolderWatcher({
      folder,
      statCachePath: this.statCachePath(folder.id),
      publisher: this.options.publisher,
      onEvent: (event) => this.emit(event),
      extraIgnoreRules: this.collectionRules.get(folder.collection) ?? [],
      timing: this.options.timing,
      schedule: (task) => this.queue.add(task),
    });
  }

  private requireWatcher(folderId: string): FolderWatcher {
    this.config.require(folderId); // the typed "unknown folder" error
    const watcher = this.watchers.get(folderId);
    if (!watcher) throw new CairnError('INTERNAL', `Watched folder ${folderId} has settings but no watcher.`, { hint: 'This is a bug in Cairn; restarting it recreates the watchers.' });
    return watcher;
  }

  private statCachePath(folderId: string): string {
    return path.join(this.options.stateDir, `${folderId}.stat-cache.json`);
  }

  private assertOpen(): void {
    if (this.closed) throw new CairnError('UNAVAILABLE', 'The folder watcher is shut down.', { hint: 'Cairn is stopping; add the folder again after it restarts.' });
  }

  private emit(event: WatchEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A broken listener must not stop the watchers.
    }
  }
}
