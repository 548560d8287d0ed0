/**
 * Which paths under a watched folder changed, from chokidar, watching folders only.
 *
 * chokidar 5 opens one `fs.watch` per file and per folder; on 20k files that alone took 2–5 s
 * and ~280 MB here, against targets of 2 s and 300 MB for a whole restart. A folder's watch
 * already reports every change to the entries in it (inotify, FSEvents and ReadDirectoryChangesW
 * all do; chokidar itself falls back on it), so the `ignored` option drops files from chokidar's
 * bookkeeping and the feed listens to the folder watches' `raw` events (event, name, watched
 * folder) instead. What each name is, and whether it matters, is for the caller to find out.
 * chokidar still does the part that is hard to get right: following folders as they are
 * created, moved and removed, and not descending into ignored ones.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { absoluteIn, relativeTo } from './folder-paths';
import { toPosixRelative } from './ignore';

export interface ChangeFeedHandlers {
  /** Something happened at this path (a file or a folder; created, changed, removed or renamed). */
  onPath(relative: string): void;
  /** A folder appeared (created, or moved in); its contents may never produce an event of their own. */
  onFolderAppeared(relative: string): void;
  /** A folder vanished; '' is the watched folder itself. */
  onFolderVanished(relative: string): void;
  /** Something changed in this folder but the platform did not say what (event overflow). */
  onFolderChanged(relative: string): void;
  onError(absolutePath: string, err: unknown): void;
}

export interface ChangeFeed {
  close(): Promise<void>;
}

/**
 * Starts watching `root` and resolves once chokidar's initial scan is done (its `ready`): from
 * then on every change under `root` reaches a handler. `isIgnoredFolder` prunes folders.
 */
export async function openChangeFeed(root: string, isIgnoredFolder: (relative: string) => boolean, handlers: ChangeFeedHandlers): Promise<ChangeFeed> {
  const ignored = (candidate: string, stats?: Stats): boolean => {
    const relative = relativeTo(root, candidate);
    if (relative === null || relative === '') return false;
    // Without stats chokidar asks again with them; only then is a file known to be a file.
    if (stats === undefined) return false;
    return stats.isDirectory() ? isIgnoredFolder(relative) : true;
  };
  const watcher = chokidarWatch(root, { ignoreInitial: true, followSymlinks: false, persistent: true, atomic: false, ignored });
  let open = true;
  watcher.on('raw', (_event, name, details) => {
    if (!open) return;
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watchedPath !== 'string') return;
    const dir = relativeTo(root, path.resolve(watchedPath));
    if (dir === null) return;
    if (!name) {
      handlers.onFolderChanged(dir);
      return;
    }
    const child = toPosixRelative(String(name));
    handlers.onPath(dir === '' ? child : `${dir}/${child}`);
  });
  watcher.on('addDir', (dir) => {
    const relative = open ? relativeTo(root, dir) : null;
    if (relative) handlers.onFolderAppeared(relative);
  });
  watcher.on('unlinkDir', (dir) => {
    const relative = open ? relativeTo(root, dir) : null;
    if (relative !== null) handlers.onFolderVanished(relative);
  });
  watcher.on('error', (err) => {
    if (open) handlers.onError((err as NodeJS.ErrnoException).path ?? absoluteIn(root, ''), err);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      open = false;
      await watcher.close();
    },
  };
}
