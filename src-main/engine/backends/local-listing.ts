import type { Dirent } from 'node:fs';
import path from 'node:path';
import { reservedLocalSegment, temporaryNamePrefix, type ObjectInfo } from './backend';
import { compareKeys } from './key-order';
import type { LocalFileSystem } from './local-file-system';
import { errnoCode } from './local-fs-errors';

/**
 * Lists the objects of a folder repository under `prefix` in key byte order, after `startAfter`.
 *
 * It walks one folder at a time, in sorted order, so only the folders on the current path are in
 * memory. A folder `d` sorts as `d/` among its siblings: every key inside it starts with `d/`,
 * so `a-c` (0x2d) correctly comes before `a/b` (0x2f). Whole folders that lie at or before
 * `startAfter` are skipped without being read. Temporary files and the root `local` folder are
 * not part of the namespace and never appear.
 */
export async function* listFolderKeys(
  fs: LocalFileSystem,
  root: string,
  prefix: string,
  startAfter: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<ObjectInfo> {
  const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  if (folderKey.split('/')[0] === reservedLocalSegment) return;
  yield* walk(fs, root, folderKey, prefix.slice(folderKey.length), startAfter, signal);
}

interface Entry {
  name: string;
  isFolder: boolean;
  sortName: string;
}

async function* walk(
  fs: LocalFileSystem,
  root: string,
  folderKey: string,
  namePrefix: string,
  startAfter: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<ObjectInfo> {
  signal?.throwIfAborted();
  for (const entry of await readSortedEntries(fs, root, folderKey, namePrefix)) {
    const key = folderKey + entry.name;
    if (entry.isFolder) {
      const childFolderKey = key + '/';
      if (startAfter !== undefined && !startAfter.startsWith(childFolderKey) && compareKeys(startAfter, childFolderKey) > 0) continue;
      yield* walk(fs, root, childFolderKey, '', startAfter, signal);
      continue;
    }
    if (startAfter !== undefined && compareKeys(key, startAfter) <= 0) continue;
    const info = await statObject(fs, path.join(root, ...key.split('/')), key);
    if (info) yield info;
  }
}

async function readSortedEntries(fs: LocalFileSystem, root: string, folderKey: string, namePrefix: string): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await fs.readdir(path.join(root, ...folderKey.split('/')), { withFileTypes: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    if (!name.startsWith(namePrefix) || name.startsWith(temporaryNamePrefix)) continue;
    if (folderKey === '' && name === reservedLocalSegment) continue;
    const isFolder = dirent.isSymbolicLink() ? await isFolderBehindLink(fs, root, folderKey + name) : dirent.isDirectory();
    if (isFolder === null || (!isFolder && !dirent.isFile() && !dirent.isSymbolicLink())) continue;
    entries.push({ name, isFolder, sortName: isFolder ? name + '/' : name });
  }
  return entries.sort((a, b) => compareKeys(a.sortName, b.sortName));
}

/** A symlinked folder (say `packs` moved to another disk) is followed; a dangling link is skipped. */
async function isFolderBehindLink(fs: LocalFileSystem, root: string, key: string): Promise<boolean | null> {
  try {
    return (await fs.stat(path.join(root, ...key.split('/')))).isDirectory();
  } catch {
    return null;
  }
}

/** Size and time of one file, or null when it vanished between the listing and the stat. */
async function statObject(fs: LocalFileSystem, filePath: string, key: string): Promise<ObjectInfo | null> {
  try {
    const stats = await fs.stat(filePath);
    if (!stats.isFile()) return null;
    return { key, size: stats.size, modified: stats.mtime };
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
