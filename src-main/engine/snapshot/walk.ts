import fs from 'node:fs/promises';
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SourceLoopError, SourceNotFoundError, SourceUnreadableError, UnsupportedFileTypeError } from './errors';

export interface WalkedFile {
  type: 'file';
  /** Path relative to the snapshot root, `/`-separated. */
  path: string;
  absolute: string;
  size: number;
  mode: number;
  mtimeMs: number;
  /** With ctimeMs: what tells an unchanged file (see parent-cache.ts). */
  ino: number;
  ctimeMs: number;
}

export interface WalkedDir {
  type: 'dir';
  path: string;
  mode: number;
  mtimeMs: number;
}

export interface WalkedSymlink {
  type: 'symlink';
  path: string;
  target: string;
  mtimeMs: number;
}

export type WalkedEntry = WalkedFile | WalkedDir | WalkedSymlink;

export interface WalkResult {
  root: 'file' | 'dir';
  entries: WalkedEntry[];
}

export interface WalkOptions {
  /**
   * Called for each file as soon as it is found (in no particular order), before the walk
   * ends; `root` says whether the source is that one file or a folder holding it.
   */
  onFile?(file: WalkedFile, root: 'file' | 'dir'): void;
  /** Stops the walk early (it then rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * Lists what a snapshot of `source` contains. Symlinks are recorded as links and never
 * followed (so a link loop inside a folder is just a link); sockets, FIFOs and devices are
 * refused. Entries come out sorted by path.
 */
export async function walkSource(source: string, options: WalkOptions = {}): Promise<WalkResult> {
  const absolute = path.resolve(source);
  const rootStat = await statRoot(absolute);
  if (rootStat.isFile()) {
    const file: WalkedFile = { type: 'file', path: path.basename(absolute), absolute, size: rootStat.size, mode: rootStat.mode & 0o7777, mtimeMs: rootStat.mtimeMs, ino: rootStat.ino, ctimeMs: rootStat.ctimeMs };
    options.onFile?.(file, 'file');
    return { root: 'file', entries: [file] };
  }
  if (!rootStat.isDirectory()) throw new UnsupportedFileTypeError(absolute, kindOf(rootStat));

  const entries: WalkedEntry[] = [];
  const stack: string[] = [''];
  let statted = 0;
  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const relativeDir = stack.pop()!;
    const dir = relativeDir === '' ? absolute : path.join(absolute, relativeDir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      throw mapError(err, dir);
    }
    for (const name of names) {
      if (++statted % statsPerSlice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const relative = relativeDir === '' ? name : `${relativeDir}/${name}`;
      const full = path.join(dir, name);
      let stat;
      try {
        stat = lstatSync(full, { throwIfNoEntry: false });
      } catch (err) {
        throw mapError(err, full);
      }
      if (!stat) continue; // deleted while we walked
      if (stat.isSymbolicLink()) {
        entries.push({ type: 'symlink', path: relative, target: await fs.readlink(full), mtimeMs: stat.mtimeMs });
      } else if (stat.isFile()) {
        const file: WalkedFile = { type: 'file', path: relative, absolute: full, size: stat.size, mode: stat.mode & 0o7777, mtimeMs: stat.mtimeMs, ino: stat.ino, ctimeMs: stat.ctimeMs };
        entries.push(file);
        options.onFile?.(file, 'dir');
      } else if (stat.isDirectory()) {
        entries.push({ type: 'dir', path: relative, mode: stat.mode & 0o7777, mtimeMs: stat.mtimeMs });
        stack.push(relative);
      } else {
        throw new UnsupportedFileTypeError(full, kindOf(stat));
      }
    }
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root: 'dir', entries };
}

/**
 * Names listed and stat-ed synchronously between yields to the event loop. An async lstat
 * costs ~20 µs of this thread per name in promise and request bookkeeping, five times the
 * syscall itself, and for 20k small files the walk was the main thread's largest cost (the
 * promise readdir about twice the sync one). A slice of 128 blocks the loop for well under a
 * millisecond.
 */
const statsPerSlice = 128;

async function statRoot(absolute: string) {
  try {
    return await fs.stat(absolute);
  } catch (err) {
    throw mapError(err, absolute);
  }
}

function mapError(err: unknown, where: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SourceNotFoundError(where);
  if (code === 'ELOOP') return new SourceLoopError(where);
  if (code === 'EACCES' || code === 'EPERM') return new SourceUnreadableError(where, 'permission denied');
  return err as Error;
}

function kindOf(stat: { isSocket(): boolean; isFIFO(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'named pipe';
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return 'device';
  return 'special file';
}
