/**
 * Disappearances held back for a short window, so a move is recorded as a rename (history
 * follows the file, nothing is uploaded again) rather than a delete plus a new artifact. A file
 * that vanishes waits here; if a new file with the same content (same inode and size and mtime,
 * or the same SHA-256) shows up before the window closes, it claims the entry and becomes a
 * rename. Otherwise the window closes and the owner tombstones the artifact.
 */
import type { FileStat } from './file-stat';
import { sameInodeContent } from './file-stat';
import type { ArtifactKind } from './publisher';

export interface PendingDelete {
  /** The artifact path that vanished (a file path, or a bundle's folder name). */
  key: string;
  kind: ArtifactKind;
  /** Content identity: a file's SHA-256, or a bundle's listing digest. */
  digest: string;
  /** The file's last known stat (files only): a same-inode match needs no re-read. */
  stat?: FileStat;
  since: number;
}

export interface PendingDeletesOptions {
  windowMs: number;
  /**
   * The window closed with no match. The owner returns how many more milliseconds to hold the
   * entry (a possible match is still settling), or undefined to release it: then it is the
   * owner's to tombstone.
   */
  onExpired: (entry: PendingDelete) => number | undefined;
}

export class PendingDeletes {
  private readonly entries = new Map<string, { entry: PendingDelete; timer: NodeJS.Timeout }>();

  constructor(private readonly options: PendingDeletesOptions) {}

  add(entry: Omit<PendingDelete, 'since'>): void {
    if (this.entries.has(entry.key)) return;
    const held = { ...entry, since: performance.now() };
    this.entries.set(entry.key, { entry: held, timer: this.timerFor(held, this.options.windowMs) });
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The path is there again (an atomic save, a write-back): not a delete after all. */
  cancel(key: string): void {
    const slot = this.entries.get(key);
    if (!slot) return;
    clearTimeout(slot.timer);
    this.entries.delete(key);
  }

  cancelAll(): void {
    for (const slot of this.entries.values()) clearTimeout(slot.timer);
    this.entries.clear();
  }

  /** Whether reading a new file of this size could turn it into a rename (worth hashing first). */
  hasFileOfSize(size: number): boolean {
    for (const { entry } of this.entries.values()) if (entry.kind === 'file' && entry.stat?.size === size) return true;
    return false;
  }

  hasKind(kind: ArtifactKind): boolean {
    for (const { entry } of this.entries.values()) if (entry.kind === kind) return true;
    return false;
  }

  /** Removes and returns a vanished file that is the same inode as `stat` (moved, not copied). */
  claimByInode(stat: FileStat): PendingDelete | undefined {
    return this.claim((entry) => entry.kind === 'file' && entry.stat !== undefined && sameInodeContent(entry.stat, stat));
  }

  /** Removes and returns a vanished artifact of this kind with this content digest. */
  claimByDigest(kind: ArtifactKind, digest: string): PendingDelete | undefined {
    return this.claim((entry) => entry.kind === kind && entry.digest === digest);
  }

  /** Entries of this kind, oldest first, for lookups of their files (bundles moved as a folder). */
  list(kind: ArtifactKind): PendingDelete[] {
    return [...this.entries.values()].map((slot) => slot.entry).filter((entry) => entry.kind === kind);
  }

  private claim(matches: (entry: PendingDelete) => boolean): PendingDelete | undefined {
    for (const [key, slot] of this.entries) {
      if (!matches(slot.entry)) continue;
      clearTimeout(slot.timer);
      this.entries.delete(key);
      return slot.entry;
    }
    return undefined;
  }

  private timerFor(entry: PendingDelete, delayMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const slot = this.entries.get(entry.key);
      if (slot?.entry !== entry) return;
      const holdMs = this.options.onExpired(entry);
      if (holdMs !== undefined && this.entries.get(entry.key) === slot) slot.timer = this.timerFor(entry, holdMs);
      else if (this.entries.get(entry.key) === slot) this.entries.delete(entry.key);
    }, delayMs);
  }
}
