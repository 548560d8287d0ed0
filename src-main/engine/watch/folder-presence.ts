/**
 * Is the watched folder there, and is it still the folder we were watching? Answered from its
 * stat: the device, inode and birth time (inode numbers are reused at once when a folder is
 * deleted and created again; the birth time is not, where the filesystem records one).
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import type { StatCache } from './stat-cache';

export interface RootIdentity {
  dev: number;
  ino: number;
  /** 0 where the filesystem does not record it. */
  birthtimeMs: number;
}

export function rootIdentityOf(stats: Stats): RootIdentity {
  return { dev: stats.dev, ino: stats.ino, birthtimeMs: stats.birthtimeMs };
}

export function sameRoot(a: RootIdentity, b: RootIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.birthtimeMs === b.birthtimeMs;
}

/**
 * The verdict on a folder that exists: 'same', 'replaced' (another folder now has the path:
 * watch it afresh and reconcile) or 'missing'. An empty folder on another device than the one
 * recorded, where files were known, is a mount point whose drive is not plugged in: reporting it
 * missing keeps a whole drive's history from being tombstoned for being unplugged. (An empty
 * folder on the same device is a folder whose files were deleted, and they are tombstoned.)
 */
export function judgeRoot(known: RootIdentity | null, now: RootIdentity, folder: { isEmpty: boolean; knownFiles: number }): 'same' | 'replaced' | 'missing' {
  if (!known || sameRoot(known, now)) return 'same';
  if (known.dev !== now.dev && folder.isEmpty && folder.knownFiles > 0) return 'missing';
  return 'replaced';
}

/**
 * Checks one watched folder's presence, remembering the identity it had while watched (and
 * recording it in the stat cache, so a restart can tell a remounted drive from a bare mount point).
 */
export class FolderPresence {
  /** The identity while watching; null before the first check and after a replacement. */
  private watched: RootIdentity | null = null;

  constructor(
    private readonly folderPath: string,
    private readonly cache: () => StatCache | null,
  ) {}

  /**
   * 'missing', 'replaced' (another folder now has the path: the watches point at the old one)
   * or 'ok'. At start there is nothing to replace: a new identity is just recorded.
   */
  async check(): Promise<'ok' | 'missing' | 'replaced'> {
    let stats: Stats;
    try {
      stats = await fs.stat(this.folderPath);
    } catch {
      return 'missing';
    }
    if (!stats.isDirectory()) return 'missing';
    const now = rootIdentityOf(stats);
    const cache = this.cache();
    const known = this.watched ?? cache?.root ?? null;
    const knownFiles = cache?.fileCount ?? 0;
    const mayBeMountPoint = knownFiles > 0 && known !== null && known.dev !== now.dev;
    const verdict = judgeRoot(known, now, { isEmpty: mayBeMountPoint && (await isEmptyFolder(this.folderPath)), knownFiles });
    if (verdict === 'missing') return 'missing';
    if (verdict === 'replaced' && this.watched !== null) {
      this.watched = null;
      return 'replaced';
    }
    this.watched = now;
    cache?.setRoot(now);
    return 'ok';
  }
}

async function isEmptyFolder(folder: string): Promise<boolean> {
  try {
    const dir = await fs.opendir(folder);
    try {
      return (await dir.read()) === null;
    } finally {
      await dir.close().catch(() => undefined);
    }
  } catch {
    return false;
  }
}
