/**
 * Watches one folder and turns what happens in it into publisher calls: settled new or changed
 * content is published, moves are renames, disappearances are tombstones, the engine's own
 * write-backs are recognised and left alone.
 *
 * Paths that changed come from the change feed (chokidar, folders only: see change-feed.ts);
 * each is filtered by the ignore rules, mapped to its artifact (a file, or a bundle folder),
 * left to settle, then ingested through the shared publisher queue.
 *
 * Lifecycle: start (load the stat cache, open the feed, reconcile) -> watching -> stop. While
 * running, the folder itself is checked every `folderPollMs`: if it vanishes (unplugged drive,
 * unmounted share, moved away) the watcher closes, tombstones nothing, reports `folder-missing`
 * and waits for it to come back, then reports `folder-back` and reconciles.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { CairnError } from '../../../src-shared/errors';
import { artifactKeyOf, statListingSignature } from './artifact-layout';
import { openChangeFeed, type ChangeFeed } from './change-feed';
import type { WatchedFolder } from './config';
import { fileError, isGone } from './errors';
import type { ReconcileReport, WatchEvent, WatchEventSink } from './events';
import { sameFileStat } from './file-stat';
import { absoluteIn, relativeTo } from './folder-paths';
import { scanFolder } from './folder-scan';
import { IgnoreRules, isCairnIgnoreFile } from './ignore';
import { ingestBundle } from './ingest-bundle';
import { reportFailure, type IngestContext, type IngestOutcome } from './ingest-context';
import { ingestFile } from './ingest-file';
import { PendingDeletes, type PendingDelete } from './pending-deletes';
import type { ArtifactKind, WatchPublisher } from './publisher';
import { planReconcile } from './reconcile-plan';
import { SettleTracker, type ProbeResult } from './settle-tracker';
import { FolderPresence } from './folder-presence';
import { StatCache } from './stat-cache';
import { TypeRules } from './type-rules';
import { WriteBackExpectations } from './write-back-expectations';

export interface WatchTiming {
  /** Quiet time (no event, same size and mtime) before a change counts as complete. */
  settleMs: number;
  /** A file still changing after this long is reported (`unsettled`), and waited for still. */
  maxSettleMs: number;
  /** How long a vanished file waits for its moved self to appear before it is tombstoned. */
  renameWindowMs: number;
  /** How often the folder itself is checked (gone, replaced, back). */
  folderPollMs: number;
  /** Stat-cache writes are batched this long. */
  cacheSaveDelayMs: number;
  /** An announced write-back that never happens stops masking changes after this long. */
  writeBackTtlMs: number;
}

export const defaultWatchTiming: WatchTiming = {
  settleMs: 1000,
  maxSettleMs: 30_000,
  renameWindowMs: 3000,
  folderPollMs: 2000,
  cacheSaveDelayMs: 1000,
  writeBackTtlMs: 10 * 60_000,
};

export type FolderWatcherState = 'stopped' | 'starting' | 'watching' | 'missing';

export type FolderStartResult =
  | { status: 'watching'; readyMs: number; reconcile: ReconcileReport }
  /** The folder is not there; the watcher polls for it and reconciles when it comes back. */
  | { status: 'missing' };

export interface FolderWatcherOptions {
  folder: WatchedFolder;
  /** Device-local file for this folder's stat cache. */
  statCachePath: string;
  publisher: WatchPublisher;
  onEvent?: WatchEventSink;
  /** The collection's extra ignore rules (from the manifest). */
  extraIgnoreRules?: readonly string[];
  timing?: Partial<WatchTiming>;
  /**
   * Runs publisher work with bounded concurrency; the service shares one queue across folders.
   * Default: a queue of this watcher's own, two at a time.
   */
  schedule?: <T>(task: () => Promise<T>) => Promise<T>;
}

/** What a settled key turned out to be. */
type Found = 'file' | 'bundle' | 'directory' | 'missing' | 'ignored' | 'other';

