/**
 * Is the watched folder still the folder we were watching? Answered from its stat: the device,
 * inode and birth time (inode numbers are reused at once when a folder is deleted and created
 * again; the birth time is not, where the filesystem records one).
 */
import type { Stats } from 'node:fs';

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
