import type { Stats } from 'node:fs';

/**
 * The part of a file's stat that says "its content may have changed": size, modification time,
 * inode (a replace-by-rename gives a new one) and change time (catches writers that restore
 * the old mtime). If all four are equal, the content is taken to be unchanged and not re-read.
 */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
  ctimeMs: number;
}

export function fileStatOf(stats: Stats): FileStat {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, ctimeMs: stats.ctimeMs };
}

export function sameFileStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.ctimeMs === b.ctimeMs;
}

/**
 * Same inode, size and mtime: the same file moved (a rename changes only ctime). Used to follow
 * a move without reading the file again.
 */
export function sameInodeContent(a: FileStat, b: FileStat): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}
