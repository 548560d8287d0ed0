import { CairnError, type ErrorCode } from '../../../src-shared/errors';

export class WatchedPathNotFoundError extends CairnError {
  constructor(path: string) {
    super('NOT_FOUND', `Cannot watch ${path}: it does not exist.`, {
      hint: 'Check the path (it is resolved from the current folder), or create the folder first.',
    });
    this.name = 'WatchedPathNotFoundError';
  }
}

export class WatchedPathNotAFolderError extends CairnError {
  constructor(path: string) {
    super('INVALID_INPUT', `Cannot watch ${path}: it is a file, not a folder.`, {
      hint: 'Watch the folder that contains it; Cairn versions every file inside a watched folder.',
    });
    this.name = 'WatchedPathNotAFolderError';
  }
}

export class FolderAlreadyWatchedError extends CairnError {
  constructor(path: string, folderId: string) {
    super('ALREADY_EXISTS', `${path} is already watched (watched folder ${folderId}).`, {
      hint: 'Change that folder\'s settings instead of adding it again, or remove it first.',
    });
    this.name = 'FolderAlreadyWatchedError';
  }
}

export class WatchedFoldersOverlapError extends CairnError {
  constructor(path: string, relation: 'inside' | 'contains', other: { path: string; id: string }) {
    const how = relation === 'inside' ? `is inside the watched folder ${other.path}` : `contains the watched folder ${other.path}`;
    super('CONFLICT', `Cannot watch ${path}: it ${how} (${other.id}).`, {
      hint: 'A file may belong to one watched folder only: remove the other folder first, or choose a folder that does not overlap it.',
    });
    this.name = 'WatchedFoldersOverlapError';
  }
}

export class UnknownWatchedFolderError extends CairnError {
  constructor(folderId: string) {
    super('NOT_FOUND', `There is no watched folder with id "${folderId}".`, {
      hint: 'List the watched folders to see their ids; the folder may have been removed on this device.',
    });
    this.name = 'UnknownWatchedFolderError';
  }
}

export class WatchConfigCorruptError extends CairnError {
  constructor(file: string, why: string, details?: unknown) {
    super('CORRUPT', `The watched-folders settings file ${file} is damaged: ${why}.`, {
      hint: 'Fix the file by hand (it is JSON), or move it away to start with no watched folders and add them again.',
      details,
    });
    this.name = 'WatchConfigCorruptError';
  }
}

/** A file (or folder) inside a watched folder that Cairn could not read. */
export class WatchedFileUnreadableError extends CairnError {
  constructor(path: string, why: string, code: ErrorCode = 'PERMISSION_DENIED') {
    super(code, `Cannot read ${path}: ${why}.`, {
      hint:
        code === 'PERMISSION_DENIED'
          ? 'Give the user running Cairn read access to it, or add it to the folder\'s .cairnignore.'
          : 'Check the disk; Cairn will try again the next time the file changes or the folder is rescanned.',
    });
    this.name = 'WatchedFileUnreadableError';
  }
}

/** Turns a raw fs error about `path` into a typed, path-naming error (CairnErrors pass through). */
export function fileError(path: string, err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = err instanceof Error ? err.message : String(err);
  if (code === 'EACCES' || code === 'EPERM') return new WatchedFileUnreadableError(path, 'permission denied');
  if (code === 'EBUSY') return new WatchedFileUnreadableError(path, 'it is locked by another program', 'LOCKED');
  return new WatchedFileUnreadableError(path, why, 'IO');
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** fs error codes meaning "nothing is there (any more)". */
export function isGone(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
