/**
 * The watcher's memory of what it has already recorded, per watched folder: for each file its
 * stat and content digest (and the version it became), for each bundle the digest of its file
 * listing. Device-local and derived: losing it costs re-reading files (the publisher finds the
 * content identical and makes no version), never data, so a damaged file is reported and
 * replaced by an empty cache rather than failing the watcher.
 *
 * On disk: one JSON document of tuples (compact, ~140 bytes a file; 20k files parse in tens of
 * milliseconds), replaced atomically. Saves are debounced: a burst of changes is one write.
 */
import fs from 'node:fs/promises';
import { writeFileAtomically } from './atomic-file';
import { errnoCode } from './errors';
import type { FileStat } from './file-stat';
import { sameRoot, type RootIdentity } from './folder-presence';

export interface FileRecord extends FileStat {
  sha256: string;
  /** The version this content became; null when unknown (written back, or inside a bundle). */
  versionId: string | null;
}

export interface BundleRecord {
  /** SHA-256 over the bundle's sorted (path, sha256, size) lines: the watcher's own identity check. */
  listingDigest: string;
  /** The publisher's digest of the bundle (canonical tree), when it reported one. */
  sha256: string | null;
  versionId: string | null;
}


type FileTuple = [path: string, size: number, mtimeMs: number, ino: number, ctimeMs: number, sha256: string, versionId: string | null];
type BundleTuple = [name: string, listingDigest: string, sha256: string | null, versionId: string | null];

interface CacheDocument {
  format: 'cairn-watch-stat-cache';
  version: 1;
  /** The watched folder's identity when last watched: tells a remounted drive from a bare mount point. */
  root: RootIdentity | null;
  files: FileTuple[];
  bundles: BundleTuple[];
}

export interface StatCacheLoad {
  cache: StatCache;
  /** Set when the file existed but could not be used; the cache starts empty. */
  problem?: string;
}

export class StatCache {
  private readonly files = new Map<string, FileRecord>();
  private readonly bundles = new Map<string, BundleRecord>();
  root: RootIdentity | null = null;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly options: { saveDelayMs?: number; onSaveError?: (err: unknown) => void } = {},
  ) {}

  static async load(file: string, options: { saveDelayMs?: number; onSaveError?: (err: unknown) => void } = {}): Promise<StatCacheLoad> {
    const cache = new StatCache(file, options);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return { cache };
      return { cache, problem: `cannot read it (${(err as Error).message})` };
    }
    try {
      cache.fill(JSON.parse(text) as unknown);
      return { cache };
    } catch (err) {
      cache.files.clear();
      cache.bundles.clear();
      cache.root = null;
      return { cache, problem: (err as Error).message };
    }
  }

  get fileCount(): number {
    return this.files.size;
  }

  getFile(path: string): FileRecord | undefined {
    return this.files.get(path);
  }

  setFile(path: string, record: FileRecord): void {
    this.files.set(path, record);
    this.changed();
  }

  deleteFile(path: string): void {
    if (this.files.delete(path)) this.changed();
  }

  filePaths(): IterableIterator<string> {
    return this.files.keys();
  }

  /** Files under a folder (`prefix` without trailing '/'); '' means every file. */
  filesUnder(prefix: string): string[] {
    if (prefix === '') return [...this.files.keys()];
    const start = `${prefix}/`;
    const found: string[] = [];
    for (const path of this.files.keys()) if (path.startsWith(start)) found.push(path);
    return found;
  }

  getBundle(name: string): BundleRecord | undefined {
    return this.bundles.get(name);
  }

  setBundle(name: string, record: BundleRecord): void {
    this.bundles.set(name, record);
    this.changed();
  }

  deleteBundle(name: string): void {
    if (this.bundles.delete(name)) this.changed();
  }

  bundleNames(): IterableIterator<string> {
    return this.bundles.keys();
  }

  setRoot(root: RootIdentity): void {
    if (this.root && sameRoot(this.root, root)) return;
    this.root = root;
    this.changed();
  }

  /** Writes now if anything changed since the last save (call before stopping). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.dirty) {
      this.dirty = false;
      const text = this.serialize();
      this.saving = this.saving.then(() => writeFileAtomically(this.file, text));
    }
    await this.saving;
  }

  private changed(): void {
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush().catch((err: unknown) => {
        this.dirty = true; // try again with the next change or flush
        this.options.onSaveError?.(err);
      });
    }, this.options.saveDelayMs ?? 1000);
    this.saveTimer.unref();
  }

  private serialize(): string {
    const files: FileTuple[] = [];
    for (const [path, r] of this.files) files.push([path, r.size, r.mtimeMs, r.ino, r.ctimeMs, r.sha256, r.versionId]);
    const bundles: BundleTuple[] = [];
    for (const [name, r] of this.bundles) bundles.push([name, r.listingDigest, r.sha256, r.versionId]);
    const document: CacheDocument = { format: 'cairn-watch-stat-cache', version: 1, root: this.root, files, bundles };
    return JSON.stringify(document);
  }

  /** Checked by hand, not with zod: it runs on every start over tens of thousands of tuples. */
  private fill(json: unknown): void {
    if (!isObject(json) || json.format !== 'cairn-watch-stat-cache') throw new Error('it is not a Cairn stat cache');
    if (json.version !== 1) throw new Error(`it has format version ${String(json.version)}, this Cairn reads version 1`);
    const { root, files, bundles } = json;
    if (root !== null && !(isObject(root) && typeof root.dev === 'number' && typeof root.ino === 'number' && typeof root.birthtimeMs === 'number')) {
      throw new Error('its root identity is malformed');
    }
    if (!Array.isArray(files) || !Array.isArray(bundles)) throw new Error('its file or bundle list is missing');
    for (const t of files as unknown[]) {
      if (!isFileTuple(t)) throw new Error(`a file entry is malformed: ${JSON.stringify(t)?.slice(0, 200)}`);
      this.files.set(t[0], { size: t[1], mtimeMs: t[2], ino: t[3], ctimeMs: t[4], sha256: t[5], versionId: t[6] });
    }
    for (const t of bundles as unknown[]) {
      if (!isBundleTuple(t)) throw new Error(`a bundle entry is malformed: ${JSON.stringify(t)?.slice(0, 200)}`);
      this.bundles.set(t[0], { listingDigest: t[1], sha256: t[2], versionId: t[3] });
    }
    this.root = root === null ? null : { dev: root.dev as number, ino: root.ino as number, birthtimeMs: root.birthtimeMs as number };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hex64 = /^[0-9a-f]{64}$/;

function isFileTuple(t: unknown): t is FileTuple {
  return (
    Array.isArray(t) &&
    t.length === 7 &&
    typeof t[0] === 'string' &&
    typeof t[1] === 'number' &&
    typeof t[2] === 'number' &&
    typeof t[3] === 'number' &&
    typeof t[4] === 'number' &&
    typeof t[5] === 'string' &&
    hex64.test(t[5]) &&
    (t[6] === null || typeof t[6] === 'string')
  );
}

function isBundleTuple(t: unknown): t is BundleTuple {
  return (
    Array.isArray(t) &&
    t.length === 4 &&
    typeof t[0] === 'string' &&
    typeof t[1] === 'string' &&
    (t[2] === null || typeof t[2] === 'string') &&
    (t[3] === null || typeof t[3] === 'string')
  );
}