export class FolderWatcher {
  private folder: WatchedFolder;
  private readonly timing: WatchTiming;
  private readonly publisher: WatchPublisher;
  private readonly onEvent: WatchEventSink;
  private readonly schedule: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly statCachePath: string;
  private extraIgnoreRules: readonly string[];
  private rules: IgnoreRules;
  private typeRules: TypeRules;
  private cache: StatCache | null = null;
  private readonly expectations: WriteBackExpectations;
  private readonly pendingDeletes: PendingDeletes;
  private readonly tracker: SettleTracker<Found>;
  private feed: ChangeFeed | null = null;
  private current: FolderWatcherState = 'stopped';
  /** Bumped whenever watching stops: late callbacks of an older generation do nothing. */
  private generation = 0;
  private lifecycle: Promise<unknown> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private ignoreReloadTimer: NodeJS.Timeout | undefined;
  private readonly presence: FolderPresence;
  private lastStart: FolderStartResult = { status: 'missing' };
  private readonly ingesting = new Set<string>();
  private readonly ingestAgain = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly ignoredReportedAt = new Map<string, number>();

  constructor(options: FolderWatcherOptions) {
    this.folder = options.folder;
    this.timing = { ...defaultWatchTiming, ...options.timing };
    this.publisher = options.publisher;
    this.onEvent = options.onEvent ?? (() => undefined);
    if (options.schedule) {
      this.schedule = options.schedule;
    } else {
      const queue = new PQueue({ concurrency: 2 });
      this.schedule = (task) => queue.add(task);
    }
    this.extraIgnoreRules = options.extraIgnoreRules ?? [];
    this.rules = new IgnoreRules({ extraRules: this.ruleList() });
    this.typeRules = new TypeRules(options.folder.typeRules);
    this.expectations = new WriteBackExpectations(this.timing.writeBackTtlMs);
    this.pendingDeletes = new PendingDeletes({ windowMs: this.timing.renameWindowMs, onExpired: (entry) => this.onDeleteWindowClosed(entry) });
    this.tracker = new SettleTracker<Found>({
      settleMs: this.timing.settleMs,
      maxSettleMs: this.timing.maxSettleMs,
      probe: (key) => this.probe(key),
      onSettled: (key, found) => this.onSettled(key, found),
      onUnsettled: (key, waitedMs) => this.emit({ type: 'unsettled', folderId: this.folder.id, path: key, waitedMs }),
      onError: (key, err) => reportFailure(this.ingestContext(), key, err),
    });
    this.statCachePath = options.statCachePath;
    this.presence = new FolderPresence(options.folder.path, () => this.cache);
  }

  get id(): string {
    return this.folder.id;
  }

  get state(): FolderWatcherState {
    return this.current;
  }

  /** Work not finished yet: keys settling, artifacts being ingested, vanished files waiting. */
  get activity(): { settling: number; ingesting: number; pendingDeletes: number } {
    return { settling: this.tracker.size, ingesting: this.ingesting.size, pendingDeletes: this.pendingDeletes.size };
  }

