/**
 * Lists the regular files of a watched folder (or one subfolder of it) with their stats,
 * skipping what the ignore rules exclude (ignored folders are not even entered). Used by
 * reconcile, by bundle probes and when a folder appears. Stats run many at a time: on a cold
 * disk the latency of each stat, not the CPU, is what a scan of 20k files waits for.
 */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isGone } from './errors';
import { fileStatOf, type FileStat } from './file-stat';
import { isCairnIgnoreFile, type IgnoreRules } from './ignore';

export interface ScannedFile {
  /** Relative to the watched folder, '/'-separated. */
  path: string;
  stat: FileStat;
}

export interface FolderScan {
  files: ScannedFile[];
  /** Folders that could not be listed: what the cache knows under them is not "missing". */
  unreadableDirs: { path: string; error: unknown }[];
  /** Files that could not be stat'ed (other than vanishing mid-scan). */
  unreadableFiles: { path: string; error: unknown }[];
  /** Ignored files and folders seen (folders count once; their contents are not entered). */
  ignored: number;
}

const statConcurrency = 64;

/** Scans `under` (relative, '' for the whole folder) below `root`. */
export async function scanFolder(root: string, rules: IgnoreRules, under = ''): Promise<FolderScan> {
  const scan: FolderScan = { files: [], unreadableDirs: [], unreadableFiles: [], ignored: 0 };
  const candidates: string[] = [];
  const dirs: string[] = [under];
  while (dirs.length > 0) {
    const dir = dirs.pop()!;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir === '' ? root : path.join(root, dir), { withFileTypes: true });
    } catch (err) {
      if (!isGone(err)) scan.unreadableDirs.push({ path: dir, error: err });
      continue;
    }
    for (const entry of entries) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (rules.isIgnored(relative, true)) scan.ignored++;
        else dirs.push(relative);
      } else if (entry.isFile()) {
        if (isCairnIgnoreFile(relative)) continue;
        if (rules.isIgnored(relative)) scan.ignored++;
        else candidates.push(relative);
      }
      // Symlinks, sockets, FIFOs and devices are not versioned (and links are never followed).
    }
  }
  await statAll(root, candidates, scan);
  return scan;
}

async function statAll(root: string, paths: string[], scan: FolderScan): Promise<void> {
  const stats: (FileStat | undefined)[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const index = next++;
      const relative = paths[index]!;
      try {
        const stat = await fs.lstat(path.join(root, relative));
        if (stat.isFile()) stats[index] = fileStatOf(stat);
      } catch (err) {
        if (!isGone(err)) scan.unreadableFiles.push({ path: relative, error: err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(statConcurrency, paths.length) }, worker));
  for (let i = 0; i < paths.length; i++) {
    const stat = stats[i];
    if (stat) scan.files.push({ path: paths[i]!, stat });
  }
}