  /**
   * Starts watching: loads the stat cache, opens the watcher (its ready time is reported), then
   * reconciles the folder with the cache (its own time, reported separately). A missing folder
   * is not an error: the watcher waits for it.
   */
  start(): Promise<FolderStartResult> {
    return this.serial(async () => {
      if (this.current !== 'stopped') return this.current === 'missing' ? { status: 'missing' } : this.lastStart;
      this.current = 'starting';
      try {
        await this.loadCache();
        this.startPolling();
        return await this.open();
      } catch (err) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
        await this.closeWatching();
        this.current = 'stopped';
        throw err;
      }
    });
  }

  /** Stops watching and waits for ingests in progress; announced write-backs are kept. */
  stop(): Promise<void> {
    return this.serial(async () => {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      await this.closeWatching();
      this.current = 'stopped';
      await Promise.allSettled([...this.inFlight]);
      await this.cache?.flush();
    });
  }

  /**
   * The engine is about to write `sha256` to `absolutePath` (a rollback's write-back, made
   * atomically with temp + rename): when that content settles there, update the cache and
   * publish nothing. `versionId` is the version the content belongs to, if known.
   */
  suppressNext(absolutePath: string, sha256: string, versionId: string | null = null): void {
    this.expectations.expect(path.resolve(absolutePath), sha256, versionId);
  }

  /** Whether `absolutePath` is inside this watched folder. */
  contains(absolutePath: string): boolean {
    return relativeTo(this.folder.path, path.resolve(absolutePath)) !== null;
  }

  /**
   * New settings (mode, type rules, ignore rules, size limit, collection); the path and bundle
   * mode are fixed. Changed ignore rules take effect through `setExtraIgnoreRules`.
   */
  updateSettings(folder: WatchedFolder): void {
    this.folder = { ...folder, path: this.folder.path, bundles: this.folder.bundles };
    this.typeRules = new TypeRules(folder.typeRules);
  }

  /** The collection's rules, then the folder's own (so a folder can re-include with `!`). */
  private ruleList(): readonly string[] {
    return [...this.extraIgnoreRules, ...(this.folder.ignore ?? [])];
  }

  /** The collection's extra ignore rules changed: reload the rules and rescan if they differ. */
  setExtraIgnoreRules(rules: readonly string[]): Promise<void> {
    this.extraIgnoreRules = [...rules];
    return this.serial(() => this.reloadIgnoreRules());
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(work, work);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  /** Lifecycle work nobody awaits (poll, rule reload): its failure is reported, never thrown. */
  private inBackground(work: () => Promise<void>): Promise<void> {
    return this.serial(work).catch((err: unknown) => this.reportFolderError(this.folder.path, err));
  }

  private async loadCache(): Promise<void> {
    if (this.cache) return;
    const { cache, problem } = await StatCache.load(this.statCachePath, {
      saveDelayMs: this.timing.cacheSaveDelayMs,
      onSaveError: (err) => this.reportFolderError(this.statCachePath, err),
    });
    if (problem) {
      this.emit({
        type: 'error',
        folderId: this.folder.id,
        path: this.statCachePath,
        code: 'CORRUPT',
        message: `The watch cache ${this.statCachePath} could not be used (${problem}); it is rebuilt by reading the folder again.`,
        hint: 'Nothing is lost: unchanged files are recognised by their content and make no new versions.',
      });
    }
    this.cache = cache;
  }

  /** Opens chokidar on the folder, then reconciles. Called on start, on return and on rule changes. */
  private async open(): Promise<FolderStartResult> {
    const root = await this.presence.check();
    if (root === 'missing') {
      this.enterMissing();
      return { status: 'missing' };
    }
    this.rules = await IgnoreRules.forFolder(this.folder.path, this.ruleList());
    const openedAt = performance.now();
    this.feed = await this.openFeed(this.generation);
    const readyMs = Math.round(performance.now() - openedAt);
    this.current = 'watching';
    this.emit({ type: 'ready', folderId: this.folder.id, readyMs });
    const reconcile = await this.reconcile();
    this.emit({ type: 'reconciled', folderId: this.folder.id, report: reconcile });
    this.lastStart = { status: 'watching', readyMs, reconcile };
    return this.lastStart;
  }

  private openFeed(generation: number): Promise<ChangeFeed> {
    const live = () => generation === this.generation;
    return openChangeFeed(this.folder.path, (relative) => this.rules.isIgnored(relative, true), {
      onPath: (relative) => {
        if (live()) this.schedulePath(relative);
      },
      onFolderAppeared: (relative) => {
        if (live()) this.schedulePath(relative);
      },
      onFolderVanished: (relative) => {
        if (live()) this.onFolderVanished(relative);
      },
      onFolderChanged: (relative) => {
        if (live()) this.onFolderChanged(relative);
      },
      onError: (where, err) => {
        if (live()) this.reportFolderError(where, err);
      },
    });
  }

  /** Stops reacting to the folder: closes chokidar and drops settling work and held deletes. */
  private async closeWatching(): Promise<void> {
    this.generation++;
    const feed = this.feed;
    this.feed = null;
    this.tracker.cancelAll();
    // Held deletes are dropped, not executed: reconcile finds them again if they are real.
    this.pendingDeletes.cancelAll();
    clearTimeout(this.ignoreReloadTimer);
    await feed?.close();
  }

  private enterMissing(): void {
    if (this.current === 'missing') return;
    this.current = 'missing';
    this.emit({ type: 'folder-missing', folderId: this.folder.id, folderPath: this.folder.path });
  }

  private startPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      void this.inBackground(() => this.pollFolder()).finally(() => {
        this.polling = false;
      });
    }, this.timing.folderPollMs);
    this.pollTimer.unref();
  }

  private async pollFolder(): Promise<void> {
    if (this.current === 'watching') {
      const root = await this.presence.check();
      if (root === 'missing') {
        await this.closeWatching();
        this.enterMissing();
      } else if (root === 'replaced') {
        // Deleted and created again, or another drive mounted here: watch the new one afresh.
        await this.closeWatching();
        await this.open();
      }
    } else if (this.current === 'missing') {
      if ((await this.presence.check()) === 'missing') return;
      this.emit({ type: 'folder-back', folderId: this.folder.id, folderPath: this.folder.path });
      await this.open();
    }
  }

  // ---- reconcile ---------------------------------------------------------------------------

  private async reconcile(): Promise<ReconcileReport> {
    const startedAt = performance.now();
    const cache = this.requireCache();
    const scan = await scanFolder(this.folder.path, this.rules);
    for (const { path: where, error } of [...scan.unreadableDirs, ...scan.unreadableFiles]) reportFailure(this.ingestContext(), where, error);
    const plan = planReconcile(scan, cache, { bundles: this.folder.bundles, isIgnored: (p, isDir) => this.rules.isIgnored(p, isDir) });
    for (const file of plan.nowIgnored.files) cache.deleteFile(file);
    for (const bundle of plan.nowIgnored.bundles) cache.deleteBundle(bundle);
    for (const key of plan.missing) this.onMissing(key);
    for (const key of plan.changed) this.tracker.touch(key);
    return {
      scanned: scan.files.length,
      unchanged: plan.unchanged,
      scheduled: plan.changed.length,
      missing: plan.missing.length,
      nowIgnored: plan.nowIgnored.files.length + plan.nowIgnored.bundles.length,
      durationMs: Math.round(performance.now() - startedAt),
    };
  }

  // ---- events from the change feed --------------------------------------------------------

  /** Events were lost for this folder: look at all of it again. */
  private onFolderChanged(relative: string): void {
    if (relative !== '') this.schedulePath(relative);
    else this.rescanFolder('').catch((err: unknown) => this.reportFolderError(this.folder.path, err));
  }

  private onFolderVanished(relative: string): void {
    if (relative === '') return; // the folder itself: the poll decides (missing, or replaced)
    if (this.folder.bundles) {
      this.schedulePath(relative);
      return;
    }
    for (const file of this.requireCache().filesUnder(relative)) this.schedulePath(file);
  }

  /** Something happened at `relative`: filter, then let its artifact settle. */
  private schedulePath(relative: string): void {
    if (relative === '') return;
    if (isCairnIgnoreFile(relative)) {
      this.scheduleIgnoreReload();
      return;
    }
    if (this.rules.isIgnored(relative)) {
      this.reportIgnored(relative);
      return;
    }
    const key = artifactKeyOf(relative, this.folder.bundles);
    // The first event of a burst checks for a disappearance; the settle probe catches later ones.
    if (!this.tracker.has(key)) this.noticeIfVanished(key);
    this.tracker.touch(key);
  }

  /**
   * A known artifact that vanished goes into the rename window at once rather than after it
   * settles, so that when its moved copy settles the match is already waiting.
   */
  private noticeIfVanished(key: string): void {
    const cache = this.requireCache();
    if (this.pendingDeletes.has(key) || (!cache.getFile(key) && !cache.getBundle(key))) return;
    const generation = this.generation;
    fs.lstat(this.absolute(key)).then(
      () => undefined,
      (err: unknown) => {
        if (generation === this.generation && isGone(err)) this.onMissing(key);
      },
    );
  }

  private scheduleIgnoreReload(): void {
    clearTimeout(this.ignoreReloadTimer);
    this.ignoreReloadTimer = setTimeout(() => void this.inBackground(() => this.reloadIgnoreRules()), this.timing.settleMs);
  }

  /** New rules: chokidar has pruned folders by the old ones, so reopen and reconcile. */
  private async reloadIgnoreRules(): Promise<void> {
    const next = await IgnoreRules.forFolder(this.folder.path, this.ruleList()).catch(() => null);
    if (!next || next.fingerprint === this.rules.fingerprint) return;
    this.rules = next;
    if (this.current !== 'watching') return;
    await this.closeWatching();
    await this.open();
  }

  private reportIgnored(relative: string): void {
    // One report per path per burst: a swap file written a thousand times is one line.
    const now = performance.now();
    const last = this.ignoredReportedAt.get(relative);
    if (last !== undefined && now - last < this.timing.maxSettleMs) return;
    if (this.ignoredReportedAt.size > 10_000) this.ignoredReportedAt.clear();
    this.ignoredReportedAt.set(relative, now);
    this.emit({ type: 'skipped', folderId: this.folder.id, path: relative, reason: 'ignored' });
  }

  // ---- settle and ingest -------------------------------------------------------------------

  private async probe(key: string): Promise<ProbeResult<Found>> {
    let stats: Stats;
    try {
      stats = await fs.lstat(this.absolute(key));
    } catch (err) {
      if (isGone(err)) return { signature: 'missing', value: 'missing' };
      throw err;
    }
    if (stats.isFile()) return { signature: `file:${stats.size}:${stats.mtimeMs}:${stats.ino}:${stats.ctimeMs}`, value: 'file' };
    if (!stats.isDirectory()) return { signature: 'other', value: 'other' };
    if (this.rules.isIgnored(key, true)) return { signature: 'ignored', value: 'ignored' };
    if (this.folder.bundles && !key.includes('/')) {
      const scan = await scanFolder(this.folder.path, this.rules, key);
      return { signature: `bundle:${statListingSignature(scan.files)}`, value: 'bundle' };
    }
    return { signature: `dir:${stats.ino}`, value: 'directory' };
  }

  private onSettled(key: string, found: Found): void {
    switch (found) {
      case 'file':
      case 'bundle':
        this.enqueueIngest(key, found);
        return;
      case 'missing':
        this.onMissing(key);
        return;
      case 'directory':
        this.rescanFolder(key).catch((err: unknown) => reportFailure(this.ingestContext(), key, err));
        return;
      case 'ignored':
        this.reportIgnored(key);
        return;
      case 'other':
        if (this.requireCache().getFile(key)) this.onMissing(key);
        else this.emit({ type: 'skipped', folderId: this.folder.id, path: key, reason: 'not-a-regular-file' });
        return;
    }
  }

  /** A folder appeared (or its events were lost): every file in it that the cache does not match settles. */
  private async rescanFolder(relative: string): Promise<void> {
    const generation = this.generation;
    const scan = await scanFolder(this.folder.path, this.rules, relative);
    if (generation !== this.generation) return;
    const cache = this.requireCache();
    for (const { path: where, error } of [...scan.unreadableDirs, ...scan.unreadableFiles]) reportFailure(this.ingestContext(), where, error);
    const present = new Set<string>();
    for (const file of scan.files) {
      present.add(file.path);
      const cached = cache.getFile(file.path);
      if (!cached || !sameFileStat(cached, file.stat)) this.schedulePath(file.path);
    }
    for (const known of cache.filesUnder(relative)) if (!present.has(known)) this.schedulePath(known);
  }

  private enqueueIngest(key: string, kind: ArtifactKind): void {
    if (this.ingesting.has(key)) {
      // Changed again while being ingested: look again once this ingest is done.
      this.ingestAgain.add(key);
      return;
    }
    this.ingesting.add(key);
    this.emit({ type: 'queued', folderId: this.folder.id, path: key });
    const generation = this.generation;
    const task = this.schedule(async (): Promise<IngestOutcome> => {
      if (generation !== this.generation) return 'done';
      const ctx = this.ingestContext();
      return kind === 'bundle' ? ingestBundle(ctx, key) : ingestFile(ctx, key);
    })
      .then(
        (outcome) => {
          if (generation !== this.generation) return;
          if (outcome === 'changed') this.tracker.touch(key);
          else if (outcome === 'missing') this.onMissing(key);
        },
        (err: unknown) => reportFailure(this.ingestContext(), key, err),
      )
      .finally(() => {
        this.ingesting.delete(key);
        this.inFlight.delete(task);
        if (this.ingestAgain.delete(key) && generation === this.generation) this.tracker.touch(key);
      });
    this.inFlight.add(task);
  }

  // ---- disappearances ----------------------------------------------------------------------

  /** `key` is gone from disk: hold it for the rename window (or forget it if never recorded). */
  private onMissing(key: string): void {
    if (this.pendingDeletes.has(key)) return;
    const cache = this.requireCache();
    const file = cache.getFile(key);
    if (file && !(this.folder.bundles && key.includes('/'))) {
      this.pendingDeletes.add({ key, kind: 'file', digest: file.sha256, stat: file });
      return;
    }
    const bundle = cache.getBundle(key);
    if (bundle) {
      this.pendingDeletes.add({ key, kind: 'bundle', digest: bundle.listingDigest });
      return;
    }
    // A folder: in bundle mode one whose bundle was never recorded (forget its files); otherwise
    // a plain folder, whose known files each vanished with it.
    for (const known of cache.filesUnder(key)) {
      if (this.folder.bundles) cache.deleteFile(known);
      else this.onMissing(known);
    }
  }

  /** The rename window closed without a match. Hold on while new files are still settling. */
  private onDeleteWindowClosed(entry: PendingDelete): number | undefined {
    const heldFor = performance.now() - entry.since;
    const busy = this.tracker.size > 0 || this.ingesting.size > 0;
    if (busy && heldFor < this.timing.renameWindowMs + this.timing.maxSettleMs) return this.timing.settleMs;
    const task = this.tombstone(entry, this.generation).catch((err: unknown) => reportFailure(this.ingestContext(), entry.key, err));
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
    return undefined;
  }

  private async tombstone(entry: PendingDelete, generation: number): Promise<void> {
    const ctx = this.ingestContext();
    try {
      // Never because the whole folder went away: that is an unplugged drive, not a deletion.
      if ((await this.presence.check()) === 'missing') {
        void this.inBackground(async () => {
          if (this.current !== 'watching') return;
          await this.closeWatching();
          this.enterMissing();
        });
        return;
      }
      if (generation !== this.generation) return;
      if (await this.isPresent(entry)) {
        this.tracker.touch(entry.key); // back again: a change, not a delete
        return;
      }
      await this.schedule(() => this.publisher.markDeleted({ folderId: this.folder.id, artifactPath: entry.key }));
    } catch (err) {
      // The cache keeps the entry, so the next reconcile tries again.
      reportFailure(ctx, entry.key, err);
      return;
    }
    const cache = this.requireCache();
    if (entry.kind === 'bundle') {
      for (const file of cache.filesUnder(entry.key)) cache.deleteFile(file);
      cache.deleteBundle(entry.key);
    } else {
      cache.deleteFile(entry.key);
    }
    this.emit({ type: 'deleted', folderId: this.folder.id, path: entry.key });
  }

  private async isPresent(entry: PendingDelete): Promise<boolean> {
    if (entry.kind === 'bundle') {
      const scan = await scanFolder(this.folder.path, this.rules, entry.key);
      return scan.files.length > 0;
    }
    try {
      return (await fs.lstat(this.absolute(entry.key))).isFile();
    } catch (err) {
      if (isGone(err)) return false;
      throw err;
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private ingestContext(): IngestContext {
    return {
      folder: this.folder,
      cache: this.requireCache(),
      pendingDeletes: this.pendingDeletes,
      expectations: this.expectations,
      publisher: this.publisher,
      typeRules: this.typeRules,
      ignoreRules: this.rules,
      emit: (event) => this.emit(event),
      absolute: (relative) => this.absolute(relative),
    };
  }

  private requireCache(): StatCache {
    if (!this.cache) throw new CairnError('INTERNAL', `Watched folder ${this.folder.id} was used before its cache was loaded.`, { hint: 'This is a bug in Cairn; restarting it reloads the cache.' });
    return this.cache;
  }

  private absolute(relative: string): string {
    return absoluteIn(this.folder.path, relative);
  }

  private reportFolderError(where: string, err: unknown): void {
    const typed = fileError(where, err);
    this.emit({ type: 'error', folderId: this.folder.id, path: where, code: typed.code, message: typed.message, ...(typed.hint ? { hint: typed.hint } : {}) });
  }

  private emit(event: WatchEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // A broken listener must not stop the watcher.
    }
  }
}
